import { Entity, PrimaryColumn } from "typeorm";
import { InstantColumn, RefColumn } from "../../db/columns";

/** One CRM tag of a user (setUserTags, or a live code the user joined through). */
@Entity("user_tags")
export class UserTag {
  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @PrimaryColumn({ type: "varchar", length: 32 })
  tag: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @InstantColumn()
  createdAt: number;
}
