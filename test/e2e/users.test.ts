import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { VariablesOf } from "@graphql-typed-document-node/core";
import {
  type AddContactsInput,
  AddContactPairsDocument,
  FixtureUpsertUsersDocument,
  NodeIdDocument,
  type UpsertUsersInput,
  UserContactsDocument,
  type UserContactsQuery,
  UserNodeDocument,
  UsersByExternalIdDocument,
  ViewerContactsDocument,
} from "../generated/graphql";
import { addContacts, dataOf, errorCodes, ok, twoTenants, type FixtureTenant } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

const UPSERT = FixtureUpsertUsersDocument;
const ADD_CONTACTS = AddContactPairsDocument;
const CONTACTS = UserContactsDocument;

describe("users and contacts", () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  const count = async (table: string) => Number((await server.sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 3, allContacts: false });
  });
  after(() => server.close());

  it("upsertUsers is idempotent on externalId and renames in place", async () => {
    const input = { users: [{ externalId: "ext-1", displayName: "Zhang Wei" }, { externalId: "ext-2", displayName: "李娜 🌸" }] };
    const first = ok(dataOf(await server.gql(UPSERT, { input }, a.apiKey)).upsertUsers);
    const second = ok(dataOf(await server.gql(UPSERT, { input }, a.apiKey)).upsertUsers);
    assert.deepEqual(second.users, first.users);
    assert.equal(first.users![1].displayName, "李娜 🌸");
    const renamed = ok(dataOf(await server.gql(UPSERT, { input: { users: [{ externalId: "ext-1", displayName: "  Wei Zhang " }] } }, a.apiKey)).upsertUsers);
    assert.deepEqual(renamed.users![0], { ...first.users![0], displayName: "Wei Zhang" });
    // The same externalId in another tenant is another user.
    const other = ok(dataOf(await server.gql(UPSERT, { input }, b.apiKey)).upsertUsers);
    assert.notEqual(other.users![0].id, first.users![0].id);
    assert.equal(Number((await server.sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM users WHERE external_id = 'ext-1'"))[0].n), 2);
  });

  it("externalIds are case-sensitive on every engine", async () => {
    const payload = ok(dataOf(await server.gql(UPSERT, { input: { users: [{ externalId: "Case", displayName: "Upper" }, { externalId: "case", displayName: "Lower" }] } }, a.apiKey)).upsertUsers);
    assert.notEqual(payload.users![0].id, payload.users![1].id);
  });

  it("refuses bad user input with the offending field and writes nothing", async () => {
    const before = await count("users");
    const cases: Array<[UpsertUsersInput, string[]]> = [
      [{ users: [] }, ["input", "users"]],
      [{ users: [{ externalId: "ok", displayName: "" }] }, ["input", "users", "0", "displayName"]],
      [{ users: [{ externalId: "ok", displayName: "y".repeat(10_000) }] }, ["input", "users", "0", "displayName"]],
      [{ users: [{ externalId: "", displayName: "Empty" }] }, ["input", "users", "0", "externalId"]],
      [{ users: [{ externalId: "has space", displayName: "Space" }] }, ["input", "users", "0", "externalId"]],
      [{ users: [{ externalId: "z".repeat(10_000), displayName: "Long" }] }, ["input", "users", "0", "externalId"]],
      [{ users: [{ externalId: "good", displayName: "Good" }, { externalId: "bad", displayName: "\u202eevil" }] }, ["input", "users", "1", "displayName"]],
      [{ users: [{ externalId: "dup", displayName: "One" }, { externalId: "dup", displayName: "Two" }] }, ["input", "users", "1", "externalId"]],
      [{ users: Array.from({ length: 501 }, (_, i) => ({ externalId: `bulk${i}`, displayName: "Bulk" })) }, ["input", "users"]],
    ];
    for (const [input, field] of cases) {
      const payload = dataOf(await server.gql(UPSERT, { input }, a.apiKey)).upsertUsers;
      assert.equal(payload.users, null);
      assert.equal(payload.userErrors[0].code, "INVALID_INPUT");
      assert.deepEqual(payload.userErrors[0].field, field);
    }
    assert.equal(await count("users"), before, "a refused batch writes no user at all");
  });

  it("wrong scalar types are GraphQL validation errors, never 500s", async () => {
    // Deliberately ill-typed variables: the compiler would refuse them.
    const wrongType = await server.gql(UPSERT, { input: { users: [{ externalId: 42, displayName: ["x"] }] } } as unknown as VariablesOf<typeof UPSERT>, a.apiKey);
    assert.equal(wrongType.status, 400);
    assert.deepEqual([...new Set(errorCodes(wrongType))], ["BAD_USER_INPUT"]);
    const literal = await server.gql(`{ tenants(first: "ten") { totalCount } }`, {}, server.platformToken);
    assert.equal(literal.status, 400);
    assert.deepEqual(errorCodes(literal), ["GRAPHQL_VALIDATION_FAILED"]);
    const unknownField = await server.gql(`{ viewer { password } }`, {}, a.users[0].token);
    assert.deepEqual(errorCodes(unknownField), ["GRAPHQL_VALIDATION_FAILED"]);
    const syntax = await server.gql(`{ viewer { id `, {}, a.users[0].token);
    assert.deepEqual(errorCodes(syntax), ["GRAPHQL_PARSE_FAILED"]);
    for (const response of [wrongType, literal, unknownField, syntax]) {
      assert.ok(!JSON.stringify(response).match(/stacktrace|at [A-Za-z]+ \(/), "no stack traces");
    }
  });

  it("addContacts is symmetric and idempotent", async () => {
    const [u1, u2, u3] = a.users;
    const input = { pairs: [{ userId: u1.id, contactId: u2.id }, { userId: u3.id, contactId: u1.id }] };
    const payload = ok(dataOf(await server.gql(ADD_CONTACTS, { input }, a.apiKey)).addContacts);
    assert.deepEqual(payload.pairs, [{ user: { id: u1.id }, contact: { id: u2.id } }, { user: { id: u3.id }, contact: { id: u1.id } }]);
    const rows = await count("contacts");
    ok(dataOf(await server.gql(ADD_CONTACTS, { input }, a.apiKey)).addContacts);
    ok(dataOf(await server.gql(ADD_CONTACTS, { input: { pairs: [{ userId: u2.id, contactId: u1.id }] } }, a.apiKey)).addContacts);
    assert.equal(await count("contacts"), rows, "repeating a pair adds nothing");

    const ofU2 = dataOf(await server.gql(CONTACTS, { id: u2.id }, a.apiKey)).node!.contacts!;
    assert.deepEqual(ofU2.edges.map((e) => e.node.id), [u1.id]);
    const ofU1 = dataOf(await server.gql(ViewerContactsDocument, {}, u1.token)).viewer!.contacts!;
    assert.equal(ofU1.totalCount, 2);
    assert.deepEqual(new Set(ofU1.edges.map((e) => e.node.id)), new Set([u2.id, u3.id]));
  });

  it("refuses self-contacts, unknown and foreign users, and writes nothing", async () => {
    const before = await count("contacts");
    const [u1, u2] = a.users;
    const cases: Array<[AddContactsInput, string, string[]]> = [
      [{ pairs: [{ userId: u1.id, contactId: u1.id }] }, "INVALID_INPUT", ["input", "pairs", "0", "contactId"]],
      [{ pairs: [{ userId: u1.id, contactId: u2.id }, { userId: u1.id, contactId: b.users[0].id }] }, "NOT_FOUND", ["input", "pairs", "1", "contactId"]],
      [{ pairs: [{ userId: "garbage", contactId: u2.id }] }, "NOT_FOUND", ["input", "pairs", "0", "userId"]],
      [{ pairs: [{ userId: a.id, contactId: u2.id }] }, "NOT_FOUND", ["input", "pairs", "0", "userId"]],
      [{ pairs: [] }, "INVALID_INPUT", ["input", "pairs"]],
    ];
    for (const [input, code, field] of cases) {
      const payload = dataOf(await server.gql(ADD_CONTACTS, { input }, a.apiKey)).addContacts;
      assert.equal(payload.pairs, null);
      assert.deepEqual(payload.userErrors.map((e) => [e.code, e.field]), [[code, field]]);
    }
    assert.equal(await count("contacts"), before);
  });

  it("pages through contacts with cursors and bounds `first`", async () => {
    const [hub, ...rest] = b.users;
    const extra = ok(
      dataOf(await server.gql(UPSERT, { input: { users: Array.from({ length: 7 }, (_, i) => ({ externalId: `friend${i}`, displayName: `Friend ${i}` })) } }, b.apiKey)).upsertUsers,
    ).users!;
    await addContacts(server, b, [...rest, ...extra].map((c) => [hub, { ...c, token: "" }]));
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: UserContactsQuery = dataOf(await server.gql(CONTACTS, { id: hub.id, first: 3, after }, b.apiKey));
      const conn = data.node!.contacts!;
      assert.equal(conn.totalCount, 9);
      seen.push(...conn.edges.map((e) => e.node.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 9);
    assert.deepEqual(errorCodes(await server.gql(CONTACTS, { id: hub.id, first: 101 }, b.apiKey)), ["INVALID_INPUT"]);
    assert.deepEqual(errorCodes(await server.gql(CONTACTS, { id: hub.id, first: -1 }, b.apiKey)), ["INVALID_INPUT"]);
    assert.equal(dataOf(await server.gql(CONTACTS, { id: hub.id, first: 0 }, b.apiKey)).node!.contacts!.edges.length, 0);
  });

  it("node(id:) is scoped to the caller's tenant: anything else is null, with no error (Relay)", async () => {
    const own = dataOf(await server.gql(UserNodeDocument, { id: a.users[0].id }, a.apiKey));
    assert.equal(own.node!.id, a.users[0].id);
    for (const id of [b.users[0].id, b.id, "bm9wZQ", "", "VXNlcjoxMjM", "x".repeat(5000)]) {
      const response = await server.gql(`query($id: ID!) { node(id: $id) { id } viewer: node(id: "${a.users[0].id}") { id } }`, { id }, a.apiKey);
      assert.equal(response.status, 200, id.slice(0, 20));
      assert.deepEqual(errorCodes(response), [], id.slice(0, 20));
      assert.deepEqual(response.data, { node: null, viewer: { id: a.users[0].id } }, "one unknown id does not blank the response");
    }
    // The tenant's own Tenant node is visible; the platform sees every tenant.
    assert.equal(dataOf(await server.gql(NodeIdDocument, { id: a.id }, a.users[0].token)).node!.id, a.id);
    assert.equal(dataOf(await server.gql(NodeIdDocument, { id: b.id }, server.platformToken)).node!.id, b.id);
  });

  it("a user sees their own contacts but not another user's", async () => {
    const [u1, u2] = a.users;
    const response = dataOf(await server.gql(CONTACTS, { id: u2.id }, u1.token));
    assert.equal(response.node!.contacts, null);
  });

  it("lists the tenant's users, filtered by externalId", async () => {
    const page = dataOf(await server.gql(UsersByExternalIdDocument, {}, a.apiKey)).users;
    assert.equal(page.totalCount, 2);
    assert.deepEqual(page.edges.map((e) => e.node.externalId).sort(), ["u1", "u3"]);
  });
});
