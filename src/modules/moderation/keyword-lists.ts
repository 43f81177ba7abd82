import { LRUCache } from "lru-cache";
import { type EntityManager, In } from "typeorm";
import { newId } from "../../common/ids";
import { KeywordAction, PlatformKeywordList } from "./moderation.enums";
import { ModerationKeyword, ModerationListVersion, PlatformModerationKeyword } from "./moderation.entities";
import { foldForMatching, KeywordMatcher } from "./normalize";

/** Which keyword list: one tenant's own, or one of the platform's. */
export type KeywordListScope = `tenant:${string}` | `platform:${PlatformKeywordList}`;

export const tenantScope = (tenantId: string): KeywordListScope => `tenant:${tenantId}`;
export const platformScope = (list: PlatformKeywordList): KeywordListScope => `platform:${list}`;

/** Tenants whose matchers an instance keeps (the platform's two are always kept). */
const CACHED_TENANT_LISTS = 2000;

interface Cached {
  version: string;
  matcher: KeywordMatcher<KeywordAction>;
}

/**
 * The keyword lists' matchers, each an automaton built once per list version and kept in memory.
 * Screening a text costs one statement (the versions of the lists it is screened against) and time
 * linear in the text, whatever the lists' lengths; a list is reloaded only after it changed, on any
 * instance (its version is a fresh id written in the transaction that replaced the list).
 */
export class KeywordLists {
  private readonly platform = new Map<KeywordListScope, Cached>();
  private readonly tenants = new LRUCache<KeywordListScope, Cached>({ max: CACHED_TENANT_LISTS });

  /** The matchers of these lists as the transaction sees them. */
  async matchers(em: EntityManager, scopes: readonly KeywordListScope[]): Promise<KeywordMatcher<KeywordAction>[]> {
    const rows = await em.find(ModerationListVersion, { where: { scope: In([...scopes]) } });
    const versions = new Map(rows.map((r) => [r.scope, r.version]));
    const matchers: KeywordMatcher<KeywordAction>[] = [];
    for (const scope of scopes) {
      // A list never written has no version row: "" (a tenant's list from before versions is still loaded once).
      const version = versions.get(scope) ?? "";
      const cache = scope.startsWith("platform:") ? this.platform : this.tenants;
      let cached = cache.get(scope);
      if (cached?.version !== version) {
        cached = { version, matcher: new KeywordMatcher(await this.load(em, scope)) };
        cache.set(scope, cached);
      }
      matchers.push(cached.matcher);
    }
    return matchers;
  }

  /** Marks the list changed (in the transaction that changes it). */
  async touch(em: EntityManager, scope: KeywordListScope): Promise<void> {
    const version = newId();
    await em.createQueryBuilder().insert().into(ModerationListVersion).values({ scope, version }).orIgnore().updateEntity(false).execute();
    await em.update(ModerationListVersion, { scope }, { version });
  }

  private async load(em: EntityManager, scope: KeywordListScope) {
    const [kind, key] = scope.split(":") as ["tenant" | "platform", string];
    const rows =
      kind === "tenant"
        ? await em.find(ModerationKeyword, { where: { tenantId: key }, select: { term: true, action: true } })
        : await em.find(PlatformModerationKeyword, { where: { list: key as PlatformKeywordList }, select: { term: true, action: true } });
    // Folded again from the term: the stored folded form may predate the current folding.
    return rows.map((k) => ({ term: k.term, folded: foldForMatching(k.term), action: k.action }));
  }
}
