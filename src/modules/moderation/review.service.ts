import type { EntityManager } from "typeorm";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import { truncateText } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { forUpdate, keysetPage } from "../../db/query";
import { ReviewDecision, ReviewStatus, ReviewSubjectType } from "./moderation.enums";
import { ReviewItem } from "./moderation.entities";
import type { ResolveReviewItemInput } from "./moderation.types";
import { toGlobalId } from "../../common/global-id";
import { recordEvent } from "../events/outbox";

/** The global id type of each kind of reviewed subject. */
const SUBJECT_TYPES: Record<ReviewSubjectType, string> = { [ReviewSubjectType.GROUP]: "Group", [ReviewSubjectType.MESSAGE]: "Message" };

/** Applies a decision to the thing under review (a group, a message). Registered by its module. */
export type ReviewSubjectHandler = (ctx: RequestContext, em: EntityManager, subjectId: string, decision: ReviewDecision) => Promise<void>;

/** The manual review queue: content held by a REVIEW keyword waits here for a person's decision. */
export class ReviewService {
  private readonly handlers = new Map<ReviewSubjectType, ReviewSubjectHandler>();

  constructor(private readonly db: Database) {}

  registerSubject(type: ReviewSubjectType, handler: ReviewSubjectHandler): void {
    this.handlers.set(type, handler);
  }

  async enqueue(em: EntityManager, item: { tenantId: string; subjectType: ReviewSubjectType; subjectId: string; reason: string }, now: number): Promise<ReviewItem> {
    const row = em.create(ReviewItem, { rowId: newId(), ...item, reason: truncateText(item.reason, 500), status: ReviewStatus.PENDING, createdAt: now, resolvedAt: null });
    await em.insert(ReviewItem, row);
    await recordEvent(
      em,
      {
        tenantId: row.tenantId,
        type: "review_item.created",
        data: { reviewItemId: toGlobalId("ReviewItem", row.rowId), subjectType: row.subjectType, subjectId: toGlobalId(SUBJECT_TYPES[row.subjectType], row.subjectId), reason: row.reason },
      },
      now,
    );
    return row;
  }

  async resolve(ctx: RequestContext, em: EntityManager, input: ResolveReviewItemInput): Promise<{ reviewItem: ReviewItem }> {
    const rowId = rowIdOf(input.reviewItemId, "ReviewItem");
    const item = rowId
      ? await forUpdate(em.createQueryBuilder(ReviewItem, "r")).where("r.rowId = :rowId AND r.tenantId = :tenantId", { rowId, tenantId: ctx.tenantId }).getOne()
      : null;
    if (!item) throw notFound("Review item", ["input", "reviewItemId"]);
    if (item.status !== ReviewStatus.PENDING) {
      throw new DomainError(ErrorCode.NOT_PERMITTED, `The review item was already ${item.status.toLowerCase()}`, ["input", "reviewItemId"]);
    }
    await this.handlers.get(item.subjectType)?.(ctx, em, item.subjectId, input.decision);
    const now = ctx.now();
    item.status = input.decision === ReviewDecision.APPROVE ? ReviewStatus.APPROVED : ReviewStatus.REJECTED;
    item.resolvedAt = now;
    await em.update(ReviewItem, { rowId: item.rowId }, { status: item.status, resolvedAt: now });
    return { reviewItem: item };
  }

  async queue(tenantId: string, status: ReviewStatus | null, page: PageRequest): Promise<ConnectionShape<ReviewItem>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(ReviewItem, "r").where("r.tenantId = :tenantId", { tenantId });
      if (status) qb.andWhere("r.status = :status", { status });
      return qb;
    };
    const rows = await this.db.read((em) => keysetPage(scope(em), "r.createdAt", "r.rowId", page).getMany());
    return toConnection(rows, page, (r) => ({ key: r.createdAt, id: r.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }
}
