import type { EntityManager } from "typeorm";
import { z } from "zod";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { ReviewSubjectType } from "../moderation/moderation.enums";
import type { ModerationService } from "../moderation/moderation.service";
import type { ReviewService } from "../moderation/review.service";
import { assertAcceptsMembers, assertNotDissolved, lockGroup, lockGroupRow, memberActor, requireRole } from "./access";
import type { GroupLog } from "./group-log";
import { Group } from "./group.entity";
import { GroupEventKind, GroupStatus, MessageStatus } from "./group.enums";

const announcementSchema = z.object({
  groupId: z.string(),
  text: z
    .string()
    .transform((t) => t.normalize("NFC").trim())
    .refine((t) => t.length > 0, { message: "must not be empty", abort: true })
    .refine((t) => [...t].length <= 2000, "must be at most 2000 characters"),
  includeSubGroups: z.boolean().nullish(),
});

/** The group announcement (群公告): an entry of the group's history, moderated like a message. */
export class AnnouncementService {
  constructor(
    private readonly moderation: ModerationService,
    private readonly review: ReviewService,
    private readonly groupLog: GroupLog,
  ) {}

  /**
   * Owners and admins set it. A BLOCK term refuses it; a REVIEW term holds it (like a message) until
   * the tenant approves it. With `includeSubGroups`, a core group's announcement is set on every
   * live sub-group split from it too (each an entry of its own history).
   */
  async setGroupAnnouncement(ctx: RequestContext, em: EntityManager, input: { groupId: string; text: string; includeSubGroups?: boolean | null }): Promise<{ group: Group }> {
    const data = parseInput(announcementSchema, input);
    const group = await lockGroup(ctx, em, data.groupId);
    assertNotDissolved(group);
    const member = await memberActor(ctx, em, group);
    requireRole(member, "set the announcement");
    assertAcceptsMembers(group);
    const review = await this.moderation.screen(ctx, em, data.text, ["input", "text"], { groupId: group.rowId, category: group.category });
    const targets = [group];
    if (data.includeSubGroups) {
      // Lock order: the core group, then its sub-groups in creation order.
      const subs = await em.find(Group, { where: { parentId: group.rowId, tenantId: group.tenantId }, order: { createdAt: "ASC", rowId: "ASC" }, select: { rowId: true } });
      for (const sub of subs) {
        const locked = await lockGroupRow(ctx, em, sub.rowId);
        if (locked.status !== GroupStatus.DISSOLVED) targets.push(locked);
      }
    }
    const now = ctx.now();
    for (const target of targets) {
      const [entry] = await this.groupLog.append(
        em,
        target,
        [{ kind: GroupEventKind.ANNOUNCEMENT_SET, actorId: member.userId, text: data.text, status: review ? MessageStatus.PENDING_REVIEW : MessageStatus.VISIBLE }],
        now,
      );
      target.announcementEntryId = entry.rowId;
      await em.update(Group, { rowId: target.rowId }, { announcementEntryId: entry.rowId, updatedAt: now });
      if (review) {
        await this.review.enqueue(em, { tenantId: target.tenantId, subjectType: ReviewSubjectType.MESSAGE, subjectId: entry.rowId, reason: `announcement matched review term "${review.term}"` }, now);
      }
    }
    return { group };
  }
}
