import type { DataSource, EntityManager } from "typeorm";
import { newId } from "../../common/ids";
import { insertRows } from "../../db/query";
import { afterCommit, type Read, transactionLocals } from "../../db/database";
import type { EventBus, LiveEvent } from "./bus";
import { EventRecord, storedEventData } from "./event.entity";
import type { EventType } from "./event-types";
import { endpointsAheadRead, enqueueWebhookDeliveries, readEndpointsAhead } from "../webhooks/enqueue";

/** One event to record: what changed, for which tenant (and group), and for whom. */
export interface EventInput {
  tenantId: string;
  type: EventType;
  groupId?: string | null;
  seq?: number | null;
  /** The event's details; ids are global ids (clients and partners see this). */
  data: Record<string, unknown>;
  /** Users (row ids) the change is addressed to, for their viewerActivity. */
  audience?: string[];
  /**
   * The history entry (row id) that keeps this event itself (group/group-events.ts
   * IN_LOG_EVENT_TYPE): no events row is written, and the event's id is the entry's.
   */
  inLog?: string;
}

const buses = new WeakMap<DataSource, EventBus>();

/** Binds an app's event bus to its data source: events recorded through it are published after commit. */
export function attachEventBus(dataSource: DataSource, bus: EventBus): void {
  buses.set(dataSource, bus);
}

const PENDING = Symbol("pending live events");

/**
 * Queues live events to publish once the transaction commits: one publish per transaction, in
 * the order recorded. Nothing is published for a transaction that rolls back, nor outside one.
 */
export function announceAfterCommit(em: EntityManager, events: LiveEvent[]): void {
  const bus = buses.get(em.connection);
  const locals = transactionLocals(em);
  if (!bus || !locals || events.length === 0) return;
  let pending = locals.get(PENDING) as LiveEvent[] | undefined;
  if (!pending) {
    const list: LiveEvent[] = [];
    pending = list;
    locals.set(PENDING, list);
    afterCommit(em, () => bus.publish(list));
  }
  pending.push(...events);
}

/**
 * Writes events into the outbox in the caller's transaction (so they commit or roll back with the
 * change), with their webhook deliveries, and announces them to subscribers after the commit.
 * Events kept on their history entry (`inLog`) are written with the entry, not here.
 */
export async function recordEvents(em: EntityManager, inputs: EventInput[], now: number): Promise<EventRecord[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input) => {
    const groupId = input.groupId ?? null;
    const seq = input.seq ?? null;
    // One kept on its history entry needs no row: only its id and type, for deliveries and announcing.
    if (input.inLog !== undefined) return { rowId: input.inLog, tenantId: input.tenantId, type: input.type, groupId, seq, createdAt: now } as EventRecord;
    return em.create(EventRecord, { rowId: newId(), tenantId: input.tenantId, type: input.type, groupId, seq, storedData: storedEventData(input.data, groupId, seq), createdAt: now });
  });
  const stored = rows.filter((_, i) => inputs[i].inLog === undefined);
  await insertRows(em, EventRecord, stored as never);
  // Webhook deliveries are part of the same transaction: committed with the events, or not at all.
  const delivered = await enqueueWebhookDeliveries(em, rows);
  announceAfterCommit(
    em,
    rows.map((row, i) => ({
      id: row.rowId,
      tenantId: row.tenantId,
      type: row.type,
      groupId: row.groupId,
      seq: row.seq,
      audience: inputs[i].audience ?? [],
      data: inputs[i].data,
      createdAt: now,
      ...(delivered.has(row.rowId) ? { webhooks: true } : {}),
    })),
  );
  return rows;
}

/**
 * Reads now what recording this tenant's events later in the transaction needs (its webhook
 * endpoints), so that recordEvents then only writes: for paths that record under a row lock.
 */
export function prepareEvents(em: EntityManager, tenantId: string): Promise<void> {
  return readEndpointsAhead(em, tenantId);
}

/** prepareEvents as a Read, for readTogether (null: nothing to read). */
export function prepareEventsRead(em: EntityManager, tenantId: string): Read<void> | null {
  return endpointsAheadRead(em, tenantId);
}

export async function recordEvent(em: EntityManager, input: EventInput, now: number): Promise<EventRecord> {
  return (await recordEvents(em, [input], now))[0];
}
