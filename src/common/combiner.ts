/**
 * Combines concurrent requests for the same hot row into one unit of work ("flat combining", the
 * way databases group commits). Per key, one batch runs at a time: a request arriving while its
 * key is idle starts a batch of one at once (no waiting, no timer); requests arriving while a batch
 * runs wait and go together in the next one, up to `maxBatch`. So under no load nothing changes,
 * and under load one row lock, one round trip and one COMMIT serve many requests.
 *
 * `run` answers each item of the batch with a result, or null for "not done here, do it alone"
 * (the caller then takes its ordinary path). When `run` throws, every item of the batch gets null:
 * the batch is all-or-nothing, and each request is retried on its own path, which gives it its own
 * answer (its own refusal, say) exactly as if it had never been combined.
 */
export class Combiner<Item, Result> {
  private readonly queues = new Map<string, Array<{ item: Item; settle: (result: Result | null) => void }>>();
  private readonly observers: Array<(batch: { size: number; done: number }) => void> = [];

  constructor(
    private readonly run: (key: string, items: Item[]) => Promise<Array<Result | null>>,
    private readonly maxBatch = 64,
  ) {}

  /** Calls `fn` after each batch with its size and how many of its items it answered (the rest go alone). */
  observe(fn: (batch: { size: number; done: number }) => void): void {
    this.observers.push(fn);
  }

  submit(key: string, item: Item): Promise<Result | null> {
    return new Promise((settle) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ item, settle });
        return;
      }
      const fresh = [{ item, settle }];
      this.queues.set(key, fresh);
      void this.drain(key, fresh);
    });
  }

  /** Runs batches for `key` until nobody waits; the queue's presence in the map means "a batch is running". */
  private async drain(key: string, queue: Array<{ item: Item; settle: (result: Result | null) => void }>): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
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
    this.queues.delete(key);
  }
}
