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

export enum JoinRequestStatus {
  PENDING = "PENDING",
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
  EXPIRED = "EXPIRED",
}
registerEnumType(JoinRequestStatus, { name: "JoinRequestStatus" });

/** What a history entry records. Messages join these in the messages issue. */
export enum GroupEventKind {
  GROUP_CREATED = "GROUP_CREATED",
  MEMBER_INVITED = "MEMBER_INVITED",
  MEMBER_JOINED = "MEMBER_JOINED",
  MEMBER_LEFT = "MEMBER_LEFT",
  MEMBER_REMOVED = "MEMBER_REMOVED",
  /** A ban was lifted (the ban itself is recorded on the MEMBER_REMOVED entry: `data.banned`). */
  MEMBER_UNBANNED = "MEMBER_UNBANNED",
  /** A member was muted (`data.until`, epoch ms) or unmuted. */
  MEMBER_MUTED = "MEMBER_MUTED",
  MEMBER_UNMUTED = "MEMBER_UNMUTED",
  /** updateGroupSettings changed a setting (`data` names each changed setting and its new value). */
  SETTINGS_CHANGED = "SETTINGS_CHANGED",
  /** setGroupAnnouncement: the entry's text is the announcement (held like a message when a REVIEW term matches). */
  ANNOUNCEMENT_SET = "ANNOUNCEMENT_SET",
  ROLE_CHANGED = "ROLE_CHANGED",
  GROUP_RENAMED = "GROUP_RENAMED",
  OWNERSHIP_TRANSFERRED = "OWNERSHIP_TRANSFERRED",
  GROUP_DISSOLVED = "GROUP_DISSOLVED",
  GROUP_APPROVED = "GROUP_APPROVED",
  GROUP_BLOCKED = "GROUP_BLOCKED",
  /** A live code's welcome message, posted on every join through the code. */
  WELCOME_MESSAGE = "WELCOME_MESSAGE",
  /** A notice from the platform, e.g. that the group was split. */
  NOTICE = "NOTICE",
  /** A held message was approved by review (it becomes visible). */
  MESSAGE_APPROVED = "MESSAGE_APPROVED",
  /** A held message was rejected by review. */
  MESSAGE_REJECTED = "MESSAGE_REJECTED",
}
registerEnumType(GroupEventKind, { name: "GroupEventKind" });

/** The log kind of a member's own message (every other kind is a GroupEventKind). */
export const MESSAGE_KIND = "MESSAGE";

export enum MessageKind {
  /** Written by a member. */
  TEXT = "TEXT",
  /** A live code's welcome message. */
  WELCOME = "WELCOME",
  /** A membership or group event; see `event`. */
  SYSTEM = "SYSTEM",
}
registerEnumType(MessageKind, { name: "MessageKind" });

export enum MessageStatus {
  VISIBLE = "VISIBLE",
  /** Held by a REVIEW keyword: seen only by its sender and the tenant until approved. */
  PENDING_REVIEW = "PENDING_REVIEW",
  REJECTED = "REJECTED",
}
registerEnumType(MessageStatus, { name: "MessageStatus" });
