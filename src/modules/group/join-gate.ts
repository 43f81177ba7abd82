import { type EntityManager, In } from "typeorm";
import { DomainError, ErrorCode } from "../../common/errors";
import type { RequestContext } from "../../context/context";
import { Ban } from "./ban.entity";
import type { Group } from "./group.entity";

/** The ways into an existing group that governance rules (bans, join approval) apply to. */
export enum JoinPath {
  DIRECT_ADD = "DIRECT_ADD",
  INVITATION = "INVITATION",
  GROUP_CODE = "GROUP_CODE",
  LIVE_CODE = "LIVE_CODE",
  FACE_TO_FACE = "FACE_TO_FACE",
  JOIN_REQUEST = "JOIN_REQUEST",
}

export function banned(field: string[] = ["input"]): DomainError {
  return new DomainError(ErrorCode.BANNED, "The user has been banned from this group", field);
}

/** Which of these users the group has banned. */
export async function bannedAmong(em: EntityManager, groupId: string, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  return new Set((await em.find(Ban, { where: { groupId, userId: In(userIds) }, select: { userId: true } })).map((b) => b.userId));
}

export async function isBanned(em: EntityManager, groupId: string, userId: string): Promise<boolean> {
  return em.existsBy(Ban, { groupId, userId });
}

/**
 * The one check every join path into an existing group passes (invitation acceptance, group code,
 * live code, face to face, approved join request): a banned user is refused with BANNED. The
 * caller holds the group's row lock, so a ban committed before the join is always seen.
 */
export async function joinGate(_ctx: RequestContext, em: EntityManager, group: Group, userId: string, _path: JoinPath, field?: string[]): Promise<void> {
  if (await isBanned(em, group.rowId, userId)) throw banned(field);
}
