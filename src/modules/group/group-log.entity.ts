import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { Node } from "../../graphql/node";
import type { HeadVersion } from "../evidence/signer";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";

/** Structured details of a history entry (flat JSON). */
export type LogData = Record<string, string | number | boolean | null>;

/**
 * One entry of a group's append-only history: membership events now, messages later. `seq` runs
 * 1, 2, 3… per group with no gaps; it is allocated under the group's row lock.
 */
@Entity("group_log")
@Index("ix_group_log_feed", ["tenantId", "eventType", "createdAt", "rowId"])
@ObjectType("Message", { implements: Node, simpleResolvers: true, description: "An entry of a group's history: a member's message, a welcome message or an event." })
export class GroupLogEntry implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("Message", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @RefColumn("group_id")
  groupId: string;

  @Field(() => Int, { description: "Position in the group's history (1, 2, 3…), also its Merkle leaf index + 1." })
  @Column({ type: "int" })
  seq: number;

  @Column({ type: "varchar", length: 32 })
  kind: string;

  @RefColumn("actor_id", { nullable: true })
  actorId: string | null;

  @RefColumn("subject_id", { nullable: true })
  subjectId: string | null;

  @Column({ type: "text", nullable: true })
  text: string | null;

  @Column({ type: "varchar", length: 16 })
  status: string;

  @Column({ type: "simple-json", nullable: true })
  data: LogData | null;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  /** SHA-256(0x00 ‖ leafData): this entry's leaf in the group's Merkle log. */
  @Column({ type: "varchar", length: 64, nullable: true })
  leafHash: string | null;

  /** The log's root once this entry was appended (tree size = seq). */
  @Column({ type: "varchar", length: 64, nullable: true })
  rootHash: string | null;

  /** Ed25519 signature of that tree head. */
  @Column({ type: "varchar", length: 100, nullable: true })
  signature: string | null;

  @Column({ type: "varchar", length: 16, nullable: true })
  keyId: string | null;

  /** The format of the bytes `signature` covers (see treeHeadMessage): 1 for heads signed before v2 existed. */
  @Column({ type: "int", default: 1 })
  headVersion: HeadVersion;

  /**
   * The type of the event this entry is, when that event is kept here rather than in `events`
   * (group/group-events.ts IN_LOG_EVENT_TYPE; the feed reads it through ix_group_log_feed); null
   * otherwise. Not part of the entry's leaf: the event is read from the entry, not the other way round.
   */
  @Column({ type: "varchar", length: 64, nullable: true })
  eventType: string | null;

  /** That event's details the entry does not hold itself (a join's full source), as recorded; null when none. */
  @Column({ type: "simple-json", nullable: true })
  eventExtra: Record<string, unknown> | null;
}
