import type { Logger } from "pino";
import type { App } from "../app";
import { notPermitted } from "../common/errors";
import type { Tenant } from "../modules/tenant/tenant.entity";
import type { TenantPolicy } from "../policy/policy";
import { Loaders } from "./loaders";
import type { Principal, PrincipalKind } from "./principal";

/**
 * Everything one request runs with. Created once per request and never mutated after
 * authentication: services take it as their first argument.
 */
export class RequestContext {
  readonly loaders: Loaders;
  /** The operation's computed cost (see queryCostPlugin), once known. */
  queryCost = 0;

  constructor(
    readonly app: App,
    readonly requestId: string,
    readonly log: Logger,
    readonly principal: Principal,
    /** The caller's tenant (tenant keys and user tokens). */
    readonly tenant: Tenant | null,
  ) {
    this.loaders = new Loaders(app.db, tenant?.rowId ?? null, principal.kind === "USER" ? principal.userId : null);
  }

  now(): number {
    return this.app.clock.now();
  }

  /** The caller's tenant id; refuses the platform operator and anonymous callers. */
  get tenantId(): string {
    if (!this.tenant) throw notPermitted("This operation needs a tenant API key or a user token");
    return this.tenant.rowId;
  }

  /** The tenant's policy object: its plan with overrides and qualifications applied. */
  get policy(): TenantPolicy {
    if (!this.tenant) throw notPermitted("This operation needs a tenant API key or a user token");
    return this.app.policies.forTenant(this.tenant);
  }

  /** The calling user's row id, or null for tenant keys. */
  get userId(): string | null {
    return this.principal.kind === "USER" ? this.principal.userId : null;
  }

  /** Whose budget a request spends (rate limits, idempotency keys). */
  get principalKey(): string {
    const p = this.principal;
    return p.kind === "USER" ? `user:${p.tenantId}:${p.userId}` : p.kind === "TENANT" ? `tenant:${p.tenantId}` : p.kind.toLowerCase();
  }

  is(...kinds: PrincipalKind[]): boolean {
    return kinds.includes(this.principal.kind);
  }
}
