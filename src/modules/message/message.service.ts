import type { EntityManager } from "typeorm";
import { z } from "zod";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import { rowIdOf } from "../../common/global-id";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { type Database, readTogether } from "../../db/database";
import { keysetPage } from "../../db/query";
import { actingMember, assertAcceptsMembers, assertNotDissolved, callerMemberRead, lockedGroup, lockGroup, lockGroupRead, lockGroupRow, memberActor } from "../group/access";
import type { GroupLog } from "../group/group-log";
import { GroupLogEntry } from "../group/group-log.entity";
import type { Group } from "../group/group.entity";
import { GroupEventKind, MESSAGE_KIND, MessageStatus } from "../group/group.enums";
import { Member } from "../group/member.entity";
import { ReviewDecision, ReviewSubjectType } from "../moderation/moderation.enums";
import type { ModerationService } from "../moderation/moderation.service";
import type { ReviewService } from "../moderation/review.service";
import { groupById, viewerMembership } from "../group/group.loaders";
import { muteRefusal } from "../group/mute.service";

const sendSchema = z.object({
  groupId: z.string(),
  text: z
    .string()
    .transform((t) => t.normalize("NFC").trim())
    .refine((t) => t.length > 0, { message: "must not be empty", abort: true })
    .refine((t) => [...t].length <= 5000, "must be at most 5000 characters")
    // eslint-disable-next-line no-control-regex
    .refine((t) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(t), "must not contain control characters"),
});

/** What a member may read of a group's history. */
interface Viewer {
  userId: string;
  fromSeq: number;
}

/** Messages: members write to a group's append-only history; each reader sees their own window of it. */
export class MessageService {
  constructor(
    private readonly db: Database,
    private readonly moderation: ModerationService,
    private readonly review: ReviewService,
    private readonly groupLog: GroupLog,
  ) {
    review.registerSubject(ReviewSubjectType.MESSAGE, (ctx, em, subjectId, decision) => this.applyReview(ctx, em, subjectId, decision));
  }

  /**
   * A member posts to an active group. A muted member (or a plain member while the group is muted
   * for all) is refused with MEMBER_MUTED. A BLOCK keyword refuses it; a REVIEW keyword holds it for review.
   */
  async send(ctx: RequestContext, em: EntityManager, input: { groupId: string; text: string }): Promise<{ message: GroupLogEntry }> {
    const data = parseInput(sendSchema, input);
    // One round trip: what the append needs that the lock does not guard (before it), the group's row
    // lock, then the sender's membership as it stands under the lock (a removal that committed first is seen).
    const rowId = rowIdOf(data.groupId, "Group");
    const [, locked, membership] = await readTogether(em, [
      this.groupLog.prepareRead(em, ctx.tenantId),
      rowId ? lockGroupRead(ctx, em, rowId) : null,
      rowId ? callerMemberRead(ctx, em, rowId) : null,
    ]);
    const group = lockedGroup(em, locked ?? null);
    assertNotDissolved(group);
    const member = actingMember(ctx, membership);
    assertAcceptsMembers(group);
    const muted = muteRefusal(group, member, ctx.now());
    if (muted) throw muted;
    const review = await this.moderation.screen(ctx, em, data.text, ["input", "text"], { groupId: group.rowId, category: group.category });
    const now = ctx.now();
    const [message] = await this.groupLog.append(
      em,
      group,
      [{ kind: MESSAGE_KIND, actorId: member.userId, text: data.text, status: review ? MessageStatus.PENDING_REVIEW : MessageStatus.VISIBLE }],
      now,
    );
    if (review) {
      await this.review.enqueue(em, { tenantId: group.tenantId, subjectType: ReviewSubjectType.MESSAGE, subjectId: message.rowId, reason: `message matched review term "${review.term}"` }, now);
    }
    return { message };
  }

  /** Hides the group's history so far from the caller's own view. Nothing is deleted. */
  async deleteChat(ctx: RequestContext, em: EntityManager, groupId: string): Promise<{ group: Group }> {
    const group = await lockGroup(ctx, em, groupId);
    const member = await memberActor(ctx, em, group);
    await em.update(Member, { groupId: group.rowId, userId: member.userId }, { clearedThroughSeq: group.logSize });
    return { group };
  }

  /** Brings the caller's deleted history back. */
  async restoreChat(ctx: RequestContext, em: EntityManager, groupId: string): Promise<{ group: Group }> {
    const group = await lockGroup(ctx, em, groupId);
    const member = await memberActor(ctx, em, group);
    await em.update(Member, { groupId: group.rowId, userId: member.userId }, { clearedThroughSeq: 0 });
    return { group };
  }

  /**
   * The history the caller may read, newest first. Members see what happened since they joined and
   * after they last cleared their chat, and held messages only if they wrote them; the tenant sees all.
   */
  async history(ctx: RequestContext, group: Group, page: PageRequest): Promise<ConnectionShape<GroupLogEntry> | null> {
    const viewer = await this.viewerOf(ctx, group);
    if (viewer === undefined) return null;
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(GroupLogEntry, "l").where("l.groupId = :groupId", { groupId: group.rowId });
      if (viewer) {
        qb.andWhere("l.seq >= :fromSeq", { fromSeq: viewer.fromSeq }).andWhere("(l.status = :visible OR l.actorId = :userId)", {
          visible: MessageStatus.VISIBLE,
          userId: viewer.userId,
        });
      }
      return qb;
    };
    const rows = await this.db.read((em) => keysetPage(scope(em), "l.seq", "l.rowId", page, "DESC", true).getMany());
    return toConnection(rows, page, (l) => ({ key: l.seq, id: l.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }

  /** Whether the caller may read this entry (used by node() and evidence proofs). */
  async canRead(ctx: RequestContext, entry: GroupLogEntry): Promise<boolean> {
    const group = await ctx.loaders.get(groupById).load(entry.groupId);
    if (!group) return false;
    const viewer = await this.viewerOf(ctx, group);
    if (viewer === undefined) return false;
    if (viewer === null) return true;
    return entry.seq >= viewer.fromSeq && (entry.status === MessageStatus.VISIBLE || entry.actorId === viewer.userId);
  }

  /** null: the tenant operator (sees everything); undefined: may not read; else the member's window. */
  private async viewerOf(ctx: RequestContext, group: Group): Promise<Viewer | null | undefined> {
    if (!ctx.tenant || group.tenantId !== ctx.tenant.rowId) return undefined;
    if (ctx.principal.kind === "TENANT") return null;
    const member = await ctx.loaders.get(viewerMembership).load(group.rowId);
    if (!member) return undefined;
    return { userId: member.userId, fromSeq: Math.max(member.joinSeq, member.clearedThroughSeq + 1) };
  }

  /** A review decision on a held message: approval shows it, rejection hides it; either is recorded. */
  private async applyReview(ctx: RequestContext, em: EntityManager, messageId: string, decision: ReviewDecision): Promise<void> {
    const entry = await em.findOneBy(GroupLogEntry, { rowId: messageId });
    if (!entry || entry.status !== MessageStatus.PENDING_REVIEW) return;
    const group = await lockGroupRow(ctx, em, entry.groupId);
    const approved = decision === ReviewDecision.APPROVE;
    await em.update(GroupLogEntry, { rowId: entry.rowId }, { status: approved ? MessageStatus.VISIBLE : MessageStatus.REJECTED });
    await this.groupLog.append(
      em,
      group,
      [{ kind: approved ? GroupEventKind.MESSAGE_APPROVED : GroupEventKind.MESSAGE_REJECTED, subjectId: entry.actorId, data: { message: entry.rowId, seq: entry.seq } }],
      ctx.now(),
    );
  }

}
