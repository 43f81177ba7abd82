import { AsyncLocalStorage } from "node:async_hooks";

/**
 * A FIFO async mutex that is re-entrant within one async call chain, so code already holding it
 * (a transaction) may call helpers that take it again (a read) without deadlocking itself.
 */
export class ReentrantMutex {
  private tail: Promise<void> = Promise.resolve();
  private readonly holder = new AsyncLocalStorage<symbol>();
  private current: symbol | null = null;

  async run<T>(work: () => Promise<T>): Promise<T> {
    const mine = this.holder.getStore();
    if (mine !== undefined && mine === this.current) return work();
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const token = Symbol("holder");
    this.current = token;
    try {
      return await this.holder.run(token, work);
    } finally {
      this.current = null;
      release();
    }
  }
}
