import { type FormEvent, useState } from "react";
import { GraphQLRequestError, request } from "../shared/graphql";
import { WHO_AM_I, type WhoAmI } from "./api";

export type Tenant = WhoAmI["myTenant"];

/** Checks a key is a tenant API key (not a user token) before the console uses it. */
export async function signIn(apiKey: string): Promise<Tenant> {
  const me = await request<WhoAmI>(apiKey, WHO_AM_I);
  if (me.viewer) throw new GraphQLRequestError("This is a user token: the console needs the tenant's API key (gpk_…)", ["NOT_PERMITTED"], 200);
  return me.myTenant;
}

export function SignIn({ onSignedIn, initialError }: { onSignedIn(apiKey: string, tenant: Tenant): void; initialError?: string | null }) {
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      onSignedIn(apiKey.trim(), await signIn(apiKey.trim()));
    } catch (caught) {
      setError(caught instanceof GraphQLRequestError && caught.has("UNAUTHENTICATED") ? "That API key is not valid (or has been rotated)." : String((caught as Error).message ?? caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} className="panel">
        <h1>Operator console</h1>
        <p>Sign in with your tenant's API key. It is kept in this browser tab only (sessionStorage) and sent only to this server's GraphQL API.</p>
        <label htmlFor="api-key">Tenant API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" placeholder="gpk_…" value={apiKey} onChange={(e) => setApiKey(e.target.value)} required />
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !apiKey.trim()}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
