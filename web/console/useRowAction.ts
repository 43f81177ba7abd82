import { useState } from "react";

/** What a mutation's payload carries back: its refusals. */
interface Refusable {
  userErrors: Array<{ code: string; message: string }>;
}

/**
 * One action at a time on a row of a list (approve, redeliver, …): which row is busy, and the
 * outcome to show — the first refusal, or `done` — then the list reloads.
 */
export function useRowAction(reload: () => void) {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);

  async function run(rowId: string, mutate: () => Promise<Refusable>, done: string): Promise<void> {
    setBusy(rowId);
    try {
      const refusal = (await mutate()).userErrors[0];
      setOutcome(refusal ? `${refusal.code}: ${refusal.message}` : done);
      reload();
    } catch (error) {
      setOutcome(String(error));
    } finally {
      setBusy(null);
    }
  }

  return { busy, outcome, run };
}
