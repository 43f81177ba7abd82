/**
 * Opaque global ids: base64url("<Type>:<uuid>"). Clients must treat them as opaque; the server checks
 * the type and the tenant on every lookup, so a decoded id grants nothing by itself.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
}

export interface DecodedId {
  type: string;
  id: string;
}

/** Returns null for anything that is not a well-formed global id (never throws). */
export function fromGlobalId(globalId: string): DecodedId | null {
  if (typeof globalId !== "string" || globalId.length === 0 || globalId.length > 120) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const sep = decoded.indexOf(":");
  if (sep <= 0) return null;
  const type = decoded.slice(0, sep);
  const id = decoded.slice(sep + 1);
  if (!/^[A-Za-z]+$/.test(type)) return null;
  if (type === "Member" ? !isMemberKey(id) : !UUID.test(id)) return null;
  return { type, id };
}

/**
 * A membership has no row id of its own: its key is the (group, user) pair, so its global id stays
 * the same through role changes and is the same however the member was reached.
 */
export function memberKey(groupId: string, userId: string): string {
  return `${groupId}:${userId}`;
}

function isMemberKey(key: string): boolean {
  const [groupId, userId, ...rest] = key.split(":");
  return rest.length === 0 && UUID.test(groupId ?? "") && UUID.test(userId ?? "");
}

/** The (group, user) pair of a Member's key (see memberKey). */
export function parseMemberKey(key: string): { groupId: string; userId: string } {
  const [groupId, userId] = key.split(":");
  return { groupId, userId };
}

/** The row id behind a global id of the expected type, or null when it is malformed or of another type. */
export function rowIdOf(globalId: string, type: string): string | null {
  const decoded = fromGlobalId(globalId);
  return decoded && decoded.type === type ? decoded.id : null;
}
