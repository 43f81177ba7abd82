import { GraphQLError } from "graphql";
import type { RequestContext } from "../context/context";
import { fromGlobalId } from "../common/global-id";
import { ErrorCode } from "../common/errors";

export type NodeFetcher = (ctx: RequestContext, rowId: string) => Promise<object | null>;

export function nodeNotFound(): GraphQLError {
  return new GraphQLError("Not found", { extensions: { code: ErrorCode.NOT_FOUND } });
}

/**
 * Resolves global ids of every type to objects the caller may see. Each module registers its types;
 * fetchers scope to the caller's tenant, so a foreign id is as absent as one that never existed.
 */
export class NodeRegistry {
  private readonly fetchers = new Map<string, NodeFetcher>();

  register(type: string, fetcher: NodeFetcher): void {
    this.fetchers.set(type, fetcher);
  }

  async fetch(ctx: RequestContext, globalId: string): Promise<object> {
    const decoded = fromGlobalId(globalId);
    const fetcher = decoded && this.fetchers.get(decoded.type);
    const node = fetcher ? await fetcher(ctx, decoded.id) : null;
    if (!node) throw nodeNotFound();
    return node;
  }
}
