import type { GroupLogEntry } from "../group/group-log.entity";
import { GroupEventKind, MESSAGE_KIND, MessageKind } from "../group/group.enums";

export function messageKindOf(entry: GroupLogEntry): MessageKind {
  if (entry.kind === MESSAGE_KIND) return MessageKind.TEXT;
  if (entry.kind === GroupEventKind.WELCOME_MESSAGE) return MessageKind.WELCOME;
  return MessageKind.SYSTEM;
}

/** The line a chat shows for an entry; events read as sentences about `sender` and `subject`. */
export function messageText(entry: GroupLogEntry): string {
  const data = entry.data ?? {};
  switch (entry.kind as GroupEventKind | typeof MESSAGE_KIND) {
    case MESSAGE_KIND:
    case GroupEventKind.WELCOME_MESSAGE:
    case GroupEventKind.NOTICE:
      return entry.text ?? "";
    case GroupEventKind.GROUP_CREATED:
      return `created the group "${entry.text ?? ""}"`;
    case GroupEventKind.MEMBER_INVITED:
      return "invited a member";
    case GroupEventKind.MEMBER_JOINED:
      return `joined (${String(data.source ?? "").toLowerCase().replace(/_/g, " ")})`;
    case GroupEventKind.MEMBER_LEFT:
      return "left the group";
    case GroupEventKind.MEMBER_REMOVED:
      return data.banned ? "removed and banned a member" : "removed a member";
    case GroupEventKind.MEMBER_UNBANNED:
      return "lifted a member's ban";
    case GroupEventKind.MEMBER_MUTED:
      return `muted a member until ${typeof data.until === "number" ? new Date(data.until).toISOString() : "further notice"}`;
    case GroupEventKind.MEMBER_UNMUTED:
      return "unmuted a member";
    case GroupEventKind.ANNOUNCEMENT_SET:
      return `announcement: ${entry.text ?? ""}`;
    case GroupEventKind.SETTINGS_CHANGED:
      return data.muteAll === true ? "muted the group for everyone but its owner and admins" : data.muteAll === false ? "unmuted the group" : "changed the group's settings";
    case GroupEventKind.ROLE_CHANGED:
      return `changed a member's role to ${String(data.to ?? "").toLowerCase()}`;
    case GroupEventKind.GROUP_RENAMED:
      return `renamed the group to "${entry.text ?? ""}"`;
    case GroupEventKind.OWNERSHIP_TRANSFERRED:
      return "handed ownership over";
    case GroupEventKind.GROUP_DISSOLVED:
      return "dissolved the group";
    case GroupEventKind.GROUP_APPROVED:
      return "the group passed review";
    case GroupEventKind.GROUP_BLOCKED:
      return "the group was blocked by review";
    case GroupEventKind.MESSAGE_APPROVED:
      return "a held message was approved";
    case GroupEventKind.MESSAGE_REJECTED:
      return "a held message was rejected";
    default:
      return entry.kind.toLowerCase().replace(/_/g, " ");
  }
}
