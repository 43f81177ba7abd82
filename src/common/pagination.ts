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

/*
 * Connections and their page info are class instances with getters on the prototype, never object
 * literals with getters: each evaluation of a literal's getter makes V8 build the object a hidden
 * class of its own, kept in the old generation, and through it the getters' closures keep the whole
 * page (edges, rows, strings) alive through young-generation collections until the next full one.
 * Measured on the nested read: a third of everything a request allocated survived and was copied
 * (see BENCHMARKS.md).
 */
class Page<T> implements PageInfo {
  constructor(
    private readonly edges: readonly Edge<T>[],
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
  ) {}

  get startCursor(): string | null {
    return this.edges.length ? this.edges[0]!.cursor : null;
  }

  get endCursor(): string | null {
    return this.edges.length ? this.edges[this.edges.length - 1]!.cursor : null;
  }
}

class ConnectionOf<T> implements ConnectionShape<T> {
  private counted: Promise<number> | undefined;

  constructor(
    readonly edges: Edge<T>[],
    readonly pageInfo: Page<T>,
    private readonly count: () => Promise<number>,
  ) {}

  /** The COUNT query runs only when a client asks for it (and at most once). */
  get totalCount(): Promise<number> {
    return (this.counted ??= this.count());
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
  const size = hasNextPage ? page.limit : rows.length;
  // Cursors are encoded only for edges whose cursor a client selects.
  const edges = new Array<Edge<T>>(size);
  for (let i = 0; i < size; i++) edges[i] = new Edge<T>(rows[i] as T, cursorOf);
  return new ConnectionOf(edges, new Page(edges, hasNextPage, page.after !== null), totalCount);
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
