import { createClient } from "graphql-ws";
import { useEffect, useState } from "react";
import { Section } from "./common";

const GROUP_ACTIVITY = `subscription ConsoleGroupActivity($groupId: ID!) {
  groupActivity(groupId: $groupId) { seq type message { id kind text createdAt sender { displayName } subject { displayName } } }
}`;

interface Activity {
  seq: number;
  type: string | null;
  message: { id: string; kind: string; text: string; createdAt: string; sender: { displayName: string } | null; subject: { displayName: string } | null };
}

/** The WebSocket URL of this host's /graphql (wss: under https:). */
const webSocketUrl = () => `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`;

/**
 * A group's activity live (the `groupActivity` subscription over graphql-ws, signed in with the
 * tenant key, which may watch any of its groups): messages and membership events as they commit,
 * newest first, the last 200 kept.
 */
export function LiveActivity({ apiKey }: { apiKey: string }) {
  const [draft, setDraft] = useState("");
  const [groupId, setGroupId] = useState<string | null>(null);
  const [items, setItems] = useState<Activity[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<"idle" | "connecting" | "live" | "closed">("idle");

  useEffect(() => {
    if (!groupId) return;
    setItems([]);
    setError(null);
    setState("connecting");
    const client = createClient({
      url: webSocketUrl(),
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 3,
      on: { connected: () => setState("live"), closed: () => setState("closed") },
    });
    const dispose = client.subscribe<{ groupActivity: Activity }>(
      { query: GROUP_ACTIVITY, variables: { groupId } },
      {
        next: (result) => {
          if (result.errors?.length) setError(result.errors.map((e) => e.message).join("; "));
          else if (result.data) setItems((previous) => [result.data!.groupActivity, ...previous].slice(0, 200));
        },
        error: (e) => {
          setError(Array.isArray(e) ? e.map((x: { message: string }) => x.message).join("; ") : e instanceof Error ? e.message : "The connection closed");
          setState("closed");
        },
        complete: () => setState("closed"),
      },
    );
    return () => {
      dispose();
      void client.dispose();
    };
  }, [apiKey, groupId]);

  return (
    <Section
      title="Live activity"
      testId="live-activity"
      actions={
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setGroupId(draft.trim() || null);
          }}
        >
          <input aria-label="Group ID" placeholder="Group ID" value={draft} onChange={(event) => setDraft(event.target.value)} />
          <button type="submit">Watch</button>
        </form>
      }
    >
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {!groupId && <p className="empty">Enter a group's ID (from Groups) to watch its messages and membership events as they happen.</p>}
      {groupId && (
        <p className="muted" data-testid="live-state">
          {state === "live" ? "Live" : state === "connecting" ? "Connecting…" : "Disconnected"} · {items.length} {items.length === 1 ? "entry" : "entries"} since watching
        </p>
      )}
      <table>
        <tbody>
          {items.map((item) => (
            <tr key={item.message.id} data-seq={item.seq}>
              <td>#{item.seq}</td>
              <td>{item.type ?? item.message.kind}</td>
              <td>{item.message.sender?.displayName ?? ""}</td>
              <td>{item.message.text}</td>
              <td className="muted">{new Date(item.message.createdAt).toLocaleTimeString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
