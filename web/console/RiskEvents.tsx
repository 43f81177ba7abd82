import { type Connection, RISK_EVENTS, type RiskEvent } from "./api";
import { Badge, ErrorNotice, PageFooter, Section } from "./common";
import { when } from "./format";
import type { Api } from "./session";
import { usePaged } from "./usePaged";

/** What the risk controls recorded (blocked content, bulk actions, creation limits), newest first. */
export function RiskEvents({ api }: { api: Api }) {
  const page = usePaged(api, RISK_EVENTS, {}, (d: { riskEvents: Connection<RiskEvent> }) => d.riskEvents);
  return (
    <Section title="Risk events" testId="risk-events" actions={<button type="button" onClick={page.reload}>Refresh</button>}>
      <ErrorNotice error={page.error} />
      {page.items.length === 0 && !page.loading ? (
        <p className="empty">No risk events.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Kind</th>
              <th>User</th>
              <th>Group</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((event) => (
              <tr key={event.id}>
                <td>{when(event.createdAt)}</td>
                <td>
                  <Badge value={event.kind} />
                </td>
                <td>{event.user ? `${event.user.displayName} (${event.user.externalId})` : "—"}</td>
                <td>{event.group?.name ?? "—"}</td>
                <td>{event.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PageFooter page={page} noun="events" />
    </Section>
  );
}
