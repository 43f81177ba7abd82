import type { PolicyLimits } from "./fields";
import { CodeType, CreationOverflow, Plan } from "./limits";

const HOUR = 3600;
const DAY = 24 * HOUR;

/** The personal plan: WeChat's rules — 40 by direct add, 100 in all, 72-hour temporary codes. */
export const PERSONAL_LIMITS: Readonly<PolicyLimits> = Object.freeze({
  maxGroupSize: 100,
  directAddLimit: 40,
  codeTypes: [CodeType.PERMANENT, CodeType.TEMPORARY, CodeType.FACE_TO_FACE],
  permanentCodeMaxMembers: 40,
  temporaryCodeTtlSeconds: 3 * DAY,
  temporaryCodeTtlMinSeconds: 3 * DAY,
  temporaryCodeTtlMaxSeconds: 3 * DAY,
  codeJoinCap: 100,
  liveCodeGroupCap: null,
  dailyGroupCreationLimit: 5,
  dailyGroupCreationOverflow: CreationOverflow.REFUSE,
  maxAdmins: 3,
  transferRequiresAdmin: true,
  requireDataUsageRules: false,
  statsEnabled: false,
  invitationTtlSeconds: 7 * DAY,
  bulkActionThreshold: 50,
  bulkActionWindowSeconds: 600,
  adminsMayRemoveAdmins: true,
  permanentCodeRefreshable: false,
  ownershipTransferLimit: null,
});

/** The enterprise plan: WeCom customer groups — 200 members, live codes, dashboards. */
export const ENTERPRISE_LIMITS: Readonly<PolicyLimits> = Object.freeze({
  maxGroupSize: 200,
  directAddLimit: 200,
  codeTypes: [CodeType.PERMANENT, CodeType.TEMPORARY, CodeType.FACE_TO_FACE, CodeType.LIVE],
  permanentCodeMaxMembers: null,
  temporaryCodeTtlSeconds: 7 * DAY,
  temporaryCodeTtlMinSeconds: HOUR,
  temporaryCodeTtlMaxSeconds: 365 * DAY,
  codeJoinCap: 200,
  liveCodeGroupCap: 200,
  dailyGroupCreationLimit: 50,
  dailyGroupCreationOverflow: CreationOverflow.REFUSE,
  maxAdmins: 10,
  transferRequiresAdmin: true,
  requireDataUsageRules: true,
  statsEnabled: true,
  invitationTtlSeconds: 7 * DAY,
  bulkActionThreshold: 1000,
  bulkActionWindowSeconds: 600,
  adminsMayRemoveAdmins: true,
  permanentCodeRefreshable: true,
  // WeCom: a group's owner may be changed twice in 90 days.
  ownershipTransferLimit: Object.freeze({ count: 2, windowDays: 90 }),
});

/** The certified enterprise plan: as enterprise, with 500-member groups. */
export const ENTERPRISE_CERTIFIED_LIMITS: Readonly<PolicyLimits> = Object.freeze({
  ...ENTERPRISE_LIMITS,
  maxGroupSize: 500,
  directAddLimit: 500,
  codeJoinCap: 500,
  dailyGroupCreationLimit: 100,
});

export const PLAN_LIMITS: Readonly<Record<Plan, Readonly<PolicyLimits>>> = Object.freeze({
  [Plan.PERSONAL]: PERSONAL_LIMITS,
  [Plan.ENTERPRISE]: ENTERPRISE_LIMITS,
  [Plan.ENTERPRISE_CERTIFIED]: ENTERPRISE_CERTIFIED_LIMITS,
});
