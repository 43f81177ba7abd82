import type { EntityManager } from "typeorm";
import { z } from "zod";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { ReviewDecision, ReviewSubjectType } from "../moderation/moderation.enums";
import type { ModerationService } from "../moderation/moderation.service";
import type { ReviewService } from "../moderation/review.service";
import { type GroupCreation, groupName } from "./group-creation";
import { actorOn, assertNotDissolved, lockGroup, lockGroupRow, memberActor, requireRole } from "./access";
import type { GroupLog } from "./group-log";
import { Group } from "./group.entity";
import { GroupEventKind, GroupStatus } from "./group.enums";
import type { CreateGroupInput, RenameGroupInput, SetMuteNotificationsInput } from "./group.types";
import type { Invitation } from "./invitation.entity";
import { Member } from "./member.entity";
import { dissolve } from "./membership";

/** A group's own properties (creation goes through the door, group-creation.ts). Membership changes live in MemberService. */
export class GroupService {
  constructor(
    private readonly moderation: ModerationService,
    private readonly review: ReviewService,
    private readonly creation: GroupCreation,
    private readonly groupLog: GroupLog,
  ) {
    review.registerSubject(ReviewSubjectType.GROUP, (ctx, em, subjectId, decision) => this.applyReview(ctx, em, subjectId, decision));
  }

  /** Creates a group owned by the caller from their contacts: the createGroup path of the creation door (group-creation.ts). */
  createGroup(ctx: RequestContext, em: EntityManager, input: CreateGroupInput): Promise<{ group: Group; invitations: Invitation[] }> {
    return this.creation.fromContacts(ctx, em, input);
  }

  /** Owners and admins rename; the new name passes moderation like a new group's. */
  async renameGroup(ctx: RequestContext, em: EntityManager, input: RenameGroupInput): Promise<{ group: Group }> {
    const name = parseInput(z.object({ name: groupName() }), { name: input.name }).name;
    const group = await lockGroup(ctx, em, input.groupId);
    assertNotDissolved(group);
    const member = await memberActor(ctx, em, group);
    requireRole(member, "rename the group");
    const review = await this.moderation.screen(ctx, em, name, ["input", "name"], { groupId: group.rowId, category: group.category });
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
    const group = await lockGroup(ctx, em, input.groupId);
    assertNotDissolved(group);
    const member = await memberActor(ctx, em, group);
    if (member.mutedNotifications !== input.muted) {
      member.mutedNotifications = input.muted;
      await em.update(Member, { groupId: group.rowId, userId: member.userId }, { mutedNotifications: input.muted });
    }
    return { group, member };
  }

  /** The owner, or the tenant operator, dissolves the group. */
  async dissolveGroup(ctx: RequestContext, em: EntityManager, groupId: string): Promise<{ group: Group }> {
    const group = await lockGroup(ctx, em, groupId);
    assertNotDissolved(group);
    const actor = await actorOn(ctx, em, group);
    if (actor.kind === "MEMBER") requireRole(actor.member, "dissolve the group");
    await dissolve(this.groupLog, em, group, actor.kind === "MEMBER" ? actor.member.userId : null, ctx.now());
    return { group };
  }

  /** A review decision on a group held by a REVIEW keyword: approve activates, reject blocks. */
  private async applyReview(ctx: RequestContext, em: EntityManager, groupId: string, decision: ReviewDecision): Promise<void> {
    const group = await lockGroupRow(ctx, em, groupId);
    if (group.status !== GroupStatus.PENDING_REVIEW) return;
    const now = ctx.now();
    group.status = decision === ReviewDecision.APPROVE ? GroupStatus.ACTIVE : GroupStatus.BLOCKED;
    await em.update(Group, { rowId: group.rowId }, { status: group.status, updatedAt: now });
    await this.groupLog.append(em, group, [{ kind: decision === ReviewDecision.APPROVE ? GroupEventKind.GROUP_APPROVED : GroupEventKind.GROUP_BLOCKED }], now);
  }
}
