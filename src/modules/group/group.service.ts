import { type EntityManager, In } from "typeorm";
import { z } from "zod";
import { DomainError, DomainErrors, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { displayText, parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { forUpdate } from "../../db/query";
import { GroupCategory } from "../../policy/compliance";
import { ReviewDecision, ReviewSubjectType, RiskEventKind } from "../moderation/moderation.enums";
import type { ModerationService } from "../moderation/moderation.service";
import type { ReviewService } from "../moderation/review.service";
import type { RiskService } from "../moderation/risk.service";
import { Contact } from "../user/contact.entity";
import { User } from "../user/user.entity";
import { detectBulkAction } from "./bulk-actions";
import { actorOn, assertNotDissolved, lockGroup, lockGroupRow, memberActor, requireRole } from "./access";
import type { GroupLog } from "./group-log";
import { insertGroup } from "./group.factory";
import { Group } from "./group.entity";
import { GroupEventKind, GroupStatus, JoinSourceKind, MemberRole } from "./group.enums";
import type { CreateGroupInput, RenameGroupInput, SetMuteNotificationsInput } from "./group.types";
import type { Invitation } from "./invitation.entity";
import { Member } from "./member.entity";
import { admitMembers, dissolve } from "./membership";
import type { InvitationService } from "./invitation.service";

const DAY_MS = 24 * 3600 * 1000;

export const groupName = () => displayText(100);

const createSchema = z.object({
  name: groupName(),
  memberIds: z.array(z.string().max(200)).max(100_000),
  category: z.enum(GroupCategory).nullish(),
  minorProtection: z.boolean().nullish(),
});

/** Creating groups and changing a group's own properties. Membership changes live in MemberService. */
export class GroupService {
  constructor(
    private readonly moderation: ModerationService,
    private readonly review: ReviewService,
    private readonly risk: RiskService,
    private readonly invitations: InvitationService,
    private readonly groupLog: GroupLog,
  ) {
    review.registerSubject(ReviewSubjectType.GROUP, (em, ctx, subjectId, decision) => this.applyReview(em, ctx, subjectId, decision));
  }

  /**
   * Creates a group owned by the caller from their contacts. Every rule is checked before the first
   * write: input, members, contacts, size, compliance, keywords, then the rolling daily limit.
   */
  async createGroup(ctx: RequestContext, em: EntityManager, input: CreateGroupInput): Promise<{ group: Group; invitations: Invitation[] }> {
    const data = parseInput(createSchema, input);
    const ownerId = ctx.userId;
    if (!ownerId) throw new DomainError(ErrorCode.NOT_PERMITTED, "Groups are created with a user token: the caller becomes the owner");
    const tenantId = ctx.tenantId;
    const policy = ctx.policy;
    const category = data.category ?? GroupCategory.GENERAL;
    const minorProtection = data.minorProtection ?? false;

    // Members: well-formed ids of this tenant's users, de-duplicated, the caller left out.
    const problems: DomainError[] = [];
    const memberIds: string[] = [];
    data.memberIds.forEach((globalId, index) => {
      const rowId = rowIdOf(globalId, "User");
      if (!rowId) problems.push(notFound("User", ["input", "memberIds", String(index)]));
      else if (rowId !== ownerId && !memberIds.includes(rowId)) memberIds.push(rowId);
    });
    if (problems.length) throw new DomainErrors(problems);
    const known = new Set((await em.find(User, { where: { tenantId, rowId: In(memberIds.length ? memberIds : [""]) }, select: { rowId: true } })).map((u) => u.rowId));
    const unknown = memberIds.filter((id) => !known.has(id));
    if (unknown.length) {
      throw new DomainErrors(unknown.map((id) => notFound("User", ["input", "memberIds", String(data.memberIds.findIndex((g) => rowIdOf(g, "User") === id))])));
    }
    if (memberIds.length < 2) throw new DomainError(ErrorCode.TOO_FEW_MEMBERS, "A group needs the creator and at least two contacts", ["input", "memberIds"]);
    const contacts = new Set(
      (await em.find(Contact, { where: { userId: ownerId, contactId: In(memberIds) }, select: { contactId: true } })).map((c) => c.contactId),
    );
    const strangers = memberIds.filter((id) => !contacts.has(id));
    if (strangers.length) {
      throw new DomainError(ErrorCode.NOT_A_CONTACT, `${strangers.length} of the members are not the creator's contacts`, ["input", "memberIds"]);
    }
    if (1 + memberIds.length > policy.limits.maxGroupSize) {
      throw new DomainError(ErrorCode.GROUP_FULL, `A group holds at most ${policy.limits.maxGroupSize} members on this plan`, ["input", "memberIds"]);
    }
    const missing = policy.missingCompliance({ category, minorProtection });
    if (missing.length) throw new DomainError(ErrorCode.COMPLIANCE_REQUIRED, `Compliance requirements not met: ${missing.join("; ")}`, ["input", "category"]);
    const review = await this.moderation.assertAllowed(em, ctx, data.name, ["input", "name"]);
    await this.assertCreationAllowance(ctx, em, ownerId);

    // Writes.
    const now = ctx.now();
    const group = await insertGroup(
      this.groupLog,
      em,
      { tenantId, name: data.name, ownerId, category, minorProtection, status: review ? GroupStatus.PENDING_REVIEW : GroupStatus.ACTIVE },
      now,
    );
    const direct = Math.max(0, Math.min(policy.limits.directAddLimit, policy.limits.maxGroupSize) - 1);
    await admitMembers(
      this.groupLog,
      em,
      group,
      [
        { userId: ownerId, role: MemberRole.OWNER, source: { kind: JoinSourceKind.CREATOR } },
        ...memberIds.slice(0, direct).map((userId) => ({ userId, source: { kind: JoinSourceKind.DIRECT_ADD, inviterId: ownerId } })),
      ],
      policy.limits.maxGroupSize,
      now,
    );
    const invitations = await this.invitations.open(em, ctx, group, memberIds.slice(direct), ownerId, now);
    if (review) {
      await this.review.enqueue(em, { tenantId, subjectType: ReviewSubjectType.GROUP, subjectId: group.rowId, reason: `group name matched review term "${review.term}"` }, now);
    }
    const bulk = await detectBulkAction(em, policy, { tenantId, userId: ownerId, groupId: group.rowId, kind: RiskEventKind.BULK_INVITE }, memberIds.length, now);
    if (bulk) await this.risk.record(em, bulk, now);
    return { group, invitations };
  }

  /**
   * The plan's rolling 24-hour creation limit. The creator's user row is locked first, so two
   * concurrent creations by one person are counted one after the other, never both under the limit.
   */
  async assertCreationAllowance(ctx: RequestContext, em: EntityManager, userId: string): Promise<void> {
    await forUpdate(em.createQueryBuilder(User, "u")).where("u.rowId = :userId", { userId }).getOne();
    const now = ctx.now();
    const limit = ctx.policy.limits.dailyGroupCreationLimit;
    const created = await em
      .createQueryBuilder(Group, "g")
      .where("g.createdBy = :userId AND g.createdAt > :since", { userId, since: now - DAY_MS })
      .getCount();
    if (created >= limit) {
      const tenantId = ctx.tenantId;
      throw new DomainError(ErrorCode.RATE_LIMITED, `At most ${limit} groups may be created in 24 hours`).recording((tx) =>
        this.risk.record(tx, { tenantId, kind: RiskEventKind.GROUP_CREATION_LIMIT, userId, detail: `tried to create group ${created + 1} within 24 h (limit ${limit})` }, now),
      );
    }
  }

  /** Owners and admins rename; the new name passes moderation like a new group's. */
  async renameGroup(ctx: RequestContext, em: EntityManager, input: RenameGroupInput): Promise<{ group: Group }> {
    const name = parseInput(z.object({ name: groupName() }), { name: input.name }).name;
    const group = await lockGroup(em, ctx, input.groupId);
    assertNotDissolved(group);
    const member = await memberActor(em, ctx, group);
    requireRole(member, "rename the group");
    const review = await this.moderation.assertAllowed(em, ctx, name, ["input", "name"], group.rowId);
    if (name === group.name) return { group };
    const now = ctx.now();
    const previous = group.name;
    group.name = name;
    if (review && group.status === GroupStatus.ACTIVE) group.status = GroupStatus.PENDING_REVIEW;
    await em.update(Group, { rowId: group.rowId }, { name, status: group.status, updatedAt: now });
    await this.groupLog.append(em, group, [{ kind: GroupEventKind.GROUP_RENAMED, actorId: member.userId, text: name, data: { from: previous } }], now);
    if (review) {
      await this.review.enqueue(em, { tenantId: group.tenantId, subjectType: ReviewSubjectType.GROUP, subjectId: group.rowId, reason: `group name matched review term "${review.term}"` }, now);
    }
    return { group };
  }

  /** Any member mutes or unmutes notifications for themself. */
  async setMuteNotifications(ctx: RequestContext, em: EntityManager, input: SetMuteNotificationsInput): Promise<{ group: Group; member: Member }> {
    const group = await lockGroup(em, ctx, input.groupId);
    assertNotDissolved(group);
    const member = await memberActor(em, ctx, group);
    if (member.mutedNotifications !== input.muted) {
      member.mutedNotifications = input.muted;
      await em.update(Member, { groupId: group.rowId, userId: member.userId }, { mutedNotifications: input.muted });
    }
    return { group, member };
  }

  /** The owner, or the tenant operator, dissolves the group. */
  async dissolveGroup(ctx: RequestContext, em: EntityManager, groupId: string): Promise<{ group: Group }> {
    const group = await lockGroup(em, ctx, groupId);
    assertNotDissolved(group);
    const actor = await actorOn(em, ctx, group);
    if (actor.kind === "MEMBER") requireRole(actor.member, "dissolve the group");
    await dissolve(this.groupLog, em, group, actor.kind === "MEMBER" ? actor.member.userId : null, ctx.now());
    return { group };
  }

  /** A review decision on a group held by a REVIEW keyword: approve activates, reject blocks. */
  private async applyReview(em: EntityManager, ctx: RequestContext, groupId: string, decision: ReviewDecision): Promise<void> {
    const group = await lockGroupRow(em, ctx, groupId);
    if (group.status !== GroupStatus.PENDING_REVIEW) return;
    const now = ctx.now();
    group.status = decision === ReviewDecision.APPROVE ? GroupStatus.ACTIVE : GroupStatus.BLOCKED;
    await em.update(Group, { rowId: group.rowId }, { status: group.status, updatedAt: now });
    await this.groupLog.append(em, group, [{ kind: decision === ReviewDecision.APPROVE ? GroupEventKind.GROUP_APPROVED : GroupEventKind.GROUP_BLOCKED }], now);
  }
}
