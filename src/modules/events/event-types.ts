/**
 * Every event type the service emits (names fixed by the API contract). Adding a type is one line
 * here plus the place that records it. The governance types (group.announcement_set,
 * member.muted, member.unmuted, join_request.created, join_request.answered) arrive with the
 * governance issue.
 */
export const EVENT_TYPES = [
  "group.created",
  "group.renamed",
  "group.status_changed",
  "group.dissolved",
  "group.owner_changed",
  "group.split",
  "member.joined",
  "member.left",
  "member.removed",
  "member.role_changed",
  "message.created",
  "invitation.created",
  "invitation.answered",
  "review_item.created",
  "risk_event.recorded",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** How long the feed keeps events (the cleanup job deletes older ones). */
export const EVENT_RETENTION_MS = 30 * 24 * 3600 * 1000;
