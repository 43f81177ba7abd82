import { type ComplianceCheck, type ComplianceSubject, type TenantQualifications } from "./compliance";
import { CodeType, type OwnershipTransferLimit, Plan, type PolicyLimits } from "./limits";

/**
 * A plan as code: its limits and the compliance checks that apply to it. The three standard plans
 * are instances of this; a custom plan is one of them with a tenant's overrides applied.
 */
export interface PlanPolicy {
  readonly plan: Plan;
  readonly limits: Readonly<PolicyLimits>;
  readonly complianceChecks: readonly ComplianceCheck[];
}

/**
 * The policy one tenant's requests run under: its plan with the operator's overrides applied, plus
 * the tenant's qualifications. Services ask this object; nothing else compares plan names.
 */
export class TenantPolicy {
  readonly limits: Readonly<PolicyLimits>;

  constructor(
    readonly plan: Plan,
    limits: PolicyLimits,
    readonly qualifications: Readonly<TenantQualifications>,
    readonly complianceChecks: readonly ComplianceCheck[],
  ) {
    this.limits = Object.freeze({
      ...limits,
      codeTypes: Object.freeze([...limits.codeTypes]) as CodeType[],
      ownershipTransferLimit: limits.ownershipTransferLimit ? Object.freeze({ ...limits.ownershipTransferLimit }) : null,
    });
  }

  /** Whether the plan may create join codes of this type. */
  allowsCodeType(type: CodeType): boolean {
    return this.limits.codeTypes.includes(type);
  }

  /** What stops a group with these properties from being created (empty: nothing). */
  missingCompliance(subject: ComplianceSubject): string[] {
    const missing: string[] = [];
    for (const check of this.complianceChecks) {
      const problem = check.missing(subject, this.qualifications, this.limits);
      if (problem) missing.push(problem);
    }
    return missing;
  }

  /** Whether a group of `memberCount` (owner counted) may still grow by direct add. */
  allowsDirectAdd(memberCount: number): boolean {
    return memberCount < Math.min(this.limits.directAddLimit, this.limits.maxGroupSize);
  }

  /**
   * How many members a group may reach through a code of this type: the plan's hard cap, its
   * code-join cap, and for PERMANENT codes the permanent-code limit.
   */
  codeJoinCapacity(type: CodeType): number {
    const { maxGroupSize, codeJoinCap, permanentCodeMaxMembers } = this.limits;
    const permanent = type === CodeType.PERMANENT && permanentCodeMaxMembers != null ? permanentCodeMaxMembers : Infinity;
    return Math.min(maxGroupSize, codeJoinCap, permanent);
  }

  /** The lifetime of a TEMPORARY code: the plan's default, or the caller's choice within the plan's range. */
  temporaryCodeTtl(requestedSeconds: number | null | undefined): { ok: true; seconds: number } | { ok: false; min: number; max: number } {
    const { temporaryCodeTtlSeconds, temporaryCodeTtlMinSeconds: min, temporaryCodeTtlMaxSeconds: max } = this.limits;
    if (requestedSeconds == null) return { ok: true, seconds: temporaryCodeTtlSeconds };
    if (!Number.isInteger(requestedSeconds) || requestedSeconds < min || requestedSeconds > max) return { ok: false, min, max };
    return { ok: true, seconds: requestedSeconds };
  }

  /** Whether an admin may remove a member holding `targetRole` (nobody but the operator removes an owner). */
  adminsMayRemove(targetRole: "ADMIN" | "MEMBER"): boolean {
    return targetRole === "MEMBER" || this.limits.adminsMayRemoveAdmins;
  }

  /** Whether a group's permanent code may be revoked or replaced by another (false: the one from birth is final). */
  permanentCodeRefreshable(): boolean {
    return this.limits.permanentCodeRefreshable;
  }

  /** How many explicit ownership transfers one group may make, over how many days (null: unlimited). */
  transferLimit(): Readonly<OwnershipTransferLimit> | null {
    return this.limits.ownershipTransferLimit;
  }

  /** How long a join request may be answered: as long as an invitation may be accepted. */
  joinRequestTtlSeconds(): number {
    return this.limits.invitationTtlSeconds;
  }
}
