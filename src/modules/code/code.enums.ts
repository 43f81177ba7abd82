import { registerEnumType } from "type-graphql";

/** The kinds of code `createGroupCode` makes (live and face-to-face codes have their own operations). */
export enum GroupCodeType {
  PERMANENT = "PERMANENT",
  TEMPORARY = "TEMPORARY",
}
registerEnumType(GroupCodeType, { name: "GroupCodeType" });

export enum CodeStatus {
  ACTIVE = "ACTIVE",
  EXPIRED = "EXPIRED",
  REVOKED = "REVOKED",
  /** A use-limited code that has been used up. */
  EXHAUSTED = "EXHAUSTED",
}
registerEnumType(CodeStatus, { name: "CodeStatus" });

export enum LiveCodeStatus {
  ACTIVE = "ACTIVE",
  /** Switched off by its owner (joins answer CODE_REVOKED). */
  DISABLED = "DISABLED",
  EXPIRED = "EXPIRED",
}
registerEnumType(LiveCodeStatus, { name: "LiveCodeStatus" });
