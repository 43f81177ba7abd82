import { DomainError, ErrorCode } from "../common/domain-error";
import { acceptsLiveCodes, type ComplianceCheck, type ComplianceSubject, requiresJoinApproval, type TenantQualifications } from "./compliance";
import type { OwnershipTransferLimit, PolicyLimits } from "./fields";
import { CodeType, CreationOverflow, Plan } from "./limits";

/**
 * A plan as code: its limits and the compliance checks that apply to it. The three standard plans
 * are instances of this; a custom plan is one of them with a tenant's overrides applied.
 */
export interface PlanPolicy {
  readonly plan: Plan;
  readonly limits: Readonly<PolicyLimits>;
  readonly complianceChecks: readonly ComplianceCheck[];
}

/** Parts of the product a plan may leave out. */
export type PlanFeature = "stats" | "liveCodes";

const FEATURE_REFUSALS: Readonly<Record<PlanFeature, string>> = Object.freeze({
  stats: "Statistics are not part of this plan",
  liveCodes: "Live codes are not part of this plan",
});

/** How the plan's bulk-action rule reads: this many invitations or removals within the window are abnormal. */
export interface BulkActionRule {
  threshold: number;
  windowSeconds: number;
}

/**
 * The policy one tenant's requests run under: its plan with the operator's overrides applied, plus
 * the tenant's qualifications. Services ask this object its questions — how many may still be
 * added directly, how large a group may grow, whether a feature is in the plan — and never read
 * `limits` or compute with them: every rule's arithmetic is one method here.
 */
export class TenantPolicy {
  /** The raw numbers, for display (Tenant.policy). Services ask the methods below instead. */
  readonly limits: Readonly<PolicyLimits>;
  /** Webhook endpoints a tenant may have at once (the same on every plan). */
  readonly webhookEndpointLimit = 20;

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

  // ——— Group size ———

  /** The most members one group may hold (owner counted). */
  groupCapacity(): number {
    return this.limits.maxGroupSize;
  }

  /** Whether a group of `memberCount` members (owner counted) fits under the plan's group capacity. */
  fitsInGroup(memberCount: number): boolean {
    return memberCount <= this.groupCapacity();
  }

  /**
   * The direct-add rule: how many more members a group of `memberCount` (owner counted) may still
   * take by direct add — up to the direct-add limit, never past the group capacity. Beyond it,
   * invitees receive PENDING invitations they must accept.
   */
  directAddSlots(memberCount: number): number {
    return Math.max(0, Math.min(this.limits.directAddLimit, this.groupCapacity()) - memberCount);
  }

  /**
   * How many members a group may reach through a code of this type: the plan's hard cap, its
   * code-join cap, and for PERMANENT codes the permanent-code limit.
   */
  codeJoinCapacity(type: CodeType): number {
    const { codeJoinCap, permanentCodeMaxMembers } = this.limits;
    const permanent = type === CodeType.PERMANENT && permanentCodeMaxMembers != null ? permanentCodeMaxMembers : Infinity;
    return Math.min(this.groupCapacity(), codeJoinCap, permanent);
  }

  /** How many members a group behind a live code with this `perGroupCap` may reach (the code's cap, within the plan's). */
  liveCodeCapacity(perGroupCap: number): number {
    return Math.min(perGroupCap, this.codeJoinCapacity(CodeType.LIVE));
  }

  /** The largest `perGroupCap` a live code may be given (its default): the live-code group cap within the group capacity; 0 without live codes. */
  liveCodePerGroupCapMax(): number {
    return Math.min(this.limits.liveCodeGroupCap ?? 0, this.groupCapacity());
  }

  // ——— Roles and people ———

  /** Admins one group may have (owner not counted). */
  adminLimit(): number {
    return this.limits.maxAdmins;
  }

  /** Whether ownership may only be handed to an ADMIN. */
  transferRequiresAdmin(): boolean {
    return this.limits.transferRequiresAdmin;
  }

  /** Groups one user may create in a rolling 24 hours. */
  dailyGroupCreationLimit(): number {
    return this.limits.dailyGroupCreationLimit;
  }

  /**
   * Whether a group created over the daily creation limit is held for review (true) rather than
   * refused (false): the policy's `dailyGroupCreationOverflow`.
   */
  reviewsCreationOverflow(): boolean {
    return this.limits.dailyGroupCreationOverflow === CreationOverflow.REVIEW;
  }

  /** When an invitation opened at `now` (epoch ms) stops being acceptable. */
  invitationExpiresAt(now: number): number {
    return now + this.limits.invitationTtlSeconds * 1000;
  }

  /** The abnormal-bulk-action rule (invitations or removals by one user). */
  bulkActionRule(): BulkActionRule {
    return { threshold: this.limits.bulkActionThreshold, windowSeconds: this.limits.bulkActionWindowSeconds };
  }

  // ——— Codes ———

  /** Whether the plan may create join codes of this type. */
  allowsCodeType(type: CodeType): boolean {
    return this.limits.codeTypes.includes(type);
  }

  /** The lifetime of a TEMPORARY code: the plan's default, or the caller's choice within the plan's range. */
  temporaryCodeTtl(requestedSeconds: number | null | undefined): { ok: true; seconds: number } | { ok: false; min: number; max: number } {
    const { temporaryCodeTtlSeconds, temporaryCodeTtlMinSeconds: min, temporaryCodeTtlMaxSeconds: max } = this.limits;
    if (requestedSeconds == null) return { ok: true, seconds: temporaryCodeTtlSeconds };
    if (!Number.isInteger(requestedSeconds) || requestedSeconds < min || requestedSeconds > max) return { ok: false, min, max };
    return { ok: true, seconds: requestedSeconds };
  }

  // ——— Governance ———

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

  /** When a join request made at `now` (epoch ms) stops being answerable: as long as an invitation may be accepted. */
  joinRequestExpiresAt(now: number): number {
    return this.invitationExpiresAt(now);
  }

  // ——— Features ———

  /** Whether the plan includes a feature: dashboards (`statsEnabled`), live codes (LIVE among the code types, with a group cap). */
  allows(feature: PlanFeature): boolean {
    switch (feature) {
      case "stats":
        return this.limits.statsEnabled;
      case "liveCodes":
        return this.allowsCodeType(CodeType.LIVE) && this.limits.liveCodeGroupCap != null;
    }
  }

  /**
   * The feature gate: throws FEATURE_NOT_IN_PLAN unless the plan includes `feature`. In a mutation
   * it becomes a userError; in a query, a top-level error with that code.
   */
  requireFeature(feature: PlanFeature): void {
    if (!this.allows(feature)) throw new DomainError(ErrorCode.FEATURE_NOT_IN_PLAN, FEATURE_REFUSALS[feature]);
  }

  // ——— Compliance ———

  /** Whether joining this group always needs approval (groups that protect minors); see compliance.ts. */
  requiresJoinApproval(group: Pick<ComplianceSubject, "category">): boolean {
    return requiresJoinApproval(group);
  }

  /** Whether a LIVE code may lead to this group (not to groups that protect minors). */
  allowsLiveCodeFor(group: Pick<ComplianceSubject, "category">): boolean {
    return acceptsLiveCodes(group);
  }

  /**
   * Why a group with these properties may not be created under this plan and these qualifications —
   * one sentence for the client naming everything missing — or null when it may.
   */
  complianceRefusal(subject: ComplianceSubject): string | null {
    const missing: string[] = [];
    for (const check of this.complianceChecks) {
      const problem = check.missing(subject, this.qualifications, this.limits);
      if (problem) missing.push(problem);
    }
    return missing.length ? `Compliance requirements not met: ${missing.join("; ")}` : null;
  }
}
