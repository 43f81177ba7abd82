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

  @Field(() => GraphQLJSONObject, { description: "The event's details; ids in it are global ids." })
  @Column({ type: "simple-json" })
  data: Record<string, unknown>;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;
}
