import { useEffect, useMemo, useState } from "react";
import { GraphQLRequestError } from "../shared/graphql";
import { Groups } from "./Groups";
import { LiveCodes } from "./LiveCodes";
import { ReviewQueue } from "./ReviewQueue";
import { RiskEvents } from "./RiskEvents";
import { apiFor, session } from "./session";
import { SignIn, signIn, type Tenant } from "./SignIn";
import { Stats } from "./Stats";
import { Webhooks } from "./Webhooks";
import { words } from "./format";

const PAGES = [
  { id: "review", title: "Review queue" },
  { id: "risk", title: "Risk events" },
  { id: "groups", title: "Groups" },
  { id: "live-codes", title: "Live codes" },
  { id: "stats", title: "Statistics" },
  { id: "webhooks", title: "Webhooks" },
] as const;
type PageId = (typeof PAGES)[number]["id"];

const pageFromHash = (): PageId => PAGES.find((p) => `#${p.id}` === location.hash)?.id ?? "review";

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(session.load());
  const [tenant, setTenant] = useState<Tenant | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [page, setPage] = useState<PageId>(pageFromHash());

  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);

  // A key restored from sessionStorage is checked again: it may have been rotated since.
  useEffect(() => {
    if (!apiKey || tenant) return;
    signIn(apiKey).then(setTenant, (error: unknown) => {
      session.clear();
      setApiKey(null);
      setSignInError(error instanceof GraphQLRequestError && error.has("UNAUTHENTICATED") ? "Your session's API key is no longer valid: sign in again." : String(error));
    });
  }, [apiKey, tenant]);

  const api = useMemo(() => (apiKey ? apiFor(apiKey) : null), [apiKey]);

  if (!apiKey || !api) {
    return (
      <SignIn
        initialError={signInError}
        onSignedIn={(key, signedIn) => {
          session.save(key);
          setApiKey(key);
          setTenant(signedIn);
        }}
      />
    );
  }
  if (!tenant) return <p className="loading">Signing in…</p>;

  return (
    <div className="layout">
      <header className="top">
        <h1>Operator console</h1>
        <span className="tenant" data-testid="tenant-name">
          {tenant.name} · {words(tenant.plan)} plan
        </span>
        <button
          type="button"
          onClick={() => {
            session.clear();
            setApiKey(null);
            setTenant(null);
            setSignInError(null);
          }}
        >
          Sign out
        </button>
      </header>
      <nav>
        {PAGES.map((p) => (
          <a key={p.id} href={`#${p.id}`} aria-current={page === p.id ? "page" : undefined}>
            {p.title}
          </a>
        ))}
      </nav>
      <main>
        {page === "review" && <ReviewQueue api={api} />}
        {page === "risk" && <RiskEvents api={api} />}
        {page === "groups" && <Groups api={api} />}
        {page === "live-codes" && <LiveCodes api={api} />}
        {page === "stats" && <Stats api={api} plan={tenant.plan} />}
        {page === "webhooks" && <Webhooks api={api} />}
      </main>
    </div>
  );
}
