import type { EntityManager } from "typeorm";
import { z } from "zod";
import { DomainError, ErrorCode } from "../../common/errors";
import { newId } from "../../common/ids";
import { parseInput } from "../../common/validation";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { keysetPage } from "../../db/query";
import { type GroupCategory, screensForMinors } from "../../policy/compliance";
import { KeywordAction, PlatformKeywordList, RiskEventKind } from "./moderation.enums";
import { ModerationKeyword, PlatformModerationKeyword } from "./moderation.entities";
import { KeywordLists, platformScope, tenantScope } from "./keyword-lists";
import { foldForMatching, type KeywordRule } from "./normalize";
import type { RiskService } from "./risk.service";
import type { SetModerationKeywordsInput, SetPlatformModerationKeywordsInput } from "./moderation.types";

/** Room for a keyword's folded form (moderation_keywords.folded). */
const MAX_FOLDED_LENGTH = 200;

const keywordTerm = z
  .string()
  .transform((t) => t.normalize("NFC").trim())
  .refine((t) => t.length >= 1 && [...t].length <= 50, { message: "must be 1…50 characters", abort: true })
  .refine((t) => foldForMatching(t).length > 0, "must contain at least one letter or digit")
  // NFKC can expand one character into many (U+FDFA into 18): the folded form is stored too.
  .refine((t) => [...foldForMatching(t)].length <= MAX_FOLDED_LENGTH, `must fold to at most ${MAX_FOLDED_LENGTH} characters for matching`);

const keywordList = (max: number) => z.array(z.object({ term: keywordTerm, action: z.enum(KeywordAction) })).max(max, `at most ${max} keywords`);

/** A tenant's own list. */
const keywordsSchema = z.object({ keywords: keywordList(1000) });

/** Longest platform list: the baseline is applied to every tenant, so it may be long (matching cost does not grow with it). */
export const MAX_PLATFORM_KEYWORDS = 20_000;

const platformKeywordsSchema = z.object({
  list: z.enum(PlatformKeywordList).nullish(),
  keywords: keywordList(MAX_PLATFORM_KEYWORDS),
});

/** One entry per folded term; a term listed twice keeps its strictest action. */
function strictestByFolded(keywords: readonly { term: string; action: KeywordAction }[]): Map<string, { term: string; action: KeywordAction }> {
  const byFolded = new Map<string, { term: string; action: KeywordAction }>();
  for (const keyword of keywords) {
    const folded = foldForMatching(keyword.term);
    const earlier = byFolded.get(folded);
    if (!earlier || keyword.action === KeywordAction.BLOCK) byFolded.set(folded, keyword);
  }
  return byFolded;
}

/** What is screened, when it belongs to a group (or a group about to be created). */
export interface ScreeningSubject {
  /** The group's row id, recorded on the risk event (null while the group is being created). */
  groupId?: string | null;
  /** The group's category: EDUCATION groups are screened against the platform's minor-protection list too. */
  category?: GroupCategory | null;
}

/** The outcome of screening a text against the tenant's keywords. */
export interface Screening {
  blocked: KeywordRule<KeywordAction> | null;
  review: KeywordRule<KeywordAction> | null;
}

/**
 * Keyword moderation: the tenant's BLOCK and REVIEW lists, the platform's lists applied to every
 * tenant, and the screening every name, message and announcement passes ({@link ModerationService.screen}).
 */
export class ModerationService {
  private readonly lists = new KeywordLists();

  constructor(private readonly risk: RiskService) {}

  /** Replaces the tenant's keyword list. A term listed twice keeps its strictest action. */
  async setKeywords(ctx: RequestContext, em: EntityManager, input: SetModerationKeywordsInput): Promise<{ keywords: ModerationKeyword[] }> {
    const { keywords } = parseInput(keywordsSchema, input);
    const tenantId = ctx.tenantId;
    const now = ctx.now();
    const rows = [...strictestByFolded(keywords)].map(([folded, k]) =>
      em.create(ModerationKeyword, { rowId: newId(), tenantId, term: k.term, folded, action: k.action, createdAt: now }),
    );
    await em.delete(ModerationKeyword, { tenantId });
    for (let i = 0; i < rows.length; i += 200) await em.insert(ModerationKeyword, rows.slice(i, i + 200));
    await this.lists.touch(em, tenantScope(tenantId));
    return { keywords: rows };
  }

  async listKeywords(em: EntityManager, tenantId: string): Promise<ModerationKeyword[]> {
    return em.find(ModerationKeyword, { where: { tenantId }, order: { term: "ASC" } });
  }

  /** Platform operator: replaces one of the platform's lists (BASELINE unless `list` says otherwise). */
  async setPlatformKeywords(ctx: RequestContext, em: EntityManager, input: SetPlatformModerationKeywordsInput): Promise<{ keywords: PlatformModerationKeyword[] }> {
    const data = parseInput(platformKeywordsSchema, input);
    const list = data.list ?? PlatformKeywordList.BASELINE;
    const now = ctx.now();
    const rows = [...strictestByFolded(data.keywords)].map(([folded, k]) =>
      em.create(PlatformModerationKeyword, { rowId: newId(), list, term: k.term, folded, action: k.action, createdAt: now }),
    );
    await em.delete(PlatformModerationKeyword, { list });
    for (let i = 0; i < rows.length; i += 200) await em.insert(PlatformModerationKeyword, rows.slice(i, i + 200));
    await this.lists.touch(em, platformScope(list));
    return { keywords: rows };
  }

  async listPlatformKeywords(db: Database, list: PlatformKeywordList, page: PageRequest): Promise<ConnectionShape<PlatformModerationKeyword>> {
    const scope = (em: EntityManager) => em.createQueryBuilder(PlatformModerationKeyword, "k").where("k.list = :list", { list });
    const rows = await db.read((em) => keysetPage(scope(em), "k.createdAt", "k.rowId", page).getMany());
    return toConnection(rows, page, (k) => ({ key: k.createdAt, id: k.rowId }), () => db.read((em) => scope(em).getCount()));
  }

  /**
   * Matches a text against every list that applies to it: the platform's baseline, the tenant's
   * own, and for groups that protect minors the platform's minor-protection list. Returns the first
   * BLOCK and the first REVIEW term found.
   */
  async match(em: EntityManager, tenantId: string, text: string, subject: ScreeningSubject = {}): Promise<Screening> {
    const scopes = [platformScope(PlatformKeywordList.BASELINE), tenantScope(tenantId)];
    if (subject.category && screensForMinors({ category: subject.category })) scopes.push(platformScope(PlatformKeywordList.MINOR_PROTECTION));
    const matchers = await this.lists.matchers(em, scopes);
    const folded = foldForMatching(text);
    const matched = matchers.flatMap((m) => m.matchFolded(folded));
    return {
      blocked: matched.find((r) => r.action === KeywordAction.BLOCK) ?? null,
      review: matched.find((r) => r.action === KeywordAction.REVIEW) ?? null,
    };
  }

  /**
   * Screens a text a user wrote (a group name, a message, an announcement): refuses it when it holds
   * a BLOCK term (CONTENT_BLOCKED at `field`, with a risk event that survives the refusal) and returns
   * the REVIEW term it matched, if any, for the caller to hold the content for review.
   */
  async screen(ctx: RequestContext, em: EntityManager, text: string, field: string[], subject: ScreeningSubject = {}): Promise<KeywordRule<KeywordAction> | null> {
    const tenantId = ctx.tenantId;
    const { blocked, review } = await this.match(em, tenantId, text, subject);
    if (blocked) {
      const userId = ctx.userId;
      const groupId = subject.groupId ?? null;
      const now = ctx.now();
      throw new DomainError(ErrorCode.CONTENT_BLOCKED, "The text contains a blocked term", field).recording((tx) =>
        this.risk.record(tx, { tenantId, kind: RiskEventKind.BLOCKED_CONTENT, userId, groupId, detail: `matched blocked term "${blocked.term}"` }, now),
      );
    }
    return review;
  }

  /** @deprecated Use {@link ModerationService.screen}; kept for branches written against it. */
  assertAllowed(ctx: RequestContext, em: EntityManager, text: string, field: string[], groupId: string | null = null): Promise<KeywordRule<KeywordAction> | null> {
    return this.screen(ctx, em, text, field, { groupId });
  }
}
