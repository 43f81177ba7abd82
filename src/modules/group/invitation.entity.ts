import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";
import { InvitationStatus } from "./group.enums";

@Entity("invitations")
@ObjectType("Invitation", { implements: Node, simpleResolvers: true, description: "An invitation into a group beyond its direct-add limit." })
export class Invitation implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("Invitation", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @RefColumn("group_id")
  groupId: string;

  @RefColumn("invitee_id")
  inviteeId: string;

  @RefColumn("inviter_id", { nullable: true })
  inviterId: string | null;

  /** Stored status; a PENDING invitation past `expiresAt` reads as EXPIRED. */
  @Column({ name: "status", type: "varchar", length: 16 })
  storedStatus: InvitationStatus;

  @RefColumn("open_key", { nullable: true })
  openKey: string | null;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  expiresAt: number;

  @Field(() => DateTimeScalar, { nullable: true })
  @InstantColumn({ nullable: true })
  respondedAt: number | null;
}
