import type { EntityManager } from "typeorm";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import type { RequestContext } from "../../context/context";
import { holdingRowLock, type Read, runRead } from "../../db/database";
import { findOneRead, findOneRow } from "../../db/query";
import { Group } from "./group.entity";
import { GroupStatus } from "./group.enums";
import { Member } from "./member.entity";
import { type GroupAction, roleRefusal } from "./roles";

/**
 * Loads a group of the caller's tenant with its row locked for the rest of the transaction: every
 * change to a group's members, roles or history serialises on this lock, which is what makes
 * capacity and sequence numbers database guarantees.
 */
export async function lockGroup(ctx: RequestContext, em: EntityManager, groupGlobalId: string, field = ["input", "groupId"]): Promise<Group> {
  const rowId = rowIdOf(groupGlobalId, "Group");
  return lockGroupRow(ctx, em, rowId, field);
}

export async function lockGroupRow(ctx: RequestContext, em: EntityManager, rowId: string | null, field = ["input", "groupId"]): Promise<Group> {
  const group = rowId ? await findOneRow(em, Group, { rowId, tenantId: ctx.tenantId }, { lock: true }) : null;
  return lockedGroup(em, group, field);
}

/** lockGroupRow's read, to go last in a readTogether; lockedGroup then takes its answer. */
export function lockGroupRead(ctx: RequestContext, em: EntityManager, rowId: string): Read<Group | null> {
  return findOneRead(em, Group, { rowId, tenantId: ctx.tenantId }, { lock: true });
}

/** The group lockGroupRead locked (NOT_FOUND when there was none), noted as a hot row lock held. */
export function lockedGroup(em: EntityManager, group: Group | null, field = ["input", "groupId"]): Group {
  if (!group) throw notFound("Group", field);
  holdingRowLock(em);
  return group;
}

export function findMember(em: EntityManager, groupId: string, userId: string): Promise<Member | null> {
  return em.findOneBy(Member, { groupId, userId });
}

/**
 * Who is acting on a group: a member (user token) or the tenant operator (tenant key). A user who
 * is not a member gets NOT_FOUND, exactly as if the group did not exist.
 */
export type Actor = { kind: "MEMBER"; member: Member } | { kind: "OPERATOR" };

export async function actorOn(ctx: RequestContext, em: EntityManager, group: Group, field = ["input", "groupId"]): Promise<Actor> {
  if (ctx.principal.kind === "TENANT") return { kind: "OPERATOR" };
  const member = ctx.userId ? await findMember(em, group.rowId, ctx.userId) : null;
  if (!member) throw notFound("Group", field);
  return { kind: "MEMBER", member };
}

/** The acting member, for operations only members can do (the tenant operator gets NOT_PERMITTED). */
export async function memberActor(ctx: RequestContext, em: EntityManager, group: Group): Promise<Member> {
  const read = callerMemberRead(ctx, em, group.rowId);
  return actingMember(ctx, read ? await runRead(em, read) : null);
}

/** The caller's membership of a group as a Read (for readTogether, after lockGroupRead): null when the caller is no user. */
export function callerMemberRead(ctx: RequestContext, em: EntityManager, groupRowId: string): Read<Member | null> | null {
  return ctx.principal.kind !== "TENANT" && ctx.userId ? findOneRead(em, Member, { groupId: groupRowId, userId: ctx.userId }) : null;
}

/** memberActor's answer for the caller's membership as read (callerMemberRead): the member, NOT_PERMITTED for the tenant operator, else NOT_FOUND. */
export function actingMember(ctx: RequestContext, member: Member | null | undefined, field = ["input", "groupId"]): Member {
  if (ctx.principal.kind === "TENANT") throw new DomainError(ErrorCode.NOT_PERMITTED, "Only a member of the group can do this");
  if (!member) throw notFound("Group", field);
  return member;
}

export function assertNotDissolved(group: Group): void {
  if (group.status === GroupStatus.DISSOLVED) throw new DomainError(ErrorCode.GROUP_DISSOLVED, "The group has been dissolved");
}

/** Growth (invitations, joins) needs an active group: not dissolved, not blocked, not awaiting review. */
export function assertAcceptsMembers(group: Group): void {
  assertNotDissolved(group);
  if (group.status === GroupStatus.BLOCKED) throw new DomainError(ErrorCode.NOT_PERMITTED, "The group has been blocked by moderation");
  if (group.status === GroupStatus.PENDING_REVIEW) throw new DomainError(ErrorCode.NOT_PERMITTED, "The group is awaiting moderation review");
}

/** NOT_PERMITTED unless the member's role may do the action (roles.ts holds the matrix). */
export function requireRole(member: Member, action: GroupAction): void {
  const refusal = roleRefusal(member.role, action);
  if (refusal) throw refusal;
}
