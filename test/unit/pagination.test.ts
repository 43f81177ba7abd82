import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GraphQLError } from "graphql";
import { type Cursor, DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, MAX_PAGE_SIZE, type PageRequest, pageRequest, toConnection } from "../../src/common/pagination";

const invalid = (argument: string) => (error: unknown) => error instanceof GraphQLError && error.extensions.code === "INVALID_INPUT" && error.extensions.argument === argument;

interface Row {
  at: number;
  id: string;
}
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ at: 1000 - i, id: `r${i}` }));
const cursorOf = (row: Row): Cursor => ({ key: row.at, id: row.id });

describe("keyset pagination (common/pagination.ts)", () => {
  it("cursors round-trip numeric and string keys, opaquely", () => {
    for (const cursor of [{ key: 1_780_000_000_123, id: "9f0c" }, { key: "Zoë ☃", id: "" }, { key: 0, id: "a\"b,c" }, { key: -5.5, id: "x" }]) {
      const encoded = encodeCursor(cursor);
      assert.match(encoded, /^[A-Za-z0-9_-]*$/, "URL-safe");
      assert.deepEqual(decodeCursor(encoded), cursor);
    }
  });

  it("anything not issued is INVALID_INPUT on `after`", () => {
    const bad = [
      "",
      "not a cursor",
      Buffer.from("[1]").toString("base64url"),
      Buffer.from('[1,2]').toString("base64url"),
      Buffer.from('[null,"x"]').toString("base64url"),
      Buffer.from('{"key":1,"id":"x"}').toString("base64url"),
      Buffer.from('[1,"x",3]').toString("base64url"),
      encodeCursor({ key: "k".repeat(300), id: "x" }),
    ];
    for (const value of bad) assert.throws(() => decodeCursor(value), invalid("after"), JSON.stringify(value));
  });

  it("page requests: default and bounded size, decoded cursor", () => {
    assert.deepEqual(pageRequest({}), { limit: DEFAULT_PAGE_SIZE, after: null });
    assert.deepEqual(pageRequest({ first: 0 }), { limit: 0, after: null });
    assert.deepEqual(pageRequest({ first: MAX_PAGE_SIZE, after: encodeCursor({ key: 3, id: "r" }) }), { limit: MAX_PAGE_SIZE, after: { key: 3, id: "r" } });
    for (const first of [-1, MAX_PAGE_SIZE + 1, 1.5]) assert.throws(() => pageRequest({ first }), invalid("first"), String(first));
    assert.throws(() => pageRequest({ first: 5, after: "junk" }), invalid("after"));
  });

  it("shapes a page from limit + 1 rows: edges, cursors, pageInfo", () => {
    const first: PageRequest = { limit: 3, after: null };
    const page = toConnection(rows(4), first, cursorOf, async () => 99);
    assert.deepEqual(page.edges.map((e) => e.node.id), ["r0", "r1", "r2"]);
    assert.deepEqual(page.edges.map((e) => decodeCursor(e.cursor)), [{ key: 1000, id: "r0" }, { key: 999, id: "r1" }, { key: 998, id: "r2" }]);
    const { hasNextPage, hasPreviousPage, startCursor, endCursor } = page.pageInfo;
    assert.deepEqual({ hasNextPage, hasPreviousPage, startCursor, endCursor }, { hasNextPage: true, hasPreviousPage: false, startCursor: page.edges[0].cursor, endCursor: page.edges[2].cursor });

    const last = toConnection(rows(2), { limit: 3, after: decodeCursor(page.pageInfo.endCursor!) }, cursorOf, async () => 99);
    assert.equal(last.edges.length, 2);
    assert.equal(last.pageInfo.hasNextPage, false);
    assert.equal(last.pageInfo.hasPreviousPage, true);

    const empty = toConnection([], { limit: 0, after: null }, cursorOf, async () => 0);
    assert.deepEqual(
      { hasNextPage: empty.pageInfo.hasNextPage, hasPreviousPage: empty.pageInfo.hasPreviousPage, startCursor: empty.pageInfo.startCursor, endCursor: empty.pageInfo.endCursor },
      { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    );
    const zero = toConnection(rows(1), { limit: 0, after: null }, cursorOf, async () => 7);
    assert.deepEqual([zero.edges.length, zero.pageInfo.hasNextPage], [0, true], "first: 0 still tells whether rows exist");
  });

  it("counts only when totalCount is read, and once", async () => {
    let counted = 0;
    const page = toConnection(rows(2), { limit: 5, after: null }, cursorOf, async () => (counted += 1, 42));
    assert.equal(counted, 0);
    assert.equal(await page.totalCount, 42);
    assert.equal(await page.totalCount, 42);
    assert.equal(counted, 1);
  });
});
