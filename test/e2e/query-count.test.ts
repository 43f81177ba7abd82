import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTenant, dataOf, type FixtureTenant } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";

const READ = `query($groups: Int!, $members: Int!) { myGroups(first: $groups) { edges { node {
  owner { displayName } members(first: $members) { edges { node { user { displayName } } } } } } } }`;

describe(`N+1-free reads (${engine})`, () => {
  let server: TestServer;
  let t: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    t = await createTenant(server, { users: 30, policyOverrides: { dailyGroupCreationLimit: 1000 } });
    const [viewer, ...others] = t.users;
    // 50 groups the viewer is in, with different owners and 25 members each.
    for (let i = 0; i < 50; i++) {
      const owner = others[i % others.length];
      const members = [viewer, ...others.filter((u) => u !== owner)].slice(0, 24);
      await createGroup(server, owner, members, { name: `Group ${i}` });
    }
  });
  after(() => server.close());

  /**
   * Statements one read issues. The smallest of three tries: authentication is cached for 5 s, and
   * a try that happens to straddle the cache's expiry also counts the re-authentication.
   */
  async function statementsFor(groups: number, members: number): Promise<{ count: number; data: any }> {
    const counter = server.server.app.db.queries;
    let best: { count: number; data: any } | null = null;
    for (let i = 0; i < 3; i++) {
      const before = counter.count;
      const data = dataOf(await server.gql(READ, { groups, members }, t.users[0].token));
      const count = counter.count - before;
      if (!best || count < best.count) best = { count, data };
    }
    return best!;
  }

  it("myGroups → owner, members → user runs a fixed number of SQL statements whatever the page sizes", async () => {
    await statementsFor(1, 1); // warm the authentication cache: the figure below is the read itself
    const small = await statementsFor(2, 1);
    const large = await statementsFor(50, 20);
    const mixed = await statementsFor(25, 7);
    assert.equal(large.data.myGroups.edges.length, 50);
    assert.ok(large.data.myGroups.edges.every((e: any) => e.node.members.edges.length === 20 && e.node.owner.displayName));
    assert.equal(small.data.myGroups.edges.length, 2);
    assert.equal(large.count, small.count, `${large.count} statements for 50×20 vs ${small.count} for 2×1`);
    assert.equal(mixed.count, small.count);
    // Groups with their owners, then the members page (authentication is cached; the caller's
    // membership of each group is proven by the list itself).
    assert.ok(large.count <= 2, `${large.count} statements`);
    console.log(`statements per request: ${large.count}`);
  });
});
