import type { EntityManager } from "typeorm";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import type { RequestContext } from "../../context/context";
import { User } from "../user/user.entity";
import { actorOn, assertNotDissolved, findMember, lockGroup, requireRole } from "./access";
import type { GroupLog } from "./group-log";
import type { Group } from "./group.entity";
import { GroupEventKind, MemberRole } from "./group.enums";
import { Member } from "./member.entity";

/** Whether a member may post now: not muted themself, and not a plain member of a group muted for all. */
export function muteRefusal(group: Group, member: Member, now: number): DomainError | null {
  if (member.mutedUntil != null && member.mutedUntil > now) {
    return new DomainError(ErrorCode.MEMBER_MUTED, `You are muted in this group until ${new Date(member.mutedUntil).toISOString()}`);
  }
  if (group.muteAll && member.role === MemberRole.MEMBER) {
    return new DomainError(ErrorCode.MEMBER_MUTED, "The group is muted: only its owner and admins may post");
  }
  return null;
}

/** The end of a member's mute as a client sees it: null once it has passed. */
export function mutedUntil(member: Member, now: number): number | null {
  return member.mutedUntil != null && member.mutedUntil > now ? member.mutedUntil : null;
}

/**
 * Muting (禁言) one member until an instant. The owner mutes anyone but themself, admins mute
 * plain members, the tenant operator anyone; plain members nobody.
 */
export class MuteService {
  constructor(private readonly groupLog: GroupLog) {}

  async muteMember(ctx: RequestContext, em: EntityManager, input: { groupId: string; userId: string; until: Date }): Promise<{ group: Group; member: Member }> {
    const { group, target, actorId } = await this.authorise(ctx, em, input, "mute");
    const now = ctx.now();
    const until = input.until.getTime();
    if (!(until > now)) throw new DomainError(ErrorCode.INVALID_INPUT, "until must be in the future", ["input", "until"]);
    if (target.mutedUntil === until) return { group, member: target };
    target.mutedUntil = until;
    await em.update(Member, { groupId: group.rowId, userId: target.userId }, { mutedUntil: until });
    await this.groupLog.append(em, group, [{ kind: GroupEventKind.MEMBER_MUTED, actorId, subjectId: target.userId, data: { until } }], now);
    return { group, member: target };
  }

  /** Same permissions as muting; unmuting someone who is not muted changes nothing. */
  async unmuteMember(ctx: RequestContext, em: EntityManager, input: { groupId: string; userId: string }): Promise<{ group: Group; member: Member }> {
    const { group, target, actorId } = await this.authorise(ctx, em, input, "unmute");
    const now = ctx.now();
    if (target.mutedUntil == null) return { group, member: target };
    const wasMuted = target.mutedUntil > now;
    target.mutedUntil = null;
    await em.update(Member, { groupId: group.rowId, userId: target.userId }, { mutedUntil: null });
    if (wasMuted) await this.groupLog.append(em, group, [{ kind: GroupEventKind.MEMBER_UNMUTED, actorId, subjectId: target.userId }], now);
    return { group, member: target };
  }

  private async authorise(ctx: RequestContext, em: EntityManager, input: { groupId: string; userId: string }, what: string) {
    const group = await lockGroup(ctx, em, input.groupId);
    assertNotDissolved(group);
    const actor = await actorOn(ctx, em, group);
    const userId = rowIdOf(input.userId, "User");
    const target = userId ? await findMember(em, group.rowId, userId) : null;
    if (!target) {
      const exists = userId ? await em.existsBy(User, { rowId: userId, tenantId: group.tenantId }) : false;
      if (!exists) throw notFound("User", ["input", "userId"]);
      throw new DomainError(ErrorCode.NOT_A_MEMBER, "The user is not a member of the group", ["input", "userId"]);
    }
    if (actor.kind === "MEMBER") {
      const { member } = actor;
      requireRole(member, "mute members");
      if (target.userId === member.userId) throw new DomainError(ErrorCode.NOT_PERMITTED, `You cannot ${what} yourself`, ["input", "userId"]);
      if (member.role === MemberRole.ADMIN && target.role !== MemberRole.MEMBER) {
        throw new DomainError(ErrorCode.NOT_PERMITTED, `Admins can only ${what} plain members`, ["input", "userId"]);
      }
    }
    return { group, target, actorId: actor.kind === "MEMBER" ? actor.member.userId : null };
  }
}
