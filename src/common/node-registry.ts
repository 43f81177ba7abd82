import { GraphQLError } from "graphql";
import type { RequestContext } from "../context/context";
import { fromGlobalId } from "./global-id";
import { ErrorCode } from "./errors";

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

  /** The object, or null for an id that is malformed, unknown, of another tenant or not visible to the caller (Relay). */
  async fetch(ctx: RequestContext, globalId: string): Promise<object | null> {
    const decoded = fromGlobalId(globalId);
    const fetcher = decoded && this.fetchers.get(decoded.type);
    return fetcher ? await fetcher(ctx, decoded.id) : null;
  }
}
