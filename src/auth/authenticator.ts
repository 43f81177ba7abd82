import { LRUCache } from "lru-cache";
import type { Clock } from "../common/clock";
import { unauthenticated } from "../common/errors";
import type { Database } from "../db/database";
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
 * SQL: tenants and API keys for AUTH_CACHE_TTL_MS, verified tokens until they expire.
 */
export class Authenticator {
  private readonly tenants = new LRUCache<string, Tenant>({ max: 10_000, ttl: AUTH_CACHE_TTL_MS });
  private readonly apiKeys = new LRUCache<string, string>({ max: 10_000, ttl: AUTH_CACHE_TTL_MS });
  private readonly tokens = new LRUCache<string, { tenantId: string; userId: string; expiresAt: number }>({ max: 50_000 });
  /** Users are never deleted, so a user once seen stays known. */
  private readonly users = new LRUCache<string, true>({ max: 200_000 });

  constructor(
    private readonly db: Database,
    private readonly platformAdminToken: string,
    private readonly clock: Clock,
  ) {}

  /** Forgets what this instance cached about a tenant (its plan changed, its keys were rotated). */
  invalidateTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
    this.apiKeys.clear();
  }

  async authenticate(header: string | undefined): Promise<Authenticated> {
    if (header === undefined || header === "") return ANONYMOUS;
    const match = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header);
    if (!match) throw unauthenticated("Authorization must be `Bearer <token>`");
    const token = match[1];
    if (this.platformAdminToken && safeEqual(token, this.platformAdminToken)) {
      return { principal: { kind: "PLATFORM" }, tenant: null };
    }
    const result = looksLikeApiKey(token) ? await this.byApiKey(token) : await this.byUserToken(token);
    if (!result) throw unauthenticated();
    return result;
  }

  private async tenant(tenantId: string): Promise<Tenant | null> {
    const cached = this.tenants.get(tenantId);
    if (cached) return cached;
    const tenant = await this.db.read((em) => em.findOneBy(Tenant, { rowId: tenantId }));
    if (tenant) this.tenants.set(tenantId, tenant);
    return tenant;
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
    const known = this.tokens.get(token);
    if (known) {
      if (known.expiresAt <= now) return null;
      const tenant = await this.tenant(known.tenantId);
      return tenant ? { principal: { kind: "USER", tenantId: tenant.rowId, userId: known.userId }, tenant } : null;
    }
    const tenantId = claimedTenant(token);
    if (!tenantId || tenantId.length > 36) return null;
    const tenant = await this.tenant(tenantId);
    if (!tenant) return null;
    const claims = await verifyUserToken(token, tenant.jwtSecret, tenant.rowId, now);
    if (!claims || claims.userId.length > 36) return null;
    const userKey = `${tenant.rowId}:${claims.userId}`;
    if (!this.users.has(userKey)) {
      if (!(await this.db.read((em) => em.existsBy(User, { tenantId: tenant.rowId, rowId: claims.userId })))) return null;
      this.users.set(userKey, true);
    }
    this.tokens.set(token, { tenantId: tenant.rowId, userId: claims.userId, expiresAt: claims.expiresAt });
    return { principal: { kind: "USER", tenantId: tenant.rowId, userId: claims.userId }, tenant };
  }
}
