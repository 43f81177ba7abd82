import type { Clock } from "../common/clock";
import { unauthenticated } from "../common/errors";
import type { Database } from "../db/database";
import { TenantApiKey } from "../modules/tenant/api-key.entity";
import { Tenant } from "../modules/tenant/tenant.entity";
import { User } from "../modules/user/user.entity";
import { claimedTenant, looksLikeApiKey, parseApiKey, safeEqual, sha256Hex, verifyUserToken } from "./credentials";
import type { Principal } from "./principal";

export interface Authenticated {
  principal: Principal;
  tenant: Tenant | null;
}

const ANONYMOUS: Authenticated = { principal: { kind: "ANONYMOUS" }, tenant: null };

/**
 * Turns an `Authorization` header into a principal. Any token that is present but not valid —
 * malformed, forged, expired, revoked, or naming a tenant or user that does not exist — is
 * UNAUTHENTICATED; there is no partial trust.
 */
export class Authenticator {
  constructor(
    private readonly db: Database,
    private readonly platformAdminToken: string,
    private readonly clock: Clock,
  ) {}

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

  private async byApiKey(token: string): Promise<Authenticated | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const key = await this.db.read((em) => em.findOneBy(TenantApiKey, { prefix: parsed.prefix }));
    if (!key || key.revokedAt !== null || !safeEqual(sha256Hex(parsed.secret), key.secretHash)) return null;
    const tenant = await this.db.read((em) => em.findOneBy(Tenant, { rowId: key.tenantId }));
    return tenant ? { principal: { kind: "TENANT", tenantId: tenant.rowId }, tenant } : null;
  }

  private async byUserToken(token: string): Promise<Authenticated | null> {
    const tenantId = claimedTenant(token);
    if (!tenantId || tenantId.length > 36) return null;
    const tenant = await this.db.read((em) => em.findOneBy(Tenant, { rowId: tenantId }));
    if (!tenant) return null;
    const claims = await verifyUserToken(token, tenant.jwtSecret, tenant.rowId, this.clock.now());
    if (!claims || claims.userId.length > 36) return null;
    const exists = await this.db.read((em) => em.existsBy(User, { tenantId: tenant.rowId, rowId: claims.userId }));
    return exists ? { principal: { kind: "USER", tenantId: tenant.rowId, userId: claims.userId }, tenant } : null;
  }
}
