import { type EntityManager, In } from "typeorm";
import { z } from "zod";
import { DomainError, DomainErrors, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { RiskEventKind } from "../moderation/moderation.enums";
import type { RiskService } from "../moderation/risk.service";
import { Contact } from "../user/contact.entity";
import { User } from "../user/user.entity";
import type { BanService } from "./ban.service";
import { type BulkAction, detectBulkAction } from "./bulk-actions";
import { actorOn, assertAcceptsMembers, assertNotDissolved, findMember, lockGroup, memberActor, requireRole } from "./access";
import type { GroupLog } from "./group-log";
import { Group } from "./group.entity";
import { AssignableRole, GroupEventKind, JoinSourceKind, MemberRole } from "./group.enums";
import type { Invitation } from "./invitation.entity";
import type { InvitationService } from "./invitation.service";
import { Member } from "./member.entity";
import { admitMembers, departMember, groupFull } from "./membership";
import { removalRefusal, roleChangeRefusal, transferRefusal } from "./roles";
import { assertTransferAllowance } from "./transfer-limit";
import { familyMemberships } from "./family";
import { banned, bannedAmong, joinApprovalOn } from "./join-gate";
import { openJoinRequests } from "./join-request.service";

const inviteSchema = z.object({
  groupId: z.string(),
  userIds: z.array(z.string().max(200)).min(1, "must name at least one user").max(500, "at most 500 users per call"),
});

/** Membership changes: invite, remove, leave, roles and ownership — the permission matrix. */
export class MemberService {
  constructor(
    private readonly invitations: InvitationService,
    private readonly risk: RiskService,
    private readonly groupLog: GroupLog,
    private readonly bans: BanService,
  ) {}

  /**
   * Any member invites their contacts: added directly while the group is below its direct-add
   * limit, the rest as PENDING invitations. People already in the group are skipped; banned people
   * are refused (BANNED). With join approval on, a plain member's invitees become join requests.
   */
  async inviteMembers(ctx: RequestContext, em: EntityManager, input: { groupId: string; userIds: string[] }) {
    const data = parseInput(inviteSchema, input);
    const group = await lockGroup(ctx, em, data.groupId);
    assertNotDissolved(group);
    const inviter = await memberActor(ctx, em, group);
    assertAcceptsMembers(group);
    const policy = ctx.policy;

    const problems: DomainError[] = [];
    const ids: string[] = [];
    data.userIds.forEach((globalId, index) => {
      const rowId = rowIdOf(globalId, "User");
      if (!rowId) problems.push(notFound("User", ["input", "userIds", String(index)]));
      else if (!ids.includes(rowId)) ids.push(rowId);
    });
    if (problems.length) throw new DomainErrors(problems);
    const known = new Set((await em.find(User, { where: { tenantId: group.tenantId, rowId: In(ids) }, select: { rowId: true } })).map((u) => u.rowId));
    const unknownIndex = data.userIds.findIndex((g) => !known.has(rowIdOf(g, "User")!));
    if (unknownIndex >= 0) throw notFound("User", ["input", "userIds", String(unknownIndex)]);

    const members = new Set((await em.find(Member, { where: { groupId: group.rowId, userId: In(ids) }, select: { userId: true } })).map((m) => m.userId));
    const newcomers = ids.filter((id) => !members.has(id));
    const barred = await bannedAmong(em, group.rowId, newcomers);
    if (barred.size) {
      throw new DomainErrors(data.userIds.flatMap((g, index) => (barred.has(rowIdOf(g, "User")!) ? [banned(["input", "userIds", String(index)])] : [])));
    }
    const contacts = new Set(
      (await em.find(Contact, { where: { userId: inviter.userId, contactId: In(newcomers.length ? newcomers : [""]) }, select: { contactId: true } })).map((c) => c.contactId),
    );
    if (newcomers.some((id) => !contacts.has(id))) {
      throw new DomainError(ErrorCode.NOT_A_CONTACT, "Members can only invite their own contacts", ["input", "userIds"]);
    }
    if (newcomers.length && !policy.fitsInGroup(group.memberCount + 1)) throw groupFull(policy.groupCapacity());

    const now = ctx.now();
    const bulkInvite: BulkAction = { tenantId: group.tenantId, userId: inviter.userId, groupId: group.rowId, kind: RiskEventKind.BULK_INVITE };
    if (joinApprovalOn(ctx, group) && inviter.role === MemberRole.MEMBER) {
      // Join approval (群聊邀请确认): a plain member's invitees wait for the owner or an admin.
      const opened = await openJoinRequests(ctx, em, group, newcomers.map((userId) => ({ userId, source: { kind: JoinSourceKind.INVITATION, inviterId: inviter.userId } })), now);
      const bulk = await detectBulkAction(em, policy, bulkInvite, newcomers.length, now);
      if (bulk) await this.risk.record(em, bulk, now);
      return { group, added: [], invitations: [], joinRequests: opened.map((o) => o.request) };
    }
    const slots = policy.directAddSlots(group.memberCount);
    const { admitted } = await admitMembers(
      this.groupLog,
      em,
      group,
      newcomers.slice(0, slots).map((userId) => ({ userId, source: { kind: JoinSourceKind.DIRECT_ADD, inviterId: inviter.userId } })),
      policy.groupCapacity(),
      now,
    );
    const invitations: Invitation[] = await this.invitations.open(ctx, em, group, newcomers.slice(slots), inviter.userId, now);
    const bulk = await detectBulkAction(em, policy, bulkInvite, newcomers.length, now);
    if (bulk) await this.risk.record(em, bulk, now);
    return { group, added: admitted, invitations, joinRequests: [] };
  }

  /**
   * Owners remove anyone but themselves; admins remove any non-owner member (plain members only
   * where the policy says admins may not remove admins); the tenant operator removes anyone (an
   * owner removed by the operator hands over as if they had left). With `ban`, the removed user is
   * also banned: no path brings them back until unbanMember.
   */
  async removeMember(ctx: RequestContext, em: EntityManager, input: { groupId: string; userId: string; ban?: boolean | null }): Promise<{ group: Group }> {
    const group = await lockGroup(ctx, em, input.groupId);
    assertNotDissolved(group);
    const actor = await actorOn(ctx, em, group);
    const target = await this.targetMember(em, group, input.userId);
    const now = ctx.now();
    if (actor.kind === "MEMBER") {
      const { member } = actor;
      const refusal = removalRefusal(member, target, ctx.policy.adminsMayRemove(MemberRole.ADMIN));
      if (refusal) throw refusal;
    }
    const actorId = actor.kind === "MEMBER" ? actor.member.userId : null;
    await departMember(this.groupLog, em, group, target, GroupEventKind.MEMBER_REMOVED, actorId, now, input.ban ? { banned: true } : {});
    if (input.ban) await this.bans.ban(em, group, target.userId, actorId, now);
    if (actorId) {
      const bulk = await detectBulkAction(em, ctx.policy, { tenantId: group.tenantId, userId: actorId, groupId: group.rowId, kind: RiskEventKind.BULK_REMOVE }, 1, now);
      if (bulk) await this.risk.record(em, bulk, now);
    }
    return { group };
  }

  /** Any member leaves. An owner hands over to the earliest-joined admin, else member; the last one out dissolves the group. */
  async leaveGroup(ctx: RequestContext, em: EntityManager, input: { groupId: string }): Promise<{ group: Group }> {
    const group = await lockGroup(ctx, em, input.groupId);
    assertNotDissolved(group);
    const member = await memberActor(ctx, em, group);
    await departMember(this.groupLog, em, group, member, GroupEventKind.MEMBER_LEFT, member.userId, ctx.now());
    return { group };
  }

  /**
   * Only the owner appoints or revokes admins, up to the plan's maxAdmins. In a core group (one that
   * was split) the change also applies in every sub-group the person belongs to.
   */
  async setMemberRole(ctx: RequestContext, em: EntityManager, input: { groupId: string; userId: string; role: AssignableRole }) {
    const group = await lockGroup(ctx, em, input.groupId);
    assertNotDissolved(group);
    const owner = await memberActor(ctx, em, group);
    requireRole(owner, "appoint or revoke admins");
    const target = await this.targetMember(em, group, input.userId);
    const refusal = roleChangeRefusal(target);
    if (refusal) throw refusal;
    const role = input.role === AssignableRole.ADMIN ? MemberRole.ADMIN : MemberRole.MEMBER;
    if (target.role === role) return { group, member: target };
    if (role === MemberRole.ADMIN) {
      const admins = await em.countBy(Member, { groupId: group.rowId, role: MemberRole.ADMIN });
      const max = ctx.policy.adminLimit();
      if (admins >= max) throw new DomainError(ErrorCode.ADMIN_LIMIT_REACHED, `A group has at most ${max} admins on this plan`, ["input", "role"]);
    }
    const now = ctx.now();
    // A core group and its sub-groups act as one: the change reaches every sub-group the person is in.
    const family = await familyMemberships(ctx, em, group, target.userId);
    if (role === MemberRole.ADMIN) {
      const max = ctx.policy.adminLimit();
      for (const { group: sub } of family.filter((f) => f.member.role === MemberRole.MEMBER)) {
        if ((await em.countBy(Member, { groupId: sub.rowId, role: MemberRole.ADMIN })) >= max) {
          throw new DomainError(ErrorCode.ADMIN_LIMIT_REACHED, `Sub-group "${sub.name}" already has ${max} admins`, ["input", "role"]);
        }
      }
    }
    const previous = target.role;
    target.role = role;
    await em.update(Member, { groupId: group.rowId, userId: target.userId }, { role });
    await this.groupLog.append(em, group, [{ kind: GroupEventKind.ROLE_CHANGED, actorId: owner.userId, subjectId: target.userId, data: { from: previous, to: role } }], now);
    for (const { group: sub, member } of family) {
      if (member.role === MemberRole.OWNER || member.role === role) continue;
      await em.update(Member, { groupId: sub.rowId, userId: member.userId }, { role });
      await this.groupLog.append(em, sub, [{ kind: GroupEventKind.ROLE_CHANGED, actorId: owner.userId, subjectId: member.userId, data: { from: member.role, to: role, core: group.rowId } }], now);
    }
    return { group, member: target };
  }

  /** The owner hands the group to another member (an admin, where the plan says so) and becomes a plain member. */
  async transferOwnership(ctx: RequestContext, em: EntityManager, input: { groupId: string; userId: string }): Promise<{ group: Group }> {
    const group = await lockGroup(ctx, em, input.groupId);
    assertNotDissolved(group);
    const owner = await memberActor(ctx, em, group);
    requireRole(owner, "transfer ownership");
    const target = await this.targetMember(em, group, input.userId);
    const refusal = transferRefusal(owner, target, ctx.policy.transferRequiresAdmin());
    if (refusal) throw refusal;
    const now = ctx.now();
    await assertTransferAllowance(ctx, em, group, now);
    await em.update(Member, { groupId: group.rowId, userId: target.userId }, { role: MemberRole.OWNER });
    await em.update(Member, { groupId: group.rowId, userId: owner.userId }, { role: MemberRole.MEMBER });
    group.ownerId = target.userId;
    await em.update(Group, { rowId: group.rowId }, { ownerId: target.userId, updatedAt: now });
    await this.groupLog.append(em, group, [{ kind: GroupEventKind.OWNERSHIP_TRANSFERRED, actorId: owner.userId, subjectId: target.userId }], now);
    return { group };
  }

  /** The member a request names; NOT_A_MEMBER when the user exists but is not in the group. */
  private async targetMember(em: EntityManager, group: Group, userGlobalId: string): Promise<Member> {
    const userId = rowIdOf(userGlobalId, "User");
    const member = userId ? await findMember(em, group.rowId, userId) : null;
    if (member) return member;
    const exists = userId ? await em.existsBy(User, { rowId: userId, tenantId: group.tenantId }) : false;
    if (!exists) throw notFound("User", ["input", "userId"]);
    throw new DomainError(ErrorCode.NOT_A_MEMBER, "The user is not a member of the group", ["input", "userId"]);
  }
}
