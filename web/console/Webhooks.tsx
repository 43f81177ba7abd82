import { useState } from "react";
import {
  type Connection,
  REDELIVER_WEBHOOK_EVENT,
  type RedeliverWebhookEvent,
  WEBHOOK_DELIVERIES,
  WEBHOOK_ENDPOINTS,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
} from "./api";
import { Badge, ErrorNotice, PageFooter, Section } from "./common";
import { when } from "./format";
import type { Api } from "./session";
import { usePaged } from "./usePaged";
import { useRowAction } from "./useRowAction";

const STATUSES: Array<WebhookDeliveryStatus | "ALL"> = ["ALL", "PENDING", "DELIVERED", "FAILED"];

/** One endpoint's delivery log, newest first, with a redeliver button per delivery. */
function Deliveries({ api, endpoint }: { api: Api; endpoint: WebhookEndpoint }) {
  const [status, setStatus] = useState<WebhookDeliveryStatus | "ALL">("ALL");
  const page = usePaged(api, WEBHOOK_DELIVERIES, { id: endpoint.id, status: status === "ALL" ? null : status }, (d: { node: { deliveries: Connection<WebhookDelivery> } | null }) =>
    d.node?.deliveries ?? { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] },
  );
  const { busy, outcome, run } = useRowAction(page.reload);

  function redeliver(delivery: WebhookDelivery) {
    return run(
      delivery.id,
      async () => (await api<RedeliverWebhookEvent>(REDELIVER_WEBHOOK_EVENT, { input: { deliveryId: delivery.id } })).redeliverWebhookEvent,
      `Redelivering ${delivery.eventType} (${delivery.eventId})`,
    );
  }

  return (
    <Section
      title={`Deliveries to ${endpoint.url}`}
      testId="webhook-deliveries"
      actions={
        <>
          <label>
            Status{" "}
            <select value={status} onChange={(e) => setStatus(e.target.value as WebhookDeliveryStatus | "ALL")} aria-label="Delivery status">
              {STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <button type="button" onClick={page.reload}>
            Refresh
          </button>
        </>
      }
    >
      <ErrorNotice error={page.error} />
      {outcome && (
        <p className="notice" role="status">
          {outcome}
        </p>
      )}
      {page.items.length === 0 && !page.loading ? (
        <p className="empty">No deliveries.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Event</th>
              <th>Created</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last answer</th>
              <th>Next attempt</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {page.items.map((d) => (
              <tr key={d.id} data-webhook-delivery={d.id}>
                <td>
                  {d.eventType} <code className="muted">{d.eventId}</code>
                </td>
                <td>{when(d.createdAt)}</td>
                <td>
                  <Badge value={d.status} />
                </td>
                <td>{d.attempts}</td>
                <td>{d.lastResponseStatus ?? d.lastError ?? "—"}</td>
                <td>{d.nextAttemptAt ? when(d.nextAttemptAt) : "—"}</td>
                <td className="actions">
                  <button type="button" disabled={busy !== null || !endpoint.enabled} onClick={() => redeliver(d)}>
                    Redeliver
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PageFooter page={page} noun="deliveries" />
    </Section>
  );
}

/** The tenant's webhook endpoints; pick one to see its recent deliveries and redeliver. */
export function Webhooks({ api }: { api: Api }) {
  const page = usePaged(api, WEBHOOK_ENDPOINTS, {}, (d: { webhookEndpoints: Connection<WebhookEndpoint> }) => d.webhookEndpoints);
  const [selected, setSelected] = useState<string | null>(null);
  const endpoint = page.items.find((e) => e.id === selected) ?? null;
  return (
    <>
      <Section title="Webhook endpoints" testId="webhook-endpoints" actions={<button type="button" onClick={page.reload}>Refresh</button>}>
        <ErrorNotice error={page.error} />
        {page.items.length === 0 && !page.loading ? (
          <p className="empty">No webhook endpoints. Create one with the createWebhookEndpoint mutation.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>URL</th>
                <th>Description</th>
                <th>Event types</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr key={e.id} data-webhook-endpoint={e.id} aria-selected={e.id === selected}>
                  <td>{e.url}</td>
                  <td>{e.description || "—"}</td>
                  <td>{e.eventTypes.join(", ")}</td>
                  <td>
                    <Badge value={e.enabled ? "ENABLED" : "DISABLED"} />
                  </td>
                  <td className="actions">
                    <button type="button" onClick={() => setSelected(e.id)}>
                      Deliveries
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <PageFooter page={page} noun="endpoints" />
      </Section>
      {endpoint && <Deliveries key={endpoint.id} api={api} endpoint={endpoint} />}
    </>
  );
}
