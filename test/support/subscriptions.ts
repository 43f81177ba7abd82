import { setTimeout as sleep } from "node:timers/promises";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

/** A graphql-ws client (graphql-transport-ws) for `httpUrl` (…/graphql), recording how its socket closed. */
export function wsClient(httpUrl: string, token: string | null): Client & { closes: number[] } {
  const closes: number[] = [];
  const client = createClient({
    url: httpUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    shouldRetry: () => false,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  return Object.assign(client, { closes });
}

export interface Collected<T = any> {
  items: T[];
  error: unknown;
  completed: boolean;
  /** Waits until `predicate` holds (hang detector: 60 s). */
  until(predicate: () => boolean, what?: string): Promise<void>;
  dispose(): void;
}

/** Subscribes and records every result, the error, and completion. */
export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}): Collected<T> {
  const state: Collected<T> = {
    items: [],
    error: undefined,
    completed: false,
    async until(predicate, what = "condition") {
      const deadline = Date.now() + 60_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ items: state.items.length, error: state.error, completed: state.completed })}`);
        await sleep(20);
      }
    },
    dispose: () => {},
  };
  state.dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) state.error = value.errors;
        else state.items.push(value.data as T);
      },
      error: (error) => (state.error = error),
      complete: () => (state.completed = true),
    },
  );
  return state;
}

/** The `extensions.code`s of a subscription's error (an array of GraphQL errors). */
export function subscriptionErrorCodes(error: unknown): unknown[] {
  return Array.isArray(error) ? error.map((e: { extensions?: { code?: unknown } }) => e.extensions?.code) : [];
}

export const GROUP_ACTIVITY = `subscription($groupId: ID!, $afterSeq: Int) { groupActivity(groupId: $groupId, afterSeq: $afterSeq) { seq type message { id seq text kind subject { id } } } }`;
export const VIEWER_ACTIVITY = `subscription { viewerActivity { eventId type createdAt data group { id } invitation { id } } }`;
