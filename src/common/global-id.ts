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
  if (!/^[A-Za-z]+$/.test(type) || !UUID.test(id)) return null;
  return { type, id };
}

/** The row id behind a global id of the expected type, or null when it is malformed or of another type. */
export function rowIdOf(globalId: string, type: string): string | null {
  const decoded = fromGlobalId(globalId);
  return decoded && decoded.type === type ? decoded.id : null;
}
