import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";
import { GroupCategory } from "../../policy/compliance";
import { GroupStatus } from "./group.enums";
import type { User } from "../user/user.entity";
import type { ConnectionShape } from "../../common/pagination";
import type { FieldNode } from "graphql";
import type { Member } from "./member.entity";

/** An Error as Group.members carries a refused argument (typed apart: TypeORM's partial-entity types do not take Error's `cause`). */
export type MembersRefusal = Pick<Error, "message" | "name">;

@Entity("chat_groups")
@ObjectType("Group", { implements: Node, simpleResolvers: true, description: "A chat group and its members." })
export class Group implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("Group", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field(() => GroupCategory)
  @Column({ type: "varchar", length: 16 })
  category: GroupCategory;

  @Field(() => Boolean)
  @Column({ type: "boolean" })
  minorProtection: boolean;

  @Field(() => GroupStatus)
  @Column({ type: "varchar", length: 16 })
  status: GroupStatus;

  /** Null only once the group is dissolved. */
  @RefColumn("owner_id", { nullable: true })
  ownerId: string | null;

  /** The owner's user, when the query that loaded the group brought it along (null: no owner). */
  owner?: User | null;

  /**
   * The first page of members (or the refusal of its arguments), when the list that loaded the group
   * brought it along for one `members` field (see GroupReader.groupsOf): read as a property by a
   * document graphql-jit compiles so (membersReadAlong in group.resolver.ts), else answered for the
   * field node in membersReadFor only.
   */
  members?: ConnectionShape<Member> | MembersRefusal;

  /** The `members` field node `members` was read for (a refusal names none: the resolver refuses again). */
  membersReadFor?: FieldNode;

  @RefColumn("created_by")
  createdBy: string;

  @RefColumn("parent_id", { nullable: true })
  parentId: string | null;

  @Field(() => Int, { description: "Members now in the group (kept equal to the member rows by every write)." })
  @Column({ type: "int" })
  memberCount: number;

  /** Entries in the group's history log; the next entry gets `logSize + 1`. */
  @Column({ type: "int" })
  logSize: number;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  @InstantColumn()
  updatedAt: number;

  @InstantColumn({ nullable: true })
  dissolvedAt: number | null;

  /** Join approval (群聊邀请确认): codes, live codes, face to face and plain members' invitations ask owners and admins first. */
  @Column({ type: "boolean", default: false })
  joinApproval: boolean;

  /** Mute all (全员禁言): only the owner and admins may post. */
  @Column({ type: "boolean", default: false })
  muteAll: boolean;

  /** Posted on every join (`%NICKNAME%` and `%GROUP%` substituted); null: none. */
  @Column({ type: "text", nullable: true })
  welcomeMessage: string | null;

  /** The history entry holding the group announcement (群公告): its text, author and time. */
  @RefColumn("announcement_entry_id", { nullable: true })
  announcementEntryId: string | null;

  /** The right edge of the group's Merkle log (see MerkleFrontier), kept in step with `logSize`. */
  @Column({ type: "text", nullable: true })
  merkleFrontier: string | null;
}
