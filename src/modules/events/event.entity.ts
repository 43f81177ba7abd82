import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";
import { Node } from "../../graphql/node";

/**
 * The outbox: one row per observable change, written in the transaction that made the change, so
 * a committed change always has its event and a rolled-back one never does. Ordered per tenant by
 * (created_at, id) — the id is a time-ordered UUIDv7 — which is the feed's keyset. Events of a
 * group also carry the group log's `seq`. Webhook deliveries (a later issue) reference `id`.
 */
@Entity("events")
@Index("ix_events_tenant_created", ["tenantId", "createdAt", "rowId"])
@Index("ix_events_created", ["createdAt"])
@ObjectType("Event", { implements: Node, simpleResolvers: true, description: "Something that changed in the tenant, as the event feed and webhooks carry it." })
export class EventRecord implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID, { description: "Stable: the same in the feed, on every webhook retry and in subscriptions." })
  get id(): string {
    return toGlobalId("Event", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @Field(() => String, { description: "e.g. `message.created`, `member.joined` (see the API contract for the list)." })
  @Column({ type: "varchar", length: 64 })
  type: string;

  @RefColumn("group_id", { nullable: true })
  groupId: string | null;

  /** The group log's sequence number of the entry this event stands for (group events only). */
  @Column({ type: "int", nullable: true })
  seq: number | null;

  /**
   * The details as stored: for an event of a group's history, without the `groupId` and `seq` its
   * own columns hold (see storedEventData; ≈ 80 bytes of every join's writes); rows written before
   * that, and every other event, hold them whole.
   */
  @Column({ name: "data", type: "simple-json" })
  storedData: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, { description: "The event's details; ids in it are global ids." })
  get data(): Record<string, unknown> {
    const stored = this.storedData;
    if (this.groupId === null || this.seq === null || "seq" in stored) return stored;
    return { groupId: toGlobalId("Group", this.groupId), seq: this.seq, ...stored };
  }

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;
}

/**
 * What EventRecord stores of an event's `data`. An event with a seq stands for an entry of its
 * group's history, and its data begins with that group (as a global id) and seq
 * (group/group-events.ts): it is stored without them, and EventRecord.data puts them back first, in
 * that order, so the event reads as it was recorded. Any other event is stored as it is. An event
 * with a seq whose data does not begin so is refused (it could not be read back as recorded).
 */
export function storedEventData(data: Record<string, unknown>, groupId: string | null, seq: number | null): Record<string, unknown> {
  if (seq === null) return data;
  let position = 0;
  for (const key in data) {
    if (key !== (position === 0 ? "groupId" : "seq")) break;
    if (++position === 2) break;
  }
  if (position < 2 || groupId === null || data.seq !== seq || data.groupId !== toGlobalId("Group", groupId)) {
    throw new Error(`an event with a seq must be of its group's history, its data beginning with that groupId and seq (seq ${seq})`);
  }
  const { groupId: _groupId, seq: _seq, ...rest } = data;
  return rest;
}
