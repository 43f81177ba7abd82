/** What the server tells the explorer: demo credentials it seeded in this process, if any. */
export interface ExplorerSession {
  graphqlPath: string;
  /** Changes whenever the demo credentials do, so stale editor tabs are not restored. */
  generation: string;
  demo: {
    tenantId: string;
    apiKey: string;
    /** Tokens by external id (alice, bob). */
    tokens: Record<string, string>;
    /** User ids by external id (alice … erin). */
    userIds: Record<string, string>;
  } | null;
  /** Why there are no credentials, and what to do about it. */
  hint: string | null;
}

export async function loadSession(): Promise<ExplorerSession> {
  try {
    const response = await fetch("/explorer/session.json", { headers: { accept: "application/json" } });
    if (response.ok) return (await response.json()) as ExplorerSession;
  } catch {
    // fall through: the explorer still works, with hand-pasted credentials
  }
  return { graphqlPath: "/graphql", generation: "none", demo: null, hint: "Could not read the demo credentials from the server." };
}

/**
 * GraphiQL keeps tabs in localStorage; namespacing by credential generation means a reseeded server
 * opens fresh example tabs instead of old ones carrying revoked keys.
 */
export function namespacedStorage(namespace: string): Storage {
  const prefix = `gp-explorer:${namespace}:`;
  const keys = () => Object.keys(localStorage).filter((k) => k.startsWith(prefix));
  return {
    get length() {
      return keys().length;
    },
    key: (index: number) => keys()[index]?.slice(prefix.length) ?? null,
    getItem: (key: string) => localStorage.getItem(prefix + key),
    setItem: (key: string, value: string) => localStorage.setItem(prefix + key, value),
    removeItem: (key: string) => localStorage.removeItem(prefix + key),
    clear: () => keys().forEach((k) => localStorage.removeItem(k)),
  } as Storage;
}
