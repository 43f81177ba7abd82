/**
 * The retry schedule: after a failed attempt the next waits an exponentially growing delay (5 s,
 * 10 s, 20 s … at most 2 h), jittered to between half and all of it so receivers that failed
 * together are not hit together again; retries go on until 24 hours have passed since the delivery
 * began (or was redelivered), and the first failure after that is final. WEBHOOK_RETRY_SCALE
 * multiplies every figure (tests shorten a day to seconds).
 */
export const RETRY_SPAN_MS = 24 * 3600 * 1000;
export const FIRST_RETRY_DELAY_MS = 5000;
export const MAX_RETRY_DELAY_MS = 2 * 3600 * 1000;

/** The delay before the next attempt, after `attempts` failed ones (≥ 1). */
export function retryDelayMs(attempts: number, scale: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.min(Math.max(attempts, 1) - 1, 30));
  return Math.max(1, Math.round(scale * ceiling * (0.5 + 0.5 * random())));
}

/** True when a failed attempt at `now` is the last: the delivery has been retried for the whole span. */
export function retriesExhausted(retryingSince: number, now: number, scale: number): boolean {
  return now - retryingSince >= Math.max(1, Math.round(RETRY_SPAN_MS * scale));
}
