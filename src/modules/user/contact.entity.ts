import { Entity, PrimaryColumn } from "typeorm";
import { InstantColumn, RefColumn } from "../../db/columns";

/** One direction of a friendship; `addContacts` always writes both directions. */
@Entity("contacts")
export class Contact {
  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @PrimaryColumn({ name: "contact_id", type: "varchar", length: 36 })
  contactId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @InstantColumn()
  createdAt: number;
}
