import { registerEnumType } from "type-graphql";

export enum Plan {
  PERSONAL = "PERSONAL",
  ENTERPRISE = "ENTERPRISE",
  ENTERPRISE_CERTIFIED = "ENTERPRISE_CERTIFIED",
}
registerEnumType(Plan, { name: "Plan" });

export enum CodeType {
  PERMANENT = "PERMANENT",
  TEMPORARY = "TEMPORARY",
  LIVE = "LIVE",
  FACE_TO_FACE = "FACE_TO_FACE",
}
registerEnumType(CodeType, { name: "CodeType" });

/**
 * Every number and switch a plan decides. A tenant's `policyOverrides` may replace any of them.
 * `null` means "no such limit / feature" (e.g. no live codes on the personal plan).
 */
export interface PolicyLimits {
  /** Hard cap on members of one group. */
  maxGroupSize: number;
  /** Members a group may reach by direct add (owner counted); beyond it invitees must accept. */
  directAddLimit: number;
  /** Join-code types the plan may create. */
  codeTypes: CodeType[];
  /** A PERMANENT code only joins while the group has at most this many members (null: no limit). */
  permanentCodeMaxMembers: number | null;
  /** Default lifetime of a TEMPORARY code. */
  temporaryCodeTtlSeconds: number;
  /** Shortest lifetime a caller may choose for a TEMPORARY code. */
  temporaryCodeTtlMinSeconds: number;
  /** Longest lifetime a caller may choose for a TEMPORARY code. */
  temporaryCodeTtlMaxSeconds: number;
  /** No code joins a group that already has this many members. */
  codeJoinCap: number;
  /** Members per group behind a live code (null: the plan has no live codes). */
  liveCodeGroupCap: number | null;
  /** Groups one user may create in a rolling 24 hours. */
  dailyGroupCreationLimit: number;
  /** Admins per group (owner not counted). */
  maxAdmins: number;
  /** Ownership may only be transferred to an ADMIN. */
  transferRequiresAdmin: boolean;
  /** The tenant must publish a data-usage rules URL before its users create groups. */
  requireDataUsageRules: boolean;
  /** Join-source and activity dashboards. */
  statsEnabled: boolean;
  /** How long a PENDING invitation may be accepted. */
  invitationTtlSeconds: number;
  /** Invitations or removals by one user within `bulkActionWindowSeconds` that count as abnormal. */
  bulkActionThreshold: number;
  /** The window `bulkActionThreshold` is counted over. */
  bulkActionWindowSeconds: number;
  /** Admins may remove other admins (the seed's table: admins remove any non-owner member); false: plain members only. */
  adminsMayRemoveAdmins: boolean;
  /** false: a group's PERMANENT code from birth is its only one, never revoked or replaced. */
  permanentCodeRefreshable: boolean;
  /** Explicit ownership transfers per group within a window (null: unlimited). */
  ownershipTransferLimit: OwnershipTransferLimit | null;
}

/** At most `count` ownership transfers of one group in any `windowDays` days. */
export interface OwnershipTransferLimit {
  count: number;
  windowDays: number;
}

export type PolicyOverrides = Partial<PolicyLimits>;

export const POLICY_FIELDS = [
  "maxGroupSize",
  "directAddLimit",
  "codeTypes",
  "permanentCodeMaxMembers",
  "temporaryCodeTtlSeconds",
  "temporaryCodeTtlMinSeconds",
  "temporaryCodeTtlMaxSeconds",
  "codeJoinCap",
  "liveCodeGroupCap",
  "dailyGroupCreationLimit",
  "maxAdmins",
  "transferRequiresAdmin",
  "requireDataUsageRules",
  "statsEnabled",
  "invitationTtlSeconds",
  "bulkActionThreshold",
  "bulkActionWindowSeconds",
  "adminsMayRemoveAdmins",
  "permanentCodeRefreshable",
  "ownershipTransferLimit",
] as const satisfies ReadonlyArray<keyof PolicyLimits>;
