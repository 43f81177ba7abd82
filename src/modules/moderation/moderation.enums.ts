import { registerEnumType } from "type-graphql";

export enum KeywordAction {
  /** Refuse the content outright (CONTENT_BLOCKED). */
  BLOCK = "BLOCK",
  /** Accept it, held for a person to review. */
  REVIEW = "REVIEW",
}
registerEnumType(KeywordAction, { name: "KeywordAction" });

/** The platform operator's keyword lists. */
export enum PlatformKeywordList {
  /** Applied to every group name, message and announcement of every tenant. */
  BASELINE = "BASELINE",
  /** Applied in addition to groups that protect minors (EDUCATION groups). */
  MINOR_PROTECTION = "MINOR_PROTECTION",
}
registerEnumType(PlatformKeywordList, {
  name: "PlatformKeywordList",
  description: "The platform's keyword lists: BASELINE applies to every tenant, MINOR_PROTECTION also to EDUCATION groups.",
});

export enum ReviewStatus {
  PENDING = "PENDING",
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
}
registerEnumType(ReviewStatus, { name: "ReviewStatus" });

export enum ReviewDecision {
  APPROVE = "APPROVE",
  REJECT = "REJECT",
}
registerEnumType(ReviewDecision, { name: "ReviewDecision" });

export enum ReviewSubjectType {
  GROUP = "GROUP",
  MESSAGE = "MESSAGE",
}

export enum RiskEventKind {
  /** A user went over the plan's daily group-creation limit. */
  GROUP_CREATION_LIMIT = "GROUP_CREATION_LIMIT",
  /** One user invited or directly added many people in a short window. */
  BULK_INVITE = "BULK_INVITE",
  /** One user removed many members in a short window. */
  BULK_REMOVE = "BULK_REMOVE",
  /** A user entered face-to-face digits too often (guessing other people's codes). */
  FACE_TO_FACE_ABUSE = "FACE_TO_FACE_ABUSE",
  /** Content matched a BLOCK keyword. */
  BLOCKED_CONTENT = "BLOCKED_CONTENT",
}
registerEnumType(RiskEventKind, { name: "RiskEventKind" });
