/**
 * Combines concurrent requests for the same hot row into one unit of work ("flat combining", the
 * way databases group commits). Per key, one batch runs at a time (or up to `maxInFlight`, see
 * there): a request arriving while its key is idle starts a batch of one at once (no waiting, no
 * timer); requests arriving while a batch runs wait and go together in the next one, up to
 * `maxBatch`. So under no load nothing changes, and under load one row lock, one round trip and
 * one COMMIT serve many requests.
 *
 * `run` answers each item of the batch with a result, or null for "not done here, do it alone"
 * (the caller then takes its ordinary path). When `run` throws, every item of the batch gets null:
 * the batch is all-or-nothing, and each request is retried on its own path, which gives it its own
 * answer (its own refusal, say) exactly as if it had never been combined.
 */
export class Combiner<Item, Result> {
  private readonly queues = new Map<string, Queue<Item, Result>>();
  private readonly observers: Array<(batch: { size: number; done: number }) => void> = [];

  constructor(
    private readonly run: (key: string, items: Item[]) => Promise<Array<Result | null>>,
    private readonly maxBatch = 64,
    /**
     * Batches of one key that may run at once. A second one starts only when a full batch waits
     * while the first runs: it queues on the same row lock in the database, so the next batch's
     * reads and lock request are already there when the first commits, instead of a round trip
     * later, and the process has requests to work on while a batch waits on the server.
     */
    private readonly maxInFlight = 1,
  ) {}

  /** Calls `fn` after each batch with its size and how many of its items it answered (the rest go alone). */
  observe(fn: (batch: { size: number; done: number }) => void): void {
    this.observers.push(fn);
  }

  submit(key: string, item: Item): Promise<Result | null> {
    return new Promise((settle) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.waiting.push({ item, settle });
        if (queue.running < this.maxInFlight && queue.waiting.length >= this.maxBatch) {
          queue.running++;
          void this.drain(key, queue);
        }
        return;
      }
      const fresh: Queue<Item, Result> = { waiting: [{ item, settle }], running: 1 };
      this.queues.set(key, fresh);
      void this.drain(key, fresh);
    });
  }

  /** Runs batches for `key` until nobody waits; the queue's presence in the map means "a batch is running" (`running` of them). */
  private async drain(key: string, queue: Queue<Item, Result>): Promise<void> {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, this.maxBatch);
      let results: Array<Result | null>;
      try {
        results = await this.run(key, batch.map((b) => b.item));
      } catch {
        results = [];
      }
      batch.forEach((b, i) => b.settle(results[i] ?? null));
      const done = results.filter((r) => r !== null && r !== undefined).length;
      for (const observe of this.observers) observe({ size: batch.length, done });
    }
    if (--queue.running === 0) this.queues.delete(key);
  }
}

/** The joins waiting for one key, and how many batches of it run now. */
interface Queue<Item, Result> {
  waiting: Array<{ item: Item; settle: (result: Result | null) => void }>;
  running: number;
}
