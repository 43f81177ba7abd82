import { useState } from "react";
import type { ExplorerSession } from "./session";

function Secret({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret">
      <span className="label">{label}</span>
      <code title={value}>{value}</code>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}

/** What the example tabs are signed in as, or how to get credentials when the server has none. */
export function Banner({ session }: { session: ExplorerSession }) {
  const demo = session.demo;
  return (
    <header className="banner" data-testid="explorer-banner">
      <strong>Group platform API explorer</strong>
      <span className="env">development</span>
      {demo ? (
        <details>
          <summary data-testid="demo-credentials">
            Example tabs are signed in to the demo tenant (as Alice or Bob, or with the tenant API key): show credentials
          </summary>
          <div className="secrets">
            <Secret label="Tenant API key" value={demo.apiKey} />
            {Object.entries(demo.tokens).map(([name, token]) => (
              <Secret key={name} label={`Token for ${name}`} value={token} />
            ))}
          </div>
        </details>
      ) : (
        <span className="hint" data-testid="seed-hint">
          {session.hint}
        </span>
      )}
      <a href="/console">Operator console</a>
    </header>
  );
}
