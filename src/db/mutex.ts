import { AsyncLocalStorage } from "node:async_hooks";
import { Semaphore } from "../common/semaphore";

/**
 * A FIFO async mutex (a semaphore of one) that is re-entrant within one async call chain, so code
 * already holding it (a transaction) may call helpers that take it again (a read) without
 * deadlocking itself.
 */
export class ReentrantMutex {
  private readonly turns = new Semaphore(1);
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
    return this.turns.run(async () => {
      const token = Symbol("holder");
      this.current = token;
      try {
        return await this.holder.run(token, work);
      } finally {
        this.current = null;
      }
    }, urgent);
  }
}
