import type { ExecutionResult } from "graphql";
import type { Logger } from "pino";
import type { Clock } from "../common/clock";
import { DomainError, ErrorCode } from "../common/domain-error";
import { notPermitted } from "../common/errors";
import type { Database } from "../db/database";
import type { TenantPolicy } from "../policy/policy";
import { LoaderCache } from "./loaders";
import type { Principal, PrincipalKind } from "./principal";

/** The caller's tenant as a request carries it (the tenant module's entity is one). */
export interface CallerTenant {
  readonly rowId: string;
}

/** What a request context is made from; see {@link RequestContext}. */
export interface RequestData {
  requestId: string;
  log: Logger;
  principal: Principal;
  /** The caller's tenant (tenant keys and user tokens), else null. */
  tenant: CallerTenant | null;
  /** The tenant's policy object, resolved once when the request starts (null without a tenant). */
  policy: TenantPolicy | null;
  db: Database;
  clock: Clock;
}

/**
 * One request's data, and nothing else: who calls, for which tenant, under which policy, with
 * which per-request loaders, clock and database handle. Created once per request and never
 * changed after authentication; services take it as their first argument. Services themselves
 * reach resolvers through their constructors, never through the context.
 */
export class RequestContext {
  readonly requestId: string;
  readonly log: Logger;
  readonly principal: Principal;
  readonly tenant: CallerTenant | null;
  readonly db: Database;
  readonly clock: Clock;
  readonly loaders: LoaderCache;
  /** The operation's computed cost (see queryCostPlugin), once known. */
  queryCost = 0;
  /**
   * The operation's charge to the principal's budget, once made (cost.ts, chargeOperationOnce). An
   * object of its own, so that Apollo's shallow copy of the context shares it: a request the query
   * fast lane charged and then handed to Apollo is not charged again.
   */
  readonly costCharge: { made: { requested: number; refusal: Error | null } | null } = { made: null };
  /**
   * A mutation the fast lane ran whose result Apollo must answer (it has errors): the executor hands
   * Apollo this outcome instead of running the mutation a second time (fast-lane.ts). An object of
   * its own, shared by Apollo's shallow copy of the context, as costCharge.
   */
  readonly laneRun: { outcome: { result: ExecutionResult } | { thrown: unknown } | null } = { outcome: null };
  /**
   * The payload each root mutation field of the operation returned (whatever the client selected of
   * it), recorded by @Allow: the metrics count their userErrors from here (metrics.ts), for Apollo's
   * answers and the fast lane's alike. Shared by Apollo's shallow copy, as costCharge.
   */
  readonly mutationPayloads: Array<{ field: string; payload: unknown }> = [];
  private readonly tenantPolicy: TenantPolicy | null;

  constructor(data: RequestData) {
    this.requestId = data.requestId;
    this.log = data.log;
    this.principal = data.principal;
    this.tenant = data.tenant;
    this.tenantPolicy = data.policy;
    this.db = data.db;
    this.clock = data.clock;
    this.loaders = new LoaderCache(data.db, data.tenant?.rowId ?? null, this.userId);
  }

  now(): number {
    return this.clock.now();
  }

  /** The caller's tenant id; refuses the platform operator and anonymous callers. */
  get tenantId(): string {
    if (!this.tenant) throw notPermitted("This operation needs a tenant API key or a user token");
    return this.tenant.rowId;
  }

  /** The tenant's policy object: its plan with overrides and qualifications applied. */
  get policy(): TenantPolicy {
    if (!this.tenantPolicy) throw notPermitted("This operation needs a tenant API key or a user token");
    return this.tenantPolicy;
  }

  /** The calling user's row id, or null for tenant keys. */
  get userId(): string | null {
    return this.principal.kind === "USER" ? this.principal.userId : null;
  }

  /**
   * The calling user's row id, for operations only a user can do (the caller becomes owner,
   * joiner or respondent); a tenant key or operator gets NOT_PERMITTED with `why` as a userError.
   */
  requireUser(why: string): string {
    const userId = this.userId;
    if (!userId) throw new DomainError(ErrorCode.NOT_PERMITTED, why);
    return userId;
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
