import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, errorCodes, type FixtureTenant, twoTenants } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

describe("query cost, depth, alias and size limits", () => {
  let server: TestServer;
  let a: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    [a] = await twoTenants(server, { users: 3 });
  });
  after(() => server.close());

  it("reports each operation's cost in extensions.cost, connections priced by `first`", async () => {
    const small = await server.gql(`{ myGroups(first: 5) { edges { node { name } } } }`, {}, a.users[0].token);
    const large = await server.gql(`{ myGroups(first: 50) { edges { node { name } } } }`, {}, a.users[0].token);
    const nested = await server.gql(`{ myGroups(first: 50) { edges { node { name members(first: 20) { edges { node { user { displayName } } } } } } } }`, {}, a.users[0].token);
    const cost = (r: any) => r.extensions.cost.requestedQueryCost;
    assert.equal((small.extensions as any).cost.maximumAvailable, 10_000);
    assert.ok(cost(small) < cost(large), "a bigger page costs more");
    assert.ok(cost(nested) > 20 * cost(large) / 2, "a nested connection multiplies");
    const mutation = await server.gql(`mutation { setMuteNotifications(input: { groupId: "x", muted: true }) { userErrors { code } } }`, {}, a.users[0].token);
    assert.ok(cost(mutation) >= 10, "mutations start at 10");
  });

  it("refuses an operation above the maximum cost before running it (QUERY_TOO_COMPLEX, 400)", async () => {
    const before = server.server.app.db.queries.count;
    const response = await server.gql(
      `{ myGroups(first: 100) { edges { node { members(first: 100) { edges { node { user { contacts(first: 100) { totalCount } } } } } } } } }`,
      {},
      a.users[0].token,
    );
    assert.equal(response.status, 400);
    assert.deepEqual(errorCodes(response), ["QUERY_TOO_COMPLEX"]);
    assert.ok((response.errors![0].extensions as any).cost.requestedQueryCost > 10_000);
    assert.equal(server.server.app.db.queries.count, before, "nothing ran");
  });

  it("limits depth, aliases and document size", async () => {
    let deep = "id";
    for (let i = 0; i < 20; i++) deep = `owner { ${i % 2 ? "id" : ""} contacts(first: 1) { edges { node { ${deep} } } } }`;
    const tooDeep = await server.gql(`{ myGroups(first: 1) { edges { node { ${deep} } } } }`, {}, a.users[0].token);
    assert.equal(tooDeep.status, 400);
    assert.deepEqual([...new Set(errorCodes(tooDeep))], ["GRAPHQL_VALIDATION_FAILED"]);
    assert.match(tooDeep.errors![0].message, /depth/i);

    const aliases = Array.from({ length: 40 }, (_, i) => `v${i}: viewer { id }`).join(" ");
    const tooManyAliases = await server.gql(`{ ${aliases} }`, {}, a.users[0].token);
    assert.deepEqual([...new Set(errorCodes(tooManyAliases))], ["GRAPHQL_VALIDATION_FAILED"]);
    const fine = await server.gql(`{ ${Array.from({ length: 5 }, (_, i) => `v${i}: viewer { id }`).join(" ")} }`, {}, a.users[0].token);
    assert.equal(dataOf(fine).v4.id, a.users[0].id);

    const huge = await server.gql(`{ viewer { ${"id ".repeat(6000)} } }`, {}, a.users[0].token);
    assert.equal(huge.status, 400);
    assert.deepEqual(errorCodes(huge), ["GRAPHQL_PARSE_FAILED"]);
  });
});
