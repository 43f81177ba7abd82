import type { EntityManager } from "typeorm";
import { z } from "zod";
import { DomainError, ErrorCode } from "../../common/errors";
import { newId } from "../../common/ids";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { KeywordAction, RiskEventKind } from "./moderation.enums";
import { ModerationKeyword } from "./moderation.entities";
import { foldForMatching, type KeywordRule, matchKeywords } from "./normalize";
import type { RiskService } from "./risk.service";
import type { SetModerationKeywordsInput } from "./moderation.types";

/** Room for a keyword's folded form (moderation_keywords.folded). */
const MAX_FOLDED_LENGTH = 200;

const keywordsSchema = z.object({
  keywords: z
    .array(
      z.object({
        term: z
          .string()
          .transform((t) => t.normalize("NFC").trim())
          .refine((t) => t.length >= 1 && [...t].length <= 50, { message: "must be 1…50 characters", abort: true })
          .refine((t) => foldForMatching(t).length > 0, "must contain at least one letter or digit")
          // NFKC can expand one character into many (U+FDFA into 18): the folded form is stored too.
          .refine((t) => [...foldForMatching(t)].length <= MAX_FOLDED_LENGTH, `must fold to at most ${MAX_FOLDED_LENGTH} characters for matching`),
        action: z.enum(KeywordAction),
      }),
    )
    .max(1000, "at most 1000 keywords"),
});

/** The outcome of screening a text against the tenant's keywords. */
export interface Screening {
  blocked: KeywordRule<KeywordAction> | null;
  review: KeywordRule<KeywordAction> | null;
}

/** Keyword moderation: the tenant's BLOCK and REVIEW lists and the screening every name and message passes. */
export class ModerationService {
  constructor(private readonly risk: RiskService) {}

  /** Replaces the tenant's keyword list. A term listed twice keeps its strictest action. */
  async setKeywords(ctx: RequestContext, em: EntityManager, input: SetModerationKeywordsInput): Promise<{ keywords: ModerationKeyword[] }> {
    const { keywords } = parseInput(keywordsSchema, input);
    const tenantId = ctx.tenantId;
    const byFolded = new Map<string, { term: string; action: KeywordAction }>();
    for (const keyword of keywords) {
      const folded = foldForMatching(keyword.term);
      const earlier = byFolded.get(folded);
      if (!earlier || keyword.action === KeywordAction.BLOCK) byFolded.set(folded, keyword);
    }
    const now = ctx.now();
    const rows = [...byFolded].map(([folded, k]) =>
      em.create(ModerationKeyword, { rowId: newId(), tenantId, term: k.term, folded, action: k.action, createdAt: now }),
    );
    await em.delete(ModerationKeyword, { tenantId });
    for (let i = 0; i < rows.length; i += 200) await em.insert(ModerationKeyword, rows.slice(i, i + 200));
    return { keywords: rows };
  }

  async listKeywords(em: EntityManager, tenantId: string): Promise<ModerationKeyword[]> {
    return em.find(ModerationKeyword, { where: { tenantId }, order: { term: "ASC" } });
  }

  /** Matches a text against the tenant's keywords: the first BLOCK and the first REVIEW term found. */
  async screen(em: EntityManager, tenantId: string, text: string): Promise<Screening> {
    const rules = (await em.find(ModerationKeyword, { where: { tenantId }, select: { term: true, folded: true, action: true } })).map((k) => ({
      term: k.term,
      folded: k.folded,
      action: k.action,
    }));
    const matched = matchKeywords(text, rules);
    return {
      blocked: matched.find((r) => r.action === KeywordAction.BLOCK) ?? null,
      review: matched.find((r) => r.action === KeywordAction.REVIEW) ?? null,
    };
  }

  /**
   * Refuses text with a BLOCK term (CONTENT_BLOCKED, with a risk event that survives the refusal)
   * and returns the REVIEW term it matched, if any.
   */
  async assertAllowed(em: EntityManager, ctx: RequestContext, text: string, field: string[], groupId: string | null = null): Promise<KeywordRule<KeywordAction> | null> {
    const { blocked, review } = await this.screen(em, ctx.tenantId, text);
    if (blocked) {
      const userId = ctx.userId;
      const tenantId = ctx.tenantId;
      const now = ctx.now();
      throw new DomainError(ErrorCode.CONTENT_BLOCKED, "The text contains a blocked term", field).recording((tx) =>
        this.risk.record(tx, { tenantId, kind: RiskEventKind.BLOCKED_CONTENT, userId, groupId, detail: `matched blocked term "${blocked.term}"` }, now),
      );
    }
    return review;
  }
}
