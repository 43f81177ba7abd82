import { Field, ObjectType } from "type-graphql";
import { Entity, PrimaryColumn } from "typeorm";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn } from "../../db/columns";

/** A user banned from a group: no path brings them back until `unbanMember`. */
@Entity("group_bans")
@ObjectType("Ban", { simpleResolvers: true, description: "A user removed from a group and barred from every way back in." })
export class Ban {
  @PrimaryColumn({ name: "group_id", type: "varchar", length: 36 })
  groupId: string;

  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  /** The owner or admin who banned; null when the tenant operator did. */
  @RefColumn("banned_by", { nullable: true })
  bannedById: string | null;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;
}
