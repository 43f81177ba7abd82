import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { createClient } from "graphql-ws";
import type { Example } from "virtual:examples";
import type { ExplorerSession } from "./session";

export interface Tab {
  query: string;
  variables?: string;
  headers?: string;
}

/** The Authorization header for an example's "Run as", or a placeholder saying what to paste. */
export function headersFor(runAs: string, session: ExplorerSession): string {
  const demo = session.demo;
  const token = runAs === "tenant" ? demo?.apiKey : demo?.tokens[runAs];
  const fallback = runAs === "tenant" ? "<tenant API key (gpk_…) from npm run seed>" : `<user token for ${runAs} from npm run seed>`;
  return JSON.stringify({ Authorization: `Bearer ${token ?? fallback}` }, null, 2);
}

/** `{{bob}}` → Bob's user id when the demo is known; unknown placeholders stay for the user to fill. */
export function fillPlaceholders(variables: string, session: ExplorerSession): string {
  const ids = session.demo?.userIds ?? {};
  const filled = variables.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => ids[name] ?? whole);
  try {
    return JSON.stringify(JSON.parse(filled), null, 2);
  } catch {
    return filled;
  }
}

/** One editor tab per example operation, with its variables and the right principal's header. */
export function tabsFor(examples: Example[], session: ExplorerSession): Tab[] {
  return examples.map((example) => ({
    query: example.query,
    variables: example.variables ? fillPlaceholders(example.variables, session) : undefined,
    headers: headersFor(example.runAs, session),
  }));
}

/** A placeholder like `Bearer <user token …>` still in the Authorization header. */
const PLACEHOLDER = /<[^>]*>/;

/**
 * Sends no Authorization header while it still holds a placeholder: the schema (introspection)
 * loads anonymously, and operations that need a principal answer a clear UNAUTHENTICATED.
 */
export function withoutPlaceholderAuthorization(fetcher: Fetcher): Fetcher {
  return (params, options) => {
    const headers = Object.fromEntries(
      Object.entries(options?.headers ?? {}).filter(([name, value]) => name.toLowerCase() !== "authorization" || !PLACEHOLDER.test(String(value))),
    );
    return fetcher(params, { ...options, headers });
  };
}

/** The WebSocket URL of `/graphql` on this host (ws: or wss: like the page). */
function webSocketUrl(graphqlPath: string): string {
  const url = new URL(graphqlPath, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/**
 * Queries and mutations over HTTP; subscriptions over graphql-ws on the same host's `/graphql`,
 * authenticated like the tab: its Authorization header goes in `connectionParams` (the server
 * reads `authorization` from `connection_init`). One lazy client per distinct Authorization, so
 * tabs running as different principals keep their own socket.
 */
export function tabFetcher(graphqlPath: string): Fetcher {
  const fetchers = new Map<string, Fetcher>();
  return (params, options) => {
    const headers = options?.headers ?? {};
    const authorization = String(Object.entries(headers).find(([name]) => name.toLowerCase() === "authorization")?.[1] ?? "");
    let fetcher = fetchers.get(authorization);
    if (!fetcher) {
      const wsClient = createClient({ url: webSocketUrl(graphqlPath), connectionParams: authorization ? { authorization } : {}, lazy: true, retryAttempts: 0 });
      fetcher = createGraphiQLFetcher({ url: graphqlPath, wsClient });
      fetchers.set(authorization, fetcher);
    }
    return fetcher(params, options);
  };
}
