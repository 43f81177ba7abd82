import { type EntityManager, In } from "typeorm";
import { DomainError, ErrorCode } from "../../common/errors";
import { toGlobalId } from "../../common/global-id";
import { insertRows } from "../../db/query";
import type { GroupLog } from "./group-log";
import type { LogData } from "./group-log.entity";
import { Group } from "./group.entity";
import { GroupEventKind, GroupStatus, InvitationStatus, JoinRequestStatus, JoinSourceKind, MemberRole } from "./group.enums";
import { JoinRequest } from "./join-request.entity";
import { Invitation } from "./invitation.entity";
import { Member } from "./member.entity";
import { welcomeEntries, type Welcome } from "./welcome";

/** How someone came into a group; copied onto the member row for join-source statistics. */
export interface JoinSource {
  kind: JoinSourceKind;
  inviterId?: string | null;
  codeId?: string | null;
  liveCodeId?: string | null;
  state?: string | null;
}

export interface Admission {
  userId: string;
  role?: MemberRole;
  source: JoinSource;
}

/** A join source as events carry it: every field, ids as global ids. */
function joinSourceData(source: JoinSource): Record<string, unknown> {
  const id = (type: string, rowId: string | null | undefined) => (rowId ? toGlobalId(type, rowId) : null);
  return {
    kind: source.kind,
    inviterId: id("User", source.inviterId),
    codeId: id("GroupCode", source.codeId),
    liveCodeId: id("LiveCode", source.liveCodeId),
    state: source.state ?? null,
  };
}

export function groupFull(cap: number): DomainError {
  return new DomainError(ErrorCode.GROUP_FULL, `The group is full (${cap} members)`);
}

/**
 * Adds members to a locked group. People already in it are left as they are (re-joining is a
 * no-op). Each joiner is welcomed with `options.welcome` or the group's welcome message, if any. The member count moves by a conditional UPDATE that refuses to pass `cap`, so even a
 * caller that forgot the row lock could not overfill a group.
 */
export async function admitMembers(
  log: GroupLog,
  em: EntityManager,
  group: Group,
  admissions: Admission[],
  cap: number,
  now: number,
  options: {
    knownAbsent?: boolean;
    welcome?: Welcome | null;
    /** The group row as the caller foresaw it: the seats' UPDATE refuses with `refusal()` (not GROUP_FULL) unless the row is exactly that (SeatChange.unchanged). */
    expect?: { group: Group; refusal: () => Error };
  } = {},
): Promise<{ admitted: Member[]; existing: Member[] }> {
  const userIds = admissions.map((a) => a.userId);
  const existing = userIds.length && !options.knownAbsent ? await em.findBy(Member, { groupId: group.rowId, userId: In(userIds) }) : [];
  const present = new Set(existing.map((m) => m.userId));
  const fresh = admissions.filter((a) => !present.has(a.userId));
  if (fresh.length === 0) return { admitted: [], existing };
  if (group.memberCount + fresh.length > cap) throw groupFull(cap);
  // Every join into an existing group is welcomed (a path's own message first, else the group's); founders are not.
  const welcome = options.welcome ?? (group.welcomeMessage ? { template: group.welcomeMessage } : null);
  const joiners = fresh.filter((a) => a.source.kind !== JoinSourceKind.CREATOR && a.source.kind !== JoinSourceKind.SPLIT).map((a) => a.userId);
  const welcomes = welcome ? await welcomeEntries(em, group, joiners, welcome) : [];
  // Joins through one code or invitation share their source: its event data is made once.
  const sourceData = new Map<JoinSource, Record<string, unknown>>();
  const joinSourceOf = (source: JoinSource) => {
    let data = sourceData.get(source);
    if (data === undefined) sourceData.set(source, (data = joinSourceData(source)));
    return data;
  };
  // The seats and the history entries (the joins, then their welcome messages) move in one UPDATE that refuses to pass the cap.
  const entries = await log.appendWithSeats(
    em,
    group,
    [
      ...fresh.map((a) => ({
        kind: GroupEventKind.MEMBER_JOINED,
        actorId: a.source.inviterId ?? a.userId,
        subjectId: a.userId,
        data: { source: a.source.kind, role: a.role ?? MemberRole.MEMBER, ...(a.source.state ? { state: a.source.state } : {}) },
        event: { joinSource: joinSourceOf(a.source) },
      })),
      ...welcomes,
    ],
    now,
    options.expect ? { add: fresh.length, cap, full: options.expect.refusal, unchanged: options.expect.group } : { add: fresh.length, cap, full: () => groupFull(cap) },
  );
  const admitted = fresh.map((a, i) =>
    em.create(Member, {
      groupId: group.rowId,
      userId: a.userId,
      tenantId: group.tenantId,
      role: a.role ?? MemberRole.MEMBER,
      joinedAt: now,
      joinSeq: entries[i].seq,
      joinKind: a.source.kind,
      inviterId: a.source.inviterId ?? null,
      codeId: a.source.codeId ?? null,
      liveCodeId: a.source.liveCodeId ?? null,
      joinState: a.source.state ?? null,
      mutedNotifications: false,
      mutedUntil: null,
      clearedThroughSeq: 0,
    }),
  );
  await insertRows(em, Member, admitted);
  return { admitted, existing };
}

/**
 * Removes one member and their seat, with the history entry saying why. The last member out
 * dissolves the group; an owner who goes hands ownership over.
 */
export async function departMember(
  log: GroupLog,
  em: EntityManager,
  group: Group,
  member: Member,
  kind: GroupEventKind.MEMBER_LEFT | GroupEventKind.MEMBER_REMOVED,
  actorId: string | null,
  now: number,
  details: LogData = {},
): Promise<void> {
  await em.delete(Member, { groupId: group.rowId, userId: member.userId });
  await em
    .createQueryBuilder()
    .update(Group)
    .set({ memberCount: () => "member_count - 1", updatedAt: now })
    .where("id = :id", { id: group.rowId })
    .execute();
  group.memberCount -= 1;
  await log.append(em, group, [{ kind, actorId, subjectId: member.userId, data: { role: member.role, ...details } }], now);
  if (group.memberCount === 0) await dissolve(log, em, group, actorId, now);
  else if (member.role === MemberRole.OWNER) await handOverOwnership(log, em, group, member.userId, now);
}

/**
 * Gives ownership of a group whose owner is leaving to the earliest-joined admin, else the
 * earliest-joined member. Returns the new owner, or null when nobody is left.
 */
export async function handOverOwnership(log: GroupLog, em: EntityManager, group: Group, leavingOwnerId: string, now: number): Promise<Member | null> {
  const successor =
    (await em.findOne(Member, { where: { groupId: group.rowId, role: MemberRole.ADMIN }, order: { joinSeq: "ASC" } })) ??
    (await em.findOne(Member, { where: { groupId: group.rowId, role: MemberRole.MEMBER }, order: { joinSeq: "ASC" } }));
  if (!successor || successor.userId === leavingOwnerId) return null;
  await em.update(Member, { groupId: group.rowId, userId: successor.userId }, { role: MemberRole.OWNER });
  successor.role = MemberRole.OWNER;
  group.ownerId = successor.userId;
  await em.update(Group, { rowId: group.rowId }, { ownerId: successor.userId, updatedAt: now });
  await log.append(
    em,
    group,
    [{ kind: GroupEventKind.OWNERSHIP_TRANSFERRED, actorId: leavingOwnerId, subjectId: successor.userId, data: { reason: "OWNER_LEFT" } }],
    now,
  );
  return successor;
}

/** Ends a group: everyone leaves, open invitations and join requests expire, the history records who dissolved it. */
export async function dissolve(log: GroupLog, em: EntityManager, group: Group, actorId: string | null, now: number): Promise<void> {
  await em.delete(Member, { groupId: group.rowId });
  await em.update(
    Invitation,
    { groupId: group.rowId, storedStatus: InvitationStatus.PENDING },
    { storedStatus: InvitationStatus.EXPIRED, openKey: null, respondedAt: now },
  );
  await em.update(JoinRequest, { groupId: group.rowId, storedStatus: JoinRequestStatus.PENDING }, { storedStatus: JoinRequestStatus.EXPIRED, openKey: null });
  Object.assign(group, { status: GroupStatus.DISSOLVED, ownerId: null, memberCount: 0, dissolvedAt: now });
  await em.update(Group, { rowId: group.rowId }, { status: GroupStatus.DISSOLVED, ownerId: null, memberCount: 0, dissolvedAt: now, updatedAt: now });
  await log.append(em, group, [{ kind: GroupEventKind.GROUP_DISSOLVED, actorId }], now);
}
