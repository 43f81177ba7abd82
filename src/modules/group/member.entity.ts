import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { memberKey, toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import { DateTimeScalar } from "../../common/scalars";
import { BigIntColumn, InstantColumn, RefColumn } from "../../db/columns";
import type { User } from "../user/user.entity";
import { JoinSourceKind, MemberRole } from "./group.enums";

@Entity("group_members")
@ObjectType("Member", { implements: Node, simpleResolvers: true, description: "A user's membership of a group." })
export class Member implements Node {
  /** The membership's own global id (of the group and user pair): stable across role changes, for client caches. */
  @Field(() => ID)
  get id(): string {
    return toGlobalId("Member", memberKey(this.groupId, this.userId));
  }

  @PrimaryColumn({ name: "group_id", type: "varchar", length: 36 })
  groupId: string;

  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  @RefColumn("tenant_id")
  tenantId: string;

  @Field(() => MemberRole)
  @Column({ type: "varchar", length: 8 })
  role: MemberRole;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  joinedAt: number;

  /** Position in the group's join order (the history seq of the join), for "earliest joined" rules. */
  @BigIntColumn()
  joinSeq: number;

  @Column({ type: "varchar", length: 16 })
  joinKind: JoinSourceKind;

  @RefColumn("inviter_id", { nullable: true })
  inviterId: string | null;

  @RefColumn("code_id", { nullable: true })
  codeId: string | null;

  @RefColumn("live_code_id", { nullable: true })
  liveCodeId: string | null;

  @Column({ type: "varchar", length: 30, nullable: true })
  joinState: string | null;

  @Field(() => Boolean)
  @Column({ type: "boolean" })
  mutedNotifications: boolean;

  /** The member's user, when the query that loaded the member brought it along (saves a loader round). */
  user?: User;

  /** Muted (禁言) until this instant (epoch ms); null or past: may post. */
  @InstantColumn({ nullable: true })
  mutedUntil: number | null;

  /** deleteChat hides history up to here from this member's view; restoreChat sets it back to 0. */
  @Column({ type: "int", default: 0 })
  clearedThroughSeq: number;
}
