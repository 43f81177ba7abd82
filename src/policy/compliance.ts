import type { PolicyLimits } from "./fields";

export enum GroupCategory {
  GENERAL = "GENERAL",
  FINANCIAL = "FINANCIAL",
  EDUCATION = "EDUCATION",
}

/** What the platform operator has verified about a tenant. */
export interface TenantQualifications {
  financialLicense: string | null;
  dataUsageRulesUrl: string | null;
}

/** The group a compliance check is asked about. */
export interface ComplianceSubject {
  category: GroupCategory;
  minorProtection: boolean;
}

/**
 * One regulatory rule. A plan lists the checks that apply to it; each returns what is missing
 * (a sentence for the client) or null when the group may be created.
 */
export interface ComplianceCheck {
  readonly name: string;
  missing(subject: ComplianceSubject, qualifications: TenantQualifications, limits: Readonly<PolicyLimits>): string | null;
}

/** Financial groups need a licensed tenant. */
export const financialLicenseCheck: ComplianceCheck = {
  name: "financialLicense",
  missing: (subject, qualifications) =>
    subject.category === GroupCategory.FINANCIAL && !qualifications.financialLicense
      ? "financial groups require the tenant's financialLicense"
      : null,
};

/** Education groups must switch on minor protection. */
export const minorProtectionCheck: ComplianceCheck = {
  name: "minorProtection",
  missing: (subject) =>
    subject.category === GroupCategory.EDUCATION && !subject.minorProtection
      ? "education groups require minorProtection: true"
      : null,
};

/** Plans that require it: the tenant must publish its data-usage rules before groups are created. */
export const dataUsageRulesCheck: ComplianceCheck = {
  name: "dataUsageRulesUrl",
  missing: (_subject, qualifications, limits) =>
    limits.requireDataUsageRules && !qualifications.dataUsageRulesUrl
      ? "this plan requires the tenant's dataUsageRulesUrl to be published"
      : null,
};

export const STANDARD_COMPLIANCE_CHECKS: readonly ComplianceCheck[] = Object.freeze([
  financialLicenseCheck,
  minorProtectionCheck,
  dataUsageRulesCheck,
]);

/**
 * Minor protection, the same on every plan: an EDUCATION group (which must switch on
 * `minorProtection`, see {@link minorProtectionCheck}) protects minors.
 */
export function protectsMinors(group: Pick<ComplianceSubject, "category">): boolean {
  return group.category === GroupCategory.EDUCATION;
}

/**
 * Whether joining the group always needs an admin's approval, whatever the group's own setting:
 * true for groups that protect minors. Every join path (codes, live codes, invitations accepted)
 * consults this once join approval exists.
 */
export function requiresJoinApproval(group: Pick<ComplianceSubject, "category">): boolean {
  return protectsMinors(group);
}

/** Whether the group may be reached through LIVE codes (anyone holding the code could join): not when it protects minors. */
export function acceptsLiveCodes(group: Pick<ComplianceSubject, "category">): boolean {
  return !protectsMinors(group);
}

/** Whether the group's name, messages and announcements are screened against the platform's minor-protection list too. */
export function screensForMinors(group: Pick<ComplianceSubject, "category">): boolean {
  return protectsMinors(group);
}
