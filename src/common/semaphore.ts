/**
 * At most `limit` units of work run at once; the others wait in arrival order, and a finishing unit
 * hands its place straight to the first of them (nobody arriving meanwhile gets ahead).
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`Semaphore limit must be a positive integer, not ${limit}`);
  }

  /** Runs `work` in its turn; `urgent` work waits only for the units running, ahead of every waiting one. */
  async run<T>(work: () => Promise<T>, urgent = false): Promise<T> {
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((resolve) => (urgent ? this.waiting.unshift(resolve) : this.waiting.push(resolve)));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
