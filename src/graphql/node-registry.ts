import { GraphQLError } from "graphql";
import type { RequestContext } from "../context/context";
import { fromGlobalId } from "../common/global-id";
import { ErrorCode } from "../common/errors";

/** Fetches one object of a type by row id, or null when the caller may not see it. */
export type NodeFetcher = (ctx: RequestContext, rowId: string) => Promise<object | null>;

/** The node types a module owns, with who may see each (its visibility rule). */
export type NodeFetchers = Readonly<Record<string, NodeFetcher>>;

export function nodeNotFound(): GraphQLError {
  return new GraphQLError("Not found", { extensions: { code: ErrorCode.NOT_FOUND } });
}

/** Rows only a tenant API key may fetch by id (review items, risk events). */
export function tenantKeyOnly<T extends object>(entity: new () => T): NodeFetcher {
  return tenantKeyOnlyBy((ctx, rowId) => ctx.db.read((em) => em.findOneBy(entity, { rowId, tenantId: ctx.tenantId } as never)));
}

/** Objects only a tenant API key may fetch by id, found by `find` in that tenant (events: rows of `events` or history entries). */
export function tenantKeyOnlyBy(find: NodeFetcher): NodeFetcher {
  return (ctx, rowId) => (ctx.principal.kind === "TENANT" ? find(ctx, rowId) : Promise.resolve(null));
}

/**
 * Resolves global ids of every type to objects the caller may see. Each module supplies its types
 * and their visibility rules; fetchers scope to the caller's tenant, so a foreign id is as absent
 * as one that never existed.
 */
export class NodeRegistry {
  private readonly fetchers = new Map<string, NodeFetcher>();

  constructor(...modules: NodeFetchers[]) {
    for (const fetchers of modules) for (const [type, fetcher] of Object.entries(fetchers)) this.fetchers.set(type, fetcher);
  }

  /** The object, or null for an id that is malformed, unknown, of another tenant or not visible to the caller (Relay). */
  async fetch(ctx: RequestContext, globalId: string): Promise<object | null> {
    const decoded = fromGlobalId(globalId);
    const fetcher = decoded && this.fetchers.get(decoded.type);
    return fetcher ? await fetcher(ctx, decoded.id) : null;
  }
}
