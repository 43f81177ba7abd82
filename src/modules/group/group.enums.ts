import { registerEnumType } from "type-graphql";

export enum GroupStatus {
  ACTIVE = "ACTIVE",
  PENDING_REVIEW = "PENDING_REVIEW",
  BLOCKED = "BLOCKED",
  DISSOLVED = "DISSOLVED",
}
registerEnumType(GroupStatus, { name: "GroupStatus" });

export enum MemberRole {
  OWNER = "OWNER",
  ADMIN = "ADMIN",
  MEMBER = "MEMBER",
}
registerEnumType(MemberRole, { name: "MemberRole" });

/** Roles `setMemberRole` may assign (ownership moves only by transfer). */
export enum AssignableRole {
  ADMIN = "ADMIN",
  MEMBER = "MEMBER",
}
registerEnumType(AssignableRole, { name: "AssignableRole" });

export enum JoinSourceKind {
  CREATOR = "CREATOR",
  DIRECT_ADD = "DIRECT_ADD",
  INVITATION = "INVITATION",
  GROUP_CODE = "GROUP_CODE",
  LIVE_CODE = "LIVE_CODE",
  FACE_TO_FACE = "FACE_TO_FACE",
  SPLIT = "SPLIT",
}
registerEnumType(JoinSourceKind, { name: "JoinSourceKind" });

export enum InvitationStatus {
  PENDING = "PENDING",
  ACCEPTED = "ACCEPTED",
  DECLINED = "DECLINED",
  EXPIRED = "EXPIRED",
}
registerEnumType(InvitationStatus, { name: "InvitationStatus" });

/** What a history entry records. Messages join these in the messages issue. */
export enum GroupEventKind {
  GROUP_CREATED = "GROUP_CREATED",
  MEMBER_INVITED = "MEMBER_INVITED",
  MEMBER_JOINED = "MEMBER_JOINED",
  MEMBER_LEFT = "MEMBER_LEFT",
  MEMBER_REMOVED = "MEMBER_REMOVED",
  ROLE_CHANGED = "ROLE_CHANGED",
  GROUP_RENAMED = "GROUP_RENAMED",
  OWNERSHIP_TRANSFERRED = "OWNERSHIP_TRANSFERRED",
  GROUP_DISSOLVED = "GROUP_DISSOLVED",
  GROUP_APPROVED = "GROUP_APPROVED",
  GROUP_BLOCKED = "GROUP_BLOCKED",
  /** A live code's welcome message, posted on every join through the code. */
  WELCOME_MESSAGE = "WELCOME_MESSAGE",
}
registerEnumType(GroupEventKind, { name: "GroupEventKind" });
