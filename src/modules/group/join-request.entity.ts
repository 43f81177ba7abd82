import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";
import { Node } from "../../graphql/node";
import { JoinRequestStatus, JoinSourceKind } from "./group.enums";

/**
 * A request to join a group with join approval on (群聊邀请确认): made by a code, live-code or
 * face-to-face join, or by a plain member's invitation; answered by the group's owner or an admin.
 */
@Entity("join_requests")
@ObjectType("JoinRequest", { implements: Node, simpleResolvers: true, description: "A request to join a group that has join approval on." })
export class JoinRequest implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("JoinRequest", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @RefColumn("group_id")
  groupId: string;

  /** Who would join. */
  @RefColumn("requester_id")
  requesterId: string;

  /** The member whose invitation made the request (INVITATION requests). */
  @RefColumn("inviter_id", { nullable: true })
  inviterId: string | null;

  /** The path the joiner came by; copied into their join source on approval. */
  @Column({ type: "varchar", length: 16 })
  sourceKind: JoinSourceKind;

  @RefColumn("code_id", { nullable: true })
  codeId: string | null;

  @RefColumn("live_code_id", { nullable: true })
  liveCodeId: string | null;

  @Column({ type: "varchar", length: 30, nullable: true })
  joinState: string | null;

  /** Stored status; a PENDING request past `expiresAt` reads as EXPIRED. */
  @Column({ name: "status", type: "varchar", length: 16 })
  storedStatus: JoinRequestStatus;

  /** The requester's id while PENDING, else NULL: a unique (group_id, open_key) allows one open request per person. */
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
  answeredAt: number | null;

  /** The owner or admin who answered (null: not answered, or closed by a ban or dissolution). */
  @RefColumn("answered_by", { nullable: true })
  answeredById: string | null;
}
