import type { ClassType } from "type-graphql";
import { ArgsType, Field, Int, ObjectType } from "type-graphql";
import { invalidArgument } from "./errors";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 0…${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Cursor of the last edge of the previous page." })
  after?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => Boolean, { description: "Forward-only pagination: true when `after` was given." })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/** A keyset position: the sort value and the row id that breaks ties. */
export interface Cursor {
  key: string | number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id]), "utf8").toString("base64url");
}

export function decodeCursor(value: string): Cursor {
  try {
    if (value.length > 200) throw new Error("too long");
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (typeof parsed[0] === "string" || typeof parsed[0] === "number") &&
      typeof parsed[1] === "string"
    ) {
      return { key: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the argument error below
  }
  throw invalidArgument("`after` is not a cursor this connection issued", "after");
}

/** A validated page request: `limit` rows after `after` (exclusive). */
export interface PageRequest {
  limit: number;
  after: Cursor | null;
}

export function pageRequest(args: ConnectionArgs): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw invalidArgument(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}`, "first");
  }
  return { limit: first, after: args.after ? decodeCursor(args.after) : null };
}

export interface ConnectionShape<T> {
  edges: Array<{ readonly cursor: string; node: T }>;
  pageInfo: PageInfo;
  /** A getter: the COUNT query runs only when a client asks for it (and at most once). */
  readonly totalCount: Promise<number>;
}

class Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (row: T) => Cursor,
  ) {}

  get cursor(): string {
    return encodeCursor(this.cursorOf(this.node));
  }
}

/**
 * Builds a connection from `limit + 1` fetched rows (the extra one tells whether a next page exists).
 */
export function toConnection<T>(
  rows: T[],
  page: PageRequest,
  cursorOf: (row: T) => Cursor,
  totalCount: () => Promise<number>,
): ConnectionShape<T> {
  const hasNextPage = rows.length > page.limit;
  const nodes = hasNextPage ? rows.slice(0, page.limit) : rows;
  // Cursors are encoded only for edges whose cursor a client selects.
  const edges = nodes.map((node) => new Edge(node, cursorOf));
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: page.after !== null,
      get startCursor() {
        return edges.length ? edges[0].cursor : null;
      },
      get endCursor() {
        return edges.length ? edges[edges.length - 1].cursor : null;
      },
    },
    get totalCount() {
      return (counted ??= totalCount());
    },
  };
}

/** Declares `<Name>Edge` and `<Name>Connection` object types for a node class. */
export function Connection<TNode extends object>(nodeClass: ClassType<TNode>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String)
    cursor: string;

    @Field(() => nodeClass)
    node: TNode;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    // A real resolver (not the simple default): the value is a lazily started promise, which
    // graphql-jit only awaits when it comes from a resolver.
    @Field(() => Int, { simple: false })
    totalCount: number;
  }
  return ConnectionClass;
}
