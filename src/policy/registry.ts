import { STANDARD_COMPLIANCE_CHECKS, type TenantQualifications } from "./compliance";
import type { PolicyOverrides } from "./fields";
import { Plan } from "./limits";
import { mergeLimits } from "./overrides";
import { PLAN_LIMITS } from "./plans";
import { type PlanPolicy, TenantPolicy } from "./policy";

export { mergeLimits };

/** The standard plans as policy objects. */
export const PLAN_POLICIES: Readonly<Record<Plan, PlanPolicy>> = Object.freeze({
  [Plan.PERSONAL]: { plan: Plan.PERSONAL, limits: PLAN_LIMITS.PERSONAL, complianceChecks: STANDARD_COMPLIANCE_CHECKS },
  [Plan.ENTERPRISE]: { plan: Plan.ENTERPRISE, limits: PLAN_LIMITS.ENTERPRISE, complianceChecks: STANDARD_COMPLIANCE_CHECKS },
  [Plan.ENTERPRISE_CERTIFIED]: {
    plan: Plan.ENTERPRISE_CERTIFIED,
    limits: PLAN_LIMITS.ENTERPRISE_CERTIFIED,
    complianceChecks: STANDARD_COMPLIANCE_CHECKS,
  },
});

export interface PolicySource {
  rowId: string;
  version: number;
  plan: Plan;
  policyOverrides: PolicyOverrides | null;
  financialLicense: string | null;
  dataUsageRulesUrl: string | null;
}

/**
 * Builds and caches each tenant's policy object. The cache is keyed by the tenant row's version,
 * so an operator's change is seen by the next request that loads the tenant.
 */
export class PolicyRegistry {
  private readonly cache = new Map<string, { version: number; policy: TenantPolicy }>();

  forTenant(tenant: PolicySource): TenantPolicy {
    const cached = this.cache.get(tenant.rowId);
    if (cached && cached.version === tenant.version) return cached.policy;
    const qualifications: TenantQualifications = {
      financialLicense: tenant.financialLicense,
      dataUsageRulesUrl: tenant.dataUsageRulesUrl,
    };
    const base = PLAN_POLICIES[tenant.plan];
    const policy = new TenantPolicy(tenant.plan, mergeLimits(tenant.plan, tenant.policyOverrides), qualifications, base.complianceChecks);
    this.cache.set(tenant.rowId, { version: tenant.version, policy });
    return policy;
  }
}
