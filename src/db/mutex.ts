import { AsyncLocalStorage } from "node:async_hooks";

/**
 * A FIFO async mutex that is re-entrant within one async call chain, so code already holding it
 * (a transaction) may call helpers that take it again (a read) without deadlocking itself. The
 * holder hands the mutex straight to the first waiter, so nobody arriving meanwhile gets ahead.
 */
export class ReentrantMutex {
  private locked = false;
  private readonly waiters: Array<() => void> = [];
  private readonly holder = new AsyncLocalStorage<symbol>();
  private current: symbol | null = null;

  /**
   * Runs `work` holding the mutex. `urgent` work (a health check) waits only for the holder, ahead
   * of everything queued: a check behind a flood of queued reads would report a working database
   * as slow.
   */
  async run<T>(work: () => Promise<T>, urgent = false): Promise<T> {
    const mine = this.holder.getStore();
    if (mine !== undefined && mine === this.current) return work();
    if (this.locked) {
      await new Promise<void>((resolve) => (urgent ? this.waiters.unshift(resolve) : this.waiters.push(resolve)));
    } else {
      this.locked = true;
    }
    const token = Symbol("holder");
    this.current = token;
    try {
      return await this.holder.run(token, work);
    } finally {
      this.current = null;
      const next = this.waiters.shift();
      if (next) next();
      else this.locked = false;
    }
  }
}
