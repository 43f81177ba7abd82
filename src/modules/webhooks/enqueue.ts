import { type EntityManager, In } from "typeorm";
import { newId } from "../../common/ids";
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from "./webhook.entities";

/** What the outbox hands over about each event it recorded. */
export interface RecordedEvent {
  rowId: string;
  tenantId: string;
  type: string;
  createdAt: number;
}

/**
 * One delivery per event × enabled endpoint of its tenant subscribed to its type, written in the
 * transaction that records the events: a committed event always has its deliveries, a rolled-back
 * one never does. Due at once; the dispatchers take it from there.
 */
export async function enqueueWebhookDeliveries(em: EntityManager, events: RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const tenants = [...new Set(events.map((e) => e.tenantId))];
  const endpoints = await em.find(WebhookEndpoint, { select: { rowId: true, tenantId: true, eventTypes: true }, where: { tenantId: In(tenants), enabled: true } });
  if (endpoints.length === 0) return;
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
    }
  }
  for (let i = 0; i < rows.length; i += 200) await em.insert(WebhookDelivery, rows.slice(i, i + 200) as never);
}
