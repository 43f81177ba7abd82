import { toGlobalId } from "../../common/global-id";
import type { LiveEvent } from "../events/bus";
import { EventRecord } from "../events/event.entity";
import type { EventType } from "../events/event-types";
import type { EventInput } from "../events/outbox";
import type { Group } from "./group.entity";
import type { GroupLogEntry, LogData } from "./group-log.entity";
import { GroupEventKind, MESSAGE_KIND } from "./group.enums";

/**
 * The public event type of each kind of group log entry. Kinds without one (an invitation's log
 * entry — `invitation.created` is recorded with the invitation —, review outcomes of messages,
 * notices other than a split) still reach groupActivity subscribers, but are not in the feed.
 */
export function eventTypeOf(entry: Pick<GroupLogEntry, "kind" | "data">): EventType | null {
  switch (entry.kind as GroupEventKind | typeof MESSAGE_KIND) {
    case MESSAGE_KIND:
    case GroupEventKind.WELCOME_MESSAGE:
      return "message.created";
    case GroupEventKind.GROUP_CREATED:
      return "group.created";
    case GroupEventKind.GROUP_RENAMED:
      return "group.renamed";
    case GroupEventKind.GROUP_APPROVED:
    case GroupEventKind.GROUP_BLOCKED:
      return "group.status_changed";
    case GroupEventKind.GROUP_DISSOLVED:
      return "group.dissolved";
    case GroupEventKind.OWNERSHIP_TRANSFERRED:
      return "group.owner_changed";
    case GroupEventKind.NOTICE:
      return entry.data && "subGroups" in entry.data ? "group.split" : null;
    case GroupEventKind.MEMBER_JOINED:
      return "member.joined";
    case GroupEventKind.MEMBER_LEFT:
      return "member.left";
    case GroupEventKind.MEMBER_REMOVED:
      return "member.removed";
    case GroupEventKind.ROLE_CHANGED:
      return "member.role_changed";
    case GroupEventKind.MEMBER_MUTED:
      return "member.muted";
    case GroupEventKind.MEMBER_UNMUTED:
      return "member.unmuted";
    case GroupEventKind.ANNOUNCEMENT_SET:
      return "group.announcement_set";
    default:
      return null;
  }
}

/** Row ids inside log data, by key, and the global id type they become in event data. */
const ID_KEYS: Record<string, string> = { splitFrom: "Group", core: "Group", liveCode: "LiveCode", message: "Message" };

function withGlobalIds(data: LogData | null): Record<string, unknown> {
  return addGlobalIds({}, data);
}

/** Copies `data` into `out` (as a spread would: a key `out` has already keeps its place), row ids as global ids; returns `out`. */
function addGlobalIds(out: Record<string, unknown>, data: LogData | null): Record<string, unknown> {
  if (data === null) return out;
  for (const key in data) {
    const value = data[key];
    const type = ID_KEYS[key];
    out[key] = typeof value === "string" && type ? toGlobalId(type, value) : value;
  }
  return out;
}

/** User global ids of one call of groupLogEvents: a join names its user twice (actor and subject), a batch of joins names many. */
type UserIds = (rowId: string | null) => string | null;

function userIds(): UserIds {
  const known = new Map<string, string>();
  return (rowId) => {
    if (!rowId) return null;
    let id = known.get(rowId);
    if (id === undefined) known.set(rowId, (id = toGlobalId("User", rowId)));
    return id;
  };
}

/** The details of an entry's event: the group, the seq, who acted, whom it is about, and the entry's own facts. */
function eventData(groupId: string, user: UserIds, entry: GroupLogEntry, type: EventType, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const base = { groupId, seq: entry.seq };
  switch (type) {
    case "message.created":
      return { ...base, messageId: toGlobalId("Message", entry.rowId), senderId: user(entry.actorId), text: entry.text, status: entry.status, kind: entry.kind === MESSAGE_KIND ? "TEXT" : "WELCOME" };
    case "group.created":
      return { ...base, name: entry.text, ownerId: user(entry.actorId), ...withGlobalIds(entry.data) };
    case "group.renamed":
      return { ...base, name: entry.text, actorId: user(entry.actorId), ...withGlobalIds(entry.data) };
    case "group.status_changed":
      return { ...base, status: entry.kind === GroupEventKind.GROUP_APPROVED ? "ACTIVE" : "BLOCKED" };
    case "group.owner_changed": {
      // A hand-over (transferUserGroups) names the previous owner: a user row id, given as a global id.
      const data = withGlobalIds(entry.data);
      if (typeof entry.data?.from === "string") data.from = user(entry.data.from);
      return { ...base, ownerId: user(entry.subjectId), actorId: user(entry.actorId), ...data };
    }
    case "group.split":
      return { ...base, text: entry.text, ...withGlobalIds(entry.data), ...extra };
    case "group.announcement_set":
      // A held announcement (REVIEW term) says so in `status`; approval does not re-announce it.
      return { ...base, text: entry.text, status: entry.status, authorId: user(entry.actorId), ...withGlobalIds(entry.data) };
    case "member.muted": {
      const until = entry.data && typeof entry.data.until === "number" ? new Date(entry.data.until).toISOString() : null;
      return { ...base, actorId: user(entry.actorId), userId: user(entry.subjectId), until };
    }
    default: {
      // group.dissolved and the member.* events: built key by key, in the order (and with the
      // overrides) of { ...base, actorId, userId?, ...data, ...extra }, without the copies.
      const data: Record<string, unknown> = { groupId, seq: entry.seq, actorId: user(entry.actorId) };
      if (entry.subjectId) data.userId = user(entry.subjectId);
      addGlobalIds(data, entry.data);
      if (extra) for (const key in extra) data[key] = extra[key];
      return data;
    }
  }
}

/**
 * The event type kept on its history entry instead of a row of `events` (GroupLogEntry.eventType):
 * `member.joined`, one per join, the most frequent membership event. Its details come from columns
 * of the entry that never change (a message's status does, on review: message.created stays in
 * `events`, as recorded) and its join source, kept with it (eventExtra); eventOfEntry gives them
 * back exactly as recorded. The feed reads such events through ix_group_log_feed.
 */
export const IN_LOG_EVENT_TYPE = "member.joined" satisfies EventType;

/** The event a history entry keeps (eventType set, see IN_LOG_EVENT_TYPE), with its details as recorded. */
export function eventOfEntry(entry: GroupLogEntry): EventRecord {
  const type = entry.eventType as EventType;
  const data = eventData(toGlobalId("Group", entry.groupId), userIds(), entry, type, entry.eventExtra ?? undefined);
  // The details whole (they begin with groupId and seq): EventRecord.data gives them as they are.
  return Object.assign(new EventRecord(), { rowId: entry.rowId, tenantId: entry.tenantId, type, groupId: entry.groupId, seq: entry.seq, storedData: data, createdAt: entry.createdAt });
}

/**
 * What appending `entries` announces: an outbox event for each entry with a public type, and a
 * bare wake-up for the others (so groupActivity subscribers see every entry live). Entries whose
 * event they keep themselves (IN_LOG_EVENT_TYPE) are marked so: call it before they are inserted.
 */
export function groupLogEvents(
  group: Group,
  entries: GroupLogEntry[],
  extras: Array<Record<string, unknown> | undefined>,
): { events: EventInput[]; wakeUps: LiveEvent[] } {
  const events: EventInput[] = [];
  const wakeUps: LiveEvent[] = [];
  const groupId = toGlobalId("Group", group.rowId);
  const user = userIds();
  entries.forEach((entry, i) => {
    const type = eventTypeOf(entry);
    const audience = entry.kind === GroupEventKind.MEMBER_JOINED || entry.kind === GroupEventKind.MEMBER_LEFT || entry.kind === GroupEventKind.MEMBER_REMOVED ? [entry.subjectId!] : [];
    const inLog = type === IN_LOG_EVENT_TYPE ? entry.rowId : undefined;
    if (inLog) {
      // Kept on the entry (set before it is inserted): no events row; the event's id is the entry's.
      entry.eventType = type;
      entry.eventExtra = extras[i] ?? null;
    }
    if (type) events.push({ tenantId: group.tenantId, type, groupId: group.rowId, seq: entry.seq, data: eventData(groupId, user, entry, type, extras[i]), audience, ...(inLog ? { inLog } : {}) });
    else wakeUps.push({ id: null, tenantId: group.tenantId, type: null, groupId: group.rowId, seq: entry.seq, audience, data: {}, createdAt: entry.createdAt });
  });
  return { events, wakeUps };
}
