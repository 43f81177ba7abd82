import { type EntityManager, In } from "typeorm";
import { DomainError, ErrorCode } from "../../common/errors";
import type { RequestContext } from "../../context/context";
import { Ban } from "./ban.entity";
import type { Group } from "./group.entity";
import { JoinSourceKind } from "./group.enums";
import type { JoinRequest } from "./join-request.entity";
import { openJoinRequests } from "./join-request.service";
import type { JoinSource } from "./membership";

/** The paths that become a join request while the group has join approval on (a plain member's invitation does too: see inviteMembers). */
const APPROVAL_PATHS: ReadonlySet<JoinSourceKind> = new Set([JoinSourceKind.GROUP_CODE, JoinSourceKind.LIVE_CODE, JoinSourceKind.FACE_TO_FACE]);

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
 * Whether joins into the group wait for approval: its own setting, or always for groups that
 * protect minors (EDUCATION; the policy's requiresJoinApproval, see policy/compliance.ts).
 */
export function joinApprovalOn(ctx: RequestContext, group: Group): boolean {
  return group.joinApproval || ctx.policy.requiresJoinApproval(group);
}

/** What the gate decided: come in now, or wait for the owner or an admin to answer a join request. */
export type GateOutcome = { admit: true } | { admit: false; request: JoinRequest; created: boolean };

/**
 * A condition for a statement issued under the group's row lock that holds only while none of the
 * users is banned from the group, with its positional parameters: a path whose first write under
 * the lock is conditional anyway checks the ban in that write, one round trip fewer while the lock
 * is held (joinGate's `banCheckedInWrite`).
 */
export function notBanned(groupId: string, userIds: readonly string[]): [string, unknown[]] {
  if (userIds.length === 0) throw new Error("notBanned needs at least one user");
  return [`NOT EXISTS (SELECT 1 FROM group_bans WHERE group_bans.group_id = ? AND group_bans.user_id IN (${userIds.map(() => "?").join(", ")}))`, [groupId, ...userIds]];
}

/**
 * The one check every join path into an existing group passes (invitation acceptance, group code,
 * live code, face to face): a banned user is refused with BANNED; with join approval on, a code,
 * live-code or face-to-face join becomes a join request (the one already pending, if any). The
 * caller holds the group's row lock, so a ban or a settings change committed before is always seen.
 * With `banCheckedInWrite`, an admitted joiner's ban is left to the caller's next write, which
 * carries notBanned as a condition and refuses with BANNED when it fails.
 */
export async function joinGate(
  ctx: RequestContext,
  em: EntityManager,
  group: Group,
  userId: string,
  source: JoinSource,
  field?: string[],
  options: { banCheckedInWrite?: boolean } = {},
): Promise<GateOutcome> {
  const approval = joinApprovalOn(ctx, group) && APPROVAL_PATHS.has(source.kind);
  if (!approval && options.banCheckedInWrite) return { admit: true };
  if (await isBanned(em, group.rowId, userId)) throw banned(field);
  if (approval) {
    const [opened] = await openJoinRequests(ctx, em, group, [{ userId, source }], ctx.now());
    return { admit: false, ...opened };
  }
  return { admit: true };
}
