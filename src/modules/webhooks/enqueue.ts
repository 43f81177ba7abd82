import { type EntityManager, In } from "typeorm";
import { newId } from "../../common/ids";
import { findRead, insertRows } from "../../db/query";
import { type Read, runRead, transactionLocals } from "../../db/database";
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from "./webhook.entities";

/** What the outbox hands over about each event it recorded. */
export interface RecordedEvent {
  rowId: string;
  tenantId: string;
  type: string;
  createdAt: number;
}

type Subscriber = Pick<WebhookEndpoint, "rowId" | "tenantId" | "eventTypes">;

const READ_AHEAD = Symbol("webhook endpoints read ahead");

const readEnabled = (em: EntityManager, tenants: string[]): Promise<Subscriber[]> =>
  em.find(WebhookEndpoint, { select: { rowId: true, tenantId: true, eventTypes: true }, where: { tenantId: In(tenants), enabled: true } });

/** The tenants' enabled endpoints: as read ahead in this transaction (readEndpointsAhead), the others read now. */
async function enabledEndpoints(em: EntityManager, tenants: string[]): Promise<Subscriber[]> {
  const ahead = transactionLocals(em)?.get(READ_AHEAD) as Map<string, Subscriber[]> | undefined;
  const unread = tenants.filter((t) => !ahead?.has(t));
  return [...tenants.flatMap((t) => ahead?.get(t) ?? []), ...(unread.length ? await readEnabled(em, unread) : [])];
}

/**
 * Reads the tenant's enabled endpoints now for the deliveries this transaction enqueues later, so
 * that enqueueing reads nothing: a path that records events under a group's row lock calls it
 * before taking the lock. An endpoint disabled in between still gets a delivery, which the
 * dispatcher ends as FAILED, as disabling does; one created in between gets none (it was created
 * while the change was being made).
 */
export async function readEndpointsAhead(em: EntityManager, tenantId: string): Promise<void> {
  const read = endpointsAheadRead(em, tenantId);
  if (read) await runRead(em, read);
}

/**
 * readEndpointsAhead as a Read, for readTogether (null when there is nothing to read: outside a
 * transaction, or read ahead already). Its rows are kept for the transaction's deliveries.
 */
export function endpointsAheadRead(em: EntityManager, tenantId: string): Read<void> | null {
  const locals = transactionLocals(em);
  if (!locals) return null;
  let ahead = locals.get(READ_AHEAD) as Map<string, Subscriber[]> | undefined;
  if (!ahead) locals.set(READ_AHEAD, (ahead = new Map()));
  if (ahead.has(tenantId)) return null;
  // Read before a group's row lock, once per batch of joins: SQL built once (findRead), not through the query builder.
  const read = findRead(em, WebhookEndpoint, { tenantId, enabled: true }, { properties: ["rowId", "tenantId", "eventTypes"] });
  const store = ahead;
  return { sql: read.sql, params: read.params, take: (rows) => void store.set(tenantId, read.take(rows)) };
}

/**
 * One delivery per event × enabled endpoint of its tenant subscribed to its type, written in the
 * transaction that records the events: a committed event always has its deliveries, a rolled-back
 * one never does. Due at once; the dispatchers take it from there. Returns the ids of the events
 * that got a delivery (their announcement wakes the dispatchers).
 */
export async function enqueueWebhookDeliveries(em: EntityManager, events: RecordedEvent[]): Promise<Set<string>> {
  const delivered = new Set<string>();
  if (events.length === 0) return delivered;
  const endpoints = await enabledEndpoints(em, [...new Set(events.map((e) => e.tenantId))]);
  if (endpoints.length === 0) return delivered;
  const rows: Partial<WebhookDelivery>[] = [];
  for (const event of events) {
    for (const endpoint of endpoints) {
      if (endpoint.tenantId !== event.tenantId || !endpoint.eventTypes.includes(event.type)) continue;
      rows.push({
        rowId: newId(),
        tenantId: event.tenantId,
        endpointId: endpoint.rowId,
        eventRowId: event.rowId,
        eventType: event.type,
        status: WebhookDeliveryStatus.PENDING,
        attempts: 0,
        nextAttemptAt: event.createdAt,
        retryingSince: event.createdAt,
        leaseUntil: null,
        leaseToken: null,
        lastResponseStatus: null,
        lastError: null,
        lastAttemptAt: null,
        createdAt: event.createdAt,
      });
      delivered.add(event.rowId);
    }
  }
  if (rows.length) await insertRows(em, WebhookDelivery, rows as never);
  return delivered;
}
