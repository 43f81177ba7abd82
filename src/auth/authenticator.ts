import DataLoader from "dataloader";
import { LRUCache } from "lru-cache";
import type { Clock } from "../common/clock";
import { unauthenticated } from "../common/errors";
import type { Database } from "../db/database";
import { rowReader } from "../db/rows";
import { TenantApiKey } from "../modules/tenant/api-key.entity";
import { Tenant } from "../modules/tenant/tenant.entity";
import { User } from "../modules/user/user.entity";
import { claimedTenant, looksLikeApiKey, parseApiKey, safeEqual, sha256Hex, verifyUserToken } from "./credentials";
import type { Principal } from "../context/principal";

export interface Authenticated {
  principal: Principal;
  tenant: Tenant | null;
}

const ANONYMOUS: Authenticated = { principal: { kind: "ANONYMOUS" }, tenant: null };

/**
 * How long an instance trusts what it looked up: a changed plan or a revoked key on ANOTHER
 * instance is seen within this time; on this instance at once (see invalidateTenant).
 */
export const AUTH_CACHE_TTL_MS = 5_000;

/**
 * Turns an `Authorization` header into a principal. Any token that is present but not valid —
 * malformed, forged, expired, revoked, or naming a tenant or user that does not exist — is
 * UNAUTHENTICATED; there is no partial trust. Lookups are cached briefly so the hot path costs no
 * SQL: tenants, API keys and users' revocation instants for AUTH_CACHE_TTL_MS (dropped at once on
 * this instance when they change), verified signatures until the token expires.
 */
export class Authenticator {
  private readonly tenants = new LRUCache<string, Tenant>({ max: 10_000, ttl: AUTH_CACHE_TTL_MS });
  private readonly apiKeys = new LRUCache<string, string>({ max: 10_000, ttl: AUTH_CACHE_TTL_MS });
  /** Verified tokens (signature checked once), with the tenant secret they were verified against. */
  private readonly tokens = new LRUCache<string, { tenantId: string; userId: string; expiresAt: number; issuedAt: number; secret: string }>({ max: 50_000 });
  /** Each user's revocation instant (tokens issued before it are refused); 0 when none. */
  private readonly users = new LRUCache<string, { validFrom: number }>({ max: 200_000, ttl: AUTH_CACHE_TTL_MS });
  /** Bumped by invalidateUser, so a lookup racing a revocation does not cache the state before it. */
  private tenantGeneration = 0;
  private readonly userGenerations = new LRUCache<string, number>({ max: 100_000, ttl: 60_000 });
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /**
   * Users' revocation instants, read straight from the driver for every user the instance has not
   * seen lately (each joiner of a busy code, say), one statement at a time: the lookups of the
   * requests that reach this point while a read runs go to the database together once it is done,
   * else those of one turn of the event loop (keys `tenantId:userId`; null for a user that does not
   * exist in that tenant). Under the join benchmark's load two reads or more overlapped in 42 % of
   * them when each turn sent its own.
   */
  private readonly revocations = new DataLoader<string, { validFrom: number } | null>((keys) => this.readRevocations(keys), {
    cache: false,
    maxBatchSize: 500,
    batchScheduleFn: (dispatch) => {
      if (this.revocationRead) void this.revocationRead.then(() => setImmediate(dispatch));
      else setImmediate(dispatch);
    },
  });
  /** The revocation read under way, if any (see revocations). */
  private revocationRead: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly platformAdminToken: string,
    private readonly clock: Clock,
  ) {}

  /** Forgets what this instance cached about a tenant (its plan changed, its keys were rotated). */
  invalidateTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
    this.apiKeys.clear();
    this.tenantGeneration++;
  }

  /** Forgets what this instance cached about a user's revocation (revokeUserTokens): honoured at once. */
  invalidateUser(tenantId: string, userId: string): void {
    const key = `${tenantId}:${userId}`;
    this.users.delete(key);
    // A lookup that began before the revocation committed must not cache what it read.
    this.userGenerations.set(key, (this.userGenerations.get(key) ?? 0) + 1);
  }

  async authenticate(header: string | undefined): Promise<Authenticated> {
    if (header === undefined || header === "") return ANONYMOUS;
    const match = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header);
    if (!match) throw unauthenticated("Authorization must be `Bearer <token>`");
    const token = match[1];
    // The platform token is random: its length tells nothing, and a token of another length (every
    // user token) is not hashed twice to be told apart from it.
    if (this.platformAdminToken && token.length === this.platformAdminToken.length && safeEqual(token, this.platformAdminToken)) {
      return { principal: { kind: "PLATFORM" }, tenant: null };
    }
    const result = looksLikeApiKey(token) ? await this.byApiKey(token) : await this.byUserToken(token);
    if (!result) throw unauthenticated();
    return result;
  }

  private async tenant(tenantId: string): Promise<Tenant | null> {
    const cached = this.tenants.get(tenantId);
    if (cached) return cached;
    // Keyed by the generation too: a request after an invalidation never joins a read begun before it.
    const generation = this.tenantGeneration;
    return this.once(`tenant:${tenantId}:${generation}`, async () => {
      const tenant = await this.db.read((em) => em.findOneBy(Tenant, { rowId: tenantId }));
      // Not cached when an invalidation (a rotated secret, a changed plan) happened meanwhile.
      if (tenant && generation === this.tenantGeneration) this.tenants.set(tenantId, tenant);
      return tenant;
    });
  }

  /**
   * One lookup per key at a time: when a cached entry expires under load, the requests arriving
   * together share one database read instead of each issuing its own.
   */
  private once<T>(key: string, lookup: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = lookup().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private async byApiKey(token: string): Promise<Authenticated | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const fingerprint = sha256Hex(token);
    let tenantId = this.apiKeys.get(fingerprint);
    if (!tenantId) {
      const key = await this.db.read((em) => em.findOneBy(TenantApiKey, { prefix: parsed.prefix }));
      if (!key || key.revokedAt !== null || !safeEqual(sha256Hex(parsed.secret), key.secretHash)) return null;
      tenantId = key.tenantId;
      this.apiKeys.set(fingerprint, tenantId);
    }
    const tenant = await this.tenant(tenantId);
    return tenant ? { principal: { kind: "TENANT", tenantId: tenant.rowId }, tenant } : null;
  }

  private async byUserToken(token: string): Promise<Authenticated | null> {
    const now = this.clock.now();
    // What is cached is used without awaiting (a promise and a turn of the microtask queue each): a
    // known token's request, or a joiner's once its user is read, waits for nothing here.
    const known = this.tokens.get(token);
    if (known) {
      if (known.expiresAt <= now) return null;
      const tenant = this.tenants.get(known.tenantId) ?? (await this.tenant(known.tenantId));
      // A rotated signing secret ends every token verified against the old one.
      if (!tenant || tenant.jwtSecret !== known.secret) return null;
      const fresh = this.issuedAfterRevocation(tenant.rowId, known.userId, known.issuedAt);
      if (fresh === false || (fresh !== true && !(await fresh))) return null;
      return { principal: { kind: "USER", tenantId: tenant.rowId, userId: known.userId }, tenant };
    }
    const tenantId = claimedTenant(token);
    if (!tenantId || tenantId.length > 36) return null;
    const tenant = this.tenants.get(tenantId) ?? (await this.tenant(tenantId));
    if (!tenant) return null;
    const claims = verifyUserToken(token, tenant.jwtSecret, tenant.rowId, now);
    if (!claims || claims.userId.length > 36) return null;
    const fresh = this.issuedAfterRevocation(tenant.rowId, claims.userId, claims.issuedAt);
    if (fresh === false || (fresh !== true && !(await fresh))) return null;
    this.tokens.set(token, { tenantId: tenant.rowId, userId: claims.userId, expiresAt: claims.expiresAt, issuedAt: claims.issuedAt, secret: tenant.jwtSecret });
    return { principal: { kind: "USER", tenantId: tenant.rowId, userId: claims.userId }, tenant };
  }

  private readRevocations(keys: readonly string[]): Promise<Array<{ validFrom: number } | null>> {
    const read = this.readRevocationRows(keys);
    // Settles either way (the loader's callers see a failure; the next read goes regardless).
    const running: Promise<void> = read.then(
      () => this.readDone(running),
      () => this.readDone(running),
    );
    this.revocationRead = running;
    return read;
  }

  private readDone(read: Promise<void>): void {
    if (this.revocationRead === read) this.revocationRead = null;
  }

  private async readRevocationRows(keys: readonly string[]): Promise<Array<{ validFrom: number } | null>> {
    const users = rowReader(this.db.dataSource, User, "u_", ["rowId", "tenantId", "tokensValidFrom"]);
    // A user asked for twice in one batch (two requests of theirs arriving together) is read once.
    const ids = [...new Set(keys.map((key) => key.slice(key.indexOf(":") + 1)))];
    const rows = await this.db.rows(`SELECT ${users.select("u")} FROM users u WHERE u.id IN (${ids.map(() => "?").join(", ")})`, ids);
    const found = new Map<string, { validFrom: number }>();
    for (const row of rows) {
      const user = users.readAt(row, 0);
      found.set(`${user.tenantId}:${user.rowId}`, { validFrom: user.tokensValidFrom ?? 0 });
    }
    return keys.map((key) => found.get(key) ?? null);
  }

  /**
   * Whether the user exists and a token issued at `issuedAt` postdates their last revocation: true,
   * false, or a promise of either when the user's state has to be read. The state is cached for
   * AUTH_CACHE_TTL_MS: another instance's revocation is seen within that time, this instance's at
   * once (invalidateUser).
   */
  private issuedAfterRevocation(tenantId: string, userId: string, issuedAt: number): boolean | Promise<boolean> {
    const key = `${tenantId}:${userId}`;
    const state = this.users.get(key);
    if (state) return issuedAt >= state.validFrom;
    return this.readUser(key).then((found) => found !== null && issuedAt >= found.validFrom);
  }

  /**
   * Reads a user's revocation state through the batched loader (requests for the same user that
   * arrive together share its statement) and caches it unless a revocation on this instance
   * happened meanwhile. A request after a revocation never shares a read sent before it: the
   * loader sends the keys it collected only when it dispatches, and keys asked for later wait for
   * its next statement.
   */
  private async readUser(key: string): Promise<{ validFrom: number } | null> {
    const generation = this.userGenerations.get(key);
    const read = await this.revocations.load(key);
    if (read && this.userGenerations.get(key) === generation) this.users.set(key, read);
    return read;
  }
}
