import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTenant, dataOf, type FixtureTenant } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { engine, serverMode, startTestServer, type TestServer } from "../support/server";

/*
 * The read path reads only the columns a selection needs (projection) and picks the form of the
 * members statement by group size (ROW_NUMBER() for small groups, a UNION ALL range for large
 * ones). Whatever the selection, the answer must be the one a full read gives.
 */
const MEMBER_FIELDS = `id role joinedAt mutedNotifications mutedUntil joinSource { kind } group { id } user { id displayName externalId createdAt }`;
const FULL = `query($take: Int!) { myGroups(first: 10) { edges { cursor node { id name memberCount maxMembers
  owner { id displayName externalId createdAt } viewerMembership { role }
  members(first: $take) { totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { ${MEMBER_FIELDS} } } } } } } }`;

/** `value` reduced to the shape of `shape` (the fields a narrower query selected). */
function pick(value: any, shape: any): any {
  if (Array.isArray(shape)) return (value as any[]).map((v, i) => pick(v, shape[i] ?? shape[0]));
  if (shape === null || typeof shape !== "object") return value;
  return Object.fromEntries(Object.keys(shape).map((k) => [k, value === null ? null : pick(value[k], shape[k])]));
}

describe(`read projection: every selection answers as a full read (${engine}, ${serverMode})`, () => {
  let server: TestServer;
  let t: FixtureTenant;
  const full = new Map<number, any>();
  const read = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await server.gql(query, variables, t.users[0]!.token));

  before(async () => {
    server = await startTestServer();
    t = await createTenant(server, { users: 30, policyOverrides: { dailyGroupCreationLimit: 1000 } });
    const [viewer, ...others] = t.users;
    // Groups of 3, 12 and 25 members, owned by different people: with `first: 2` (3 rows read) the
    // 25 (and 12) fall in UNION ALL ranges, with `first: 10` all but the 25 in the window form.
    await createGroup(server, others[0]!, [viewer!, others[1]!], { name: "Three" });
    await createGroup(server, others[2]!, [viewer!, ...others.slice(3, 13)], { name: "Twelve" });
    await createGroup(server, others[3]!, [viewer!, ...others.filter((_, i) => i !== 3).slice(0, 23)], { name: "Twenty-five" });
    for (const take of [0, 2, 10, 30]) full.set(take, await read(FULL, { take }));
  });
  after(() => server.close());

  const narrow: Array<[string, string]> = [
    ["user names only (the benchmark's read)", `members(first: $take) { edges { node { user { displayName } } } }`],
    ["member ids", `members(first: $take) { edges { node { id } } }`],
    ["user ids", `members(first: $take) { edges { node { user { id } } } }`],
    ["cursors only", `members(first: $take) { edges { cursor } pageInfo { endCursor hasNextPage } }`],
    ["roles and join sources", `members(first: $take) { edges { node { role joinSource { kind } group { id } } } }`],
    ["a fragment and an inline fragment", `members(first: $take) { edges { node { ...M ... on Member { joinedAt user { externalId } } } } }`],
    ["everything", `members(first: $take) { totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { ${MEMBER_FIELDS} } } }`],
  ];
  for (const [name, members] of narrow) {
    it(`${name}: equal to the full read for pages of 0, 2, 10 and 30`, async () => {
      const fragment = members.includes("...M") ? " fragment M on Member { role user { displayName } }" : "";
      for (const take of [0, 2, 10, 30]) {
        const query = `query($take: Int!) { myGroups(first: 10) { edges { node { owner { displayName } ${members} } } } }${fragment}`;
        const got = await read(query, { take });
        assert.equal(got.myGroups.edges.length, 3);
        assert.deepEqual(got, pick(full.get(take), got), `${name}, first: ${take}`);
      }
    });
  }

  it("two page sizes in one request (window and UNION ALL forms side by side) answer as separate reads", async () => {
    const got = await read(`{ myGroups(first: 10) { edges { node { owner { id } a: members(first: 2) { edges { node { ${MEMBER_FIELDS} } } } b: members(first: 10) { edges { cursor node { user { id displayName } } } } } } } }`);
    got.myGroups.edges.forEach((edge: any, i: number) => {
      assert.deepEqual(edge.node.a, pick(full.get(2).myGroups.edges[i].node.members, edge.node.a));
      assert.deepEqual(edge.node.b, pick(full.get(10).myGroups.edges[i].node.members, edge.node.b));
      assert.deepEqual(edge.node.owner, pick(full.get(2).myGroups.edges[i].node.owner, edge.node.owner));
    });
  });

  it("members pages read along with myGroups answer only their own field: the same group elsewhere in the request, and a later page, run their own reads", async () => {
    const ids = full.get(0).myGroups.edges.map((e: any) => e.node.id);
    for (const id of ids) {
      // The group is read whole by myGroups (shared with group(id:) through the request's loader), its first 10 members along with it.
      const got = await read(
        `query($id: ID!) { myGroups(first: 10) { edges { node { id name members(first: 10) { edges { cursor node { user { displayName } } } } } } }
           group(id: $id) { members(first: 2) { pageInfo { hasNextPage } edges { node { id } } } } }`,
        { id },
      );
      const i = ids.indexOf(id);
      assert.deepEqual(got.myGroups.edges[i].node.members, pick(full.get(10).myGroups.edges[i].node.members, got.myGroups.edges[i].node.members));
      assert.deepEqual(got.group.members, pick(full.get(2).myGroups.edges[i].node.members, got.group.members));
    }
    // A page after a cursor below myGroups is its resolver's (keyset) read.
    const second = await read(`query($after: String) { myGroups(first: 10) { edges { node { members(first: 2, after: $after) { edges { node { id } } } } } } }`, {
      after: full.get(2).myGroups.edges[2].node.members.pageInfo.endCursor,
    });
    assert.deepEqual(
      second.myGroups.edges[2].node.members.edges.map((e: any) => e.node.id),
      full.get(30).myGroups.edges[2].node.members.edges.slice(2, 4).map((e: any) => e.node.id),
    );
  });

  it("a members page out of range below myGroups is refused at each group's members field, as its resolver refuses it", async () => {
    // One members field: compiled as a property read of the page read along (group.resolver.ts, membersReadAlong);
    // with a second one the resolver runs for each group. Both answer the same errors at the same paths.
    const along = await server.gql(`{ myGroups(first: 10) { edges { node { id members(first: -1) { edges { node { id } } } } } } }`, {}, t.users[0]!.token);
    const resolved = await server.gql(`{ myGroups(first: 10) { edges { node { id members(first: -1) { edges { node { id } } } other: members(first: 1) { edges { node { id } } } } } } }`, {}, t.users[0]!.token);
    const errorsOf = (body: any, field: string) =>
      body.errors.filter((e: any) => e.path.at(-1) === field).map((e: any) => ({ message: e.message, path: e.path, code: e.extensions?.code }));
    assert.equal(along.errors?.length, 3);
    assert.deepEqual(errorsOf(along, "members"), errorsOf(resolved, "members"));
    assert.ok(errorsOf(along, "members").every((e: any) => e.code === "INVALID_INPUT" && /first/.test(e.message)), JSON.stringify(along.errors));
    assert.deepEqual(along.data.myGroups.edges.map((e: any) => e.node.members), [null, null, null]);
  });

  it("the first page is in the same order as paging through with cursors (keyset path)", async () => {
    const first = full.get(30).myGroups.edges;
    for (const edge of first) {
      const ids: string[] = [];
      let after: string | null = null;
      do {
        // Users come along on later pages too (Member.user is then a property read: graphql/preloaded.ts).
        const page: any = (await read(`query($id: ID!, $after: String) { group(id: $id) { members(first: 4, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id who: user { id displayName } } } } } }`, { id: edge.node.id, after })).group.members;
        ids.push(...page.edges.map((e: any) => e.node.id));
        for (const e of page.edges) {
          const expected = edge.node.members.edges.find((f: any) => f.node.id === e.node.id)?.node.user;
          assert.deepEqual(e.node.who, { id: expected?.id, displayName: expected?.displayName });
        }
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      assert.deepEqual(ids, edge.node.members.edges.map((e: any) => e.node.id), edge.node.name);
      assert.equal(ids.length, edge.node.memberCount);
    }
  });

  it("myGroups pages with its cursors as the full read does", async () => {
    const all = full.get(0).myGroups.edges.map((e: any) => e.node.id);
    const one = (await read(`{ myGroups(first: 1) { pageInfo { endCursor } edges { node { id } } } }`)).myGroups;
    const rest = (await read(`query($after: String) { myGroups(first: 10, after: $after) { edges { node { id owner { displayName } } } } }`, { after: one.pageInfo.endCursor })).myGroups;
    assert.deepEqual([one.edges[0].node.id, ...rest.edges.map((e: any) => e.node.id)], all);
  });
});
