import { randomFillSync } from "node:crypto";
import { v7 } from "uuid";

/**
 * Random bytes for ids, drawn 4 KiB at a time the way node:crypto's randomUUID keeps its entropy:
 * uuid's own generator draws 16 bytes through WebCrypto's getRandomValues for every id, which was
 * ≈ 3 % of the API's CPU on the join benchmark (three ids per join).
 */
const pool = Buffer.alloc(4096);
let taken = pool.length;

/**
 * The monotonic state uuid keeps for `v7()` without options (RFC 9562 §6.2, method 1: a counter in
 * rand_a/rand_b seeded from the random bytes at each new millisecond), kept here because uuid keeps
 * it only when it draws the random bytes itself.
 */
let msecs = -Infinity;
let seq = 0;

/**
 * Time-ordered UUIDv7 row ids: unique across instances without coordination (no auto-increment to
 * tune on multi-primary clusters) and roughly insert-ordered, which keeps B-tree inserts local.
 * Ids made by one process are strictly increasing, as uuid's own v7() makes them.
 */
export function newId(): string {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  const random = pool.subarray(taken, (taken += 16));
  const now = Date.now();
  if (now > msecs) {
    msecs = now;
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) msecs++;
  }
  return v7({ msecs, seq, random });
}
