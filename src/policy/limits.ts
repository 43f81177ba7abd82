/**
 * The policy's enums. The GraphQL layer registers them (src/modules/tenant/policy.types.ts); the
 * policy fields themselves are declared once in fields.ts.
 */
export enum Plan {
  PERSONAL = "PERSONAL",
  ENTERPRISE = "ENTERPRISE",
  ENTERPRISE_CERTIFIED = "ENTERPRISE_CERTIFIED",
}

export enum CodeType {
  PERMANENT = "PERMANENT",
  TEMPORARY = "TEMPORARY",
  LIVE = "LIVE",
  FACE_TO_FACE = "FACE_TO_FACE",
}

/** What happens to a group created over the daily creation limit. */
export enum CreationOverflow {
  /** Refused (RATE_LIMITED). */
  REFUSE = "REFUSE",
  /** Created PENDING_REVIEW, with a review item for the tenant's operators. */
  REVIEW = "REVIEW",
}
