import { type Connection, LIVE_CODES, type LiveCode } from "./api";
import { Badge, ErrorNotice, PageFooter, Section } from "./common";
import type { Api } from "./session";
import { usePaged } from "./usePaged";

/** The server's QR SVG as an image: shown, never parsed into the page's DOM. */
const svgDataUrl = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

/** Live codes with their QR images and the groups behind them. */
export function LiveCodes({ api }: { api: Api }) {
  const page = usePaged(api, LIVE_CODES, {}, (d: { liveCodes: Connection<LiveCode> }) => d.liveCodes);
  return (
    <Section title="Live codes" testId="live-codes" actions={<button type="button" onClick={page.reload}>Refresh</button>}>
      <ErrorNotice error={page.error} />
      {page.items.length === 0 && !page.loading && <p className="empty">No live codes (plans with LIVE codes create them with createLiveCode).</p>}
      <div className="cards">
        {page.items.map((code) => (
          <article key={code.id} className="card" data-live-code={code.name}>
            <img className="qr" src={svgDataUrl(code.qrSvg)} alt={`QR code for ${code.name}`} width={148} height={148} />
            <div>
              <h3>
                {code.name} <Badge value={code.status} />
              </h3>
              <p>
                <a href={code.url}>{code.url}</a>
              </p>
              <p className="muted">
                {code.joinCount} {code.joinCount === 1 ? "join" : "joins"} · up to {code.perGroupCap} per group{code.autoCreateGroups ? " · creates groups when all are full" : ""}
              </p>
              <ul>
                {code.groups.map((group) => (
                  <li key={group.id}>
                    {group.name} <span className="muted">— {group.memberCount} members</span>
                  </li>
                ))}
              </ul>
            </div>
          </article>
        ))}
      </div>
      <PageFooter page={page} noun="live codes" />
    </Section>
  );
}
