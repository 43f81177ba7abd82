/**
 * Every event type the service emits (names fixed by the API contract). Adding a type is one line
 * here plus the place that records it (group log kinds: group/group-events.ts; join requests:
 * group/join-request.service.ts).
 */
export const EVENT_TYPES = [
  "group.created",
  "group.renamed",
  "group.status_changed",
  "group.dissolved",
  "group.owner_changed",
  "group.split",
  "group.announcement_set",
  "member.joined",
  "member.left",
  "member.removed",
  "member.role_changed",
  "member.muted",
  "member.unmuted",
  "message.created",
  "invitation.created",
  "invitation.answered",
  "join_request.created",
  "join_request.answered",
  "review_item.created",
  "risk_event.recorded",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** How long the feed keeps events (the cleanup job deletes older ones). */
export const EVENT_RETENTION_MS = 30 * 24 * 3600 * 1000;
