import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Clock } from "../common/clock";
import { type Database, isDuplicateKey } from "../db/database";
import { affectedRows } from "../db/query";

/** Stripe's window: a key and its response are kept this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** A claim older than this whose request never finished (its instance died) may be taken over. */
export const ABANDONED_AFTER_MS = 60_000;

export type Claim =
  | { kind: "claimed" }
  /** The principal already keeps as many keys (or bytes) as it may: a new key is refused. */
  | { kind: "over-limit"; reason: string; retryAfterSeconds: number }
  | { kind: "replay"; status: number; body: string }
  | { kind: "mismatch" }
  | { kind: "in-progress" };

interface Row {
  request_hash: string;
  state: string;
  http_status: number | null;
  body: string | null;
  created_at: string | number;
  expires_at: string | number;
}

export function isValidIdempotencyKey(key: string): boolean {
  return key.length >= 1 && key.length <= 255 && /^[\x21-\x7e]+$/.test(key);
}

export function requestHash(scope: string, body: string): string {
  return createHash("sha256").update(scope).update("\n").update(body).digest("hex");
}

/**
 * Idempotency keys with Stripe's semantics, stored in the database so every instance sees them:
 * the first request under a key runs and its response is kept for 24 h; a retry gets that response
 * back; the same key with a different request is refused; a duplicate arriving while the first is
 * still running waits for it (and is refused if it takes too long) — it never runs twice.
 */
export interface IdempotencyLimits {
  /** Live keys one principal (scope) may hold. */
  maxKeysPerPrincipal: number;
  /** Bytes of stored responses one principal may hold (characters on SQLite, whose LENGTH counts them). */
  maxBytesPerPrincipal: number;
}

export class IdempotencyStore {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly limits: IdempotencyLimits = { maxKeysPerPrincipal: Number.MAX_SAFE_INTEGER, maxBytesPerPrincipal: Number.MAX_SAFE_INTEGER },
  ) {}

  /**
   * Whether the principal may open one more key: null if so, else the refusal. Its existing keys
   * are never refused (a retry must replay). The check and the insert are not one statement, so
   * concurrent new keys of one principal may overshoot the bound by their number.
   */
  private async overLimit(scope: string, key: string, now: number): Promise<Claim | null> {
    const [usage] = (await this.db.read((em) =>
      em.query("SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(body)), 0) AS bytes, MIN(expires_at) AS oldest FROM idempotency_keys WHERE scope = ? AND expires_at > ?", [scope, now]),
    )) as Array<{ n: number | string; bytes: number | string; oldest: number | string | null }>;
    const { maxKeysPerPrincipal, maxBytesPerPrincipal } = this.limits;
    const keys = Number(usage.n);
    const bytes = Number(usage.bytes);
    if (keys < maxKeysPerPrincipal && bytes < maxBytesPerPrincipal) return null;
    const [existing] = (await this.db.read((em) => em.query("SELECT 1 AS found FROM idempotency_keys WHERE scope = ? AND idem_key = ?", [scope, key]))) as unknown[];
    if (existing) return null;
    // Expired rows of this principal go now rather than at the next periodic purge.
    await this.db.tx((em) => em.query("DELETE FROM idempotency_keys WHERE scope = ? AND expires_at <= ?", [scope, now]));
    const retryAfterSeconds = Math.max(1, Math.ceil((Number(usage.oldest ?? now) - now) / 1000));
    const reason =
      keys >= maxKeysPerPrincipal
        ? `at most ${maxKeysPerPrincipal} Idempotency-Keys may be live per principal (24 h each)`
        : `at most ${maxBytesPerPrincipal} bytes of responses may be stored under Idempotency-Keys per principal`;
    return { kind: "over-limit", reason, retryAfterSeconds };
  }

  /** Claims the key for this request, or says what to answer instead. */
  async claim(scope: string, key: string, hash: string): Promise<Claim> {
    const refused = await this.overLimit(scope, key, this.clock.now());
    if (refused) return refused;
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      try {
        await this.db.tx((em) =>
          em.query(
            "INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, created_at, expires_at) VALUES (?, ?, ?, 'RUNNING', ?, ?)",
            [scope, key, hash, now, now + IDEMPOTENCY_TTL_MS],
          ),
        );
        return { kind: "claimed" };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const [row] = (await this.db.read((em) => em.query("SELECT request_hash, state, http_status, body, created_at, expires_at FROM idempotency_keys WHERE scope = ? AND idem_key = ?", [scope, key]))) as Row[];
      if (!row) continue; // expired and deleted meanwhile: try again
      if (Number(row.expires_at) <= now) {
        await this.db.tx((em) => em.query("DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND expires_at <= ?", [scope, key, now]));
        continue;
      }
      if (row.request_hash !== hash) return { kind: "mismatch" };
      if (row.state === "DONE") return { kind: "replay", status: Number(row.http_status), body: row.body ?? "" };
      if (Number(row.created_at) < now - ABANDONED_AFTER_MS) {
        const taken = await this.db.tx((em) =>
          em.query("UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND idem_key = ? AND state = 'RUNNING' AND created_at = ?", [now, scope, key, row.created_at]),
        );
        if (affectedRows(taken) === 1) return { kind: "claimed" };
      }
      return { kind: "in-progress" };
    }
    return { kind: "in-progress" };
  }

  /** Waits for a concurrent duplicate to finish; its response, or null after `timeoutMs`. */
  async waitFor(scope: string, key: string, hash: string, timeoutMs = 10_000): Promise<Claim> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await sleep(50);
      const [row] = (await this.db.read((em) => em.query("SELECT request_hash, state, http_status, body FROM idempotency_keys WHERE scope = ? AND idem_key = ?", [scope, key]))) as Row[];
      if (!row) return this.claim(scope, key, hash); // the first attempt failed and released the key
      if (row.state === "DONE") return row.request_hash === hash ? { kind: "replay", status: Number(row.http_status), body: row.body ?? "" } : { kind: "mismatch" };
    }
    return { kind: "in-progress" };
  }

  async complete(scope: string, key: string, status: number, body: string): Promise<void> {
    await this.db.tx((em) => em.query("UPDATE idempotency_keys SET state = 'DONE', http_status = ?, body = ? WHERE scope = ? AND idem_key = ?", [status, body, scope, key]));
  }

  /** Forgets a claim whose request failed unexpectedly, so a retry runs it afresh. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.tx((em) => em.query("DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND state = 'RUNNING'", [scope, key]));
  }

  /** Drops expired keys (called now and then). */
  async purgeExpired(): Promise<void> {
    await this.db.tx((em) => em.query("DELETE FROM idempotency_keys WHERE expires_at <= ?", [this.clock.now()]));
  }
}
