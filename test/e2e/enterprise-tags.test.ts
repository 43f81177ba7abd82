import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, errorCodes, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const SET_TAGS = `mutation($input: SetUserTagsInput!) { setUserTags(input: $input) { user { id tags } userErrors { code message field } } }`;
const TAGS_OF = `query($id: ID!) { node(id: $id) { ... on User { id tags } } }`;
const MEMBERS = `query($id: ID!, $tag: String, $after: String) { group(id: $id) { members(first: 2, after: $after, tag: $tag) { totalCount pageInfo { hasNextPage endCursor } edges { node { user { id tags } } } } } }`;
const STATS = `query($id: ID!) { group(id: $id) { stats { membersByTag { tag count } } } }`;
const CREATE_LIVE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id token tags } userErrors { code message field } } }`;
const UPDATE_LIVE = `mutation($input: UpdateLiveCodeInput!) { updateLiveCode(input: $input) { liveCode { id tags } userErrors { code message field } } }`;
const JOIN_LIVE = `mutation($input: JoinByLiveCodeInput!) { joinByLiveCode(input: $input) { group { id } userErrors { code message field } } }`;

describe(`member tags (${engine})`, () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  const setTags = async (tenant: FixtureTenant, user: FixtureUser, tags: string[]) =>
    dataOf(await server.gql(SET_TAGS, { input: { userId: user.id, tags } }, tenant.apiKey)).setUserTags;
  const tagsOf = async (token: string, user: FixtureUser) => dataOf(await server.gql(TAGS_OF, { id: user.id }, token)).node?.tags;

  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 8, plan: "ENTERPRISE_CERTIFIED", qualifications: { dataUsageRulesUrl: "https://corp.example/rules" } });
  });
  after(() => server.close());

  it("setUserTags replaces a user's tags (sorted, duplicates dropped); the tenant and the user see them, others do not", async () => {
    const [u0, u1] = a.users;
    assert.deepEqual(ok(await setTags(a, u0, ["vip", "beijing", "vip", " lead "])).user.tags, ["beijing", "lead", "vip"]);
    assert.deepEqual(ok(await setTags(a, u0, ["vip", "客户A"])).user.tags, ["vip", "客户A"]);
    assert.deepEqual(await tagsOf(a.apiKey, u0), ["vip", "客户A"]);
    assert.deepEqual(await tagsOf(u0.token, u0), ["vip", "客户A"]);
    assert.equal(await tagsOf(u1.token, u0), null, "another user of the tenant does not see them");
    assert.deepEqual(await tagsOf(a.apiKey, u1), []);
    assert.deepEqual(ok(await setTags(a, u0, [])).user.tags, []);
  });

  it("limits: at most 20 distinct tags of 1…32 characters, INVALID_INPUT naming the field, nothing written", async () => {
    const [u0] = a.users;
    ok(await setTags(a, u0, ["keep"]));
    const before = await snapshot(server);
    const cases: Array<[string[], string[]]> = [
      [Array.from({ length: 21 }, (_, i) => `t${i}`), ["input", "tags"]],
      [["ok", "x".repeat(33)], ["input", "tags", "1"]],
      [["ok", "  "], ["input", "tags", "1"]],
    ];
    for (const [tags, field] of cases) {
      const payload = await setTags(a, u0, tags);
      assert.deepEqual(payload.userErrors.map((e: any) => [e.code, e.field]), [["INVALID_INPUT", field]], JSON.stringify(tags));
    }
    assert.deepEqual(await snapshot(server), before);
    // 20 distinct tags (and duplicates beyond them) and a 32-character tag are fine.
    assert.equal(ok(await setTags(a, u0, [...Array.from({ length: 20 }, (_, i) => `t${i}`), "t0"])).user.tags.length, 20);
    ok(await setTags(a, u0, ["x".repeat(32)]));
  });

  it("is the tenant key's: users are NOT_PERMITTED, another tenant's user is NOT_FOUND", async () => {
    const before = await snapshot(server);
    assert.deepEqual(errorCodes(await server.gql(SET_TAGS, { input: { userId: a.users[1].id, tags: ["x"] } }, a.users[0].token)), ["NOT_PERMITTED"]);
    assert.deepEqual(codes(await setTags(b, a.users[1], ["x"])), ["NOT_FOUND"]);
    assert.deepEqual(await snapshot(server), before);
  });

  it("Group.members(tag:) filters and counts by tag, paged; stats count members by tag; per tenant", async () => {
    for (const tenant of [a, b]) {
      const [owner, m1, m2, m3, m4] = tenant.users;
      const { id } = await createGroup(server, owner, [m1, m2, m3, m4], { name: "Customers" });
      for (const [user, tags] of [[owner, ["staff"]], [m1, ["vip", "north"]], [m2, ["vip"]], [m3, ["vip", "north"]], [m4, []]] as const) {
        ok(await setTags(tenant, user, [...tags]));
      }
      const first = dataOf(await server.gql(MEMBERS, { id, tag: "vip" }, tenant.apiKey)).group.members;
      assert.equal(first.totalCount, 3);
      assert.deepEqual(first.edges.map((e: any) => e.node.user.id), [m1.id, m2.id]);
      assert.ok(first.pageInfo.hasNextPage);
      const rest = dataOf(await server.gql(MEMBERS, { id, tag: "vip", after: first.pageInfo.endCursor }, tenant.apiKey)).group.members;
      assert.deepEqual(rest.edges.map((e: any) => e.node.user.id), [m3.id]);
      assert.equal(rest.pageInfo.hasNextPage, false);
      const none = dataOf(await server.gql(MEMBERS, { id, tag: "nobody" }, tenant.apiKey)).group.members;
      assert.deepEqual([none.totalCount, none.edges.length], [0, 0]);
      assert.equal(dataOf(await server.gql(MEMBERS, { id }, tenant.apiKey)).group.members.totalCount, 5);
      assert.deepEqual(errorCodes(await server.gql(MEMBERS, { id, tag: "vip" }, owner.token)), ["NOT_PERMITTED"]);
      const stats = dataOf(await server.gql(STATS, { id }, tenant.apiKey)).group.stats.membersByTag;
      assert.deepEqual(stats, [
        { tag: "vip", count: 3 },
        { tag: "north", count: 2 },
        { tag: "staff", count: 1 },
      ]);
    }
  });

  it("a live code tags whoever joins through it, in the join's transaction, within the 20-tag limit", async () => {
    const [owner, , , , , j1, j2, j3] = a.users;
    const { id: groupId } = await createGroup(server, owner, [a.users[1], a.users[2]], { name: "Promo group" });
    const bad = dataOf(await server.gql(CREATE_LIVE, { input: { name: "Promo", groupIds: [groupId], tags: ["x".repeat(33)] } }, owner.token)).createLiveCode;
    assert.deepEqual(bad.userErrors.map((e: any) => [e.code, e.field]), [["INVALID_INPUT", ["input", "tags", "0"]]]);
    const code = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "Promo", groupIds: [groupId], tags: ["promo", "2026"] } }, owner.token)).createLiveCode).liveCode;
    assert.deepEqual(code.tags, ["promo", "2026"]);
    ok(await setTags(a, j1, ["vip"]));
    ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: code.token } }, j1.token)).joinByLiveCode);
    assert.deepEqual(await tagsOf(a.apiKey, j1), ["2026", "promo", "vip"]);
    // A user already holding 20 tags still joins; only what fits is added.
    ok(await setTags(a, j2, Array.from({ length: 19 }, (_, i) => `k${String(i).padStart(2, "0")}`)));
    ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: code.token } }, j2.token)).joinByLiveCode);
    const j2Tags = await tagsOf(a.apiKey, j2);
    assert.equal(j2Tags.length, 20);
    // Updating the code's tags applies to later joins; [] removes them.
    assert.deepEqual(ok(dataOf(await server.gql(UPDATE_LIVE, { input: { liveCodeId: code.id, tags: [] } }, owner.token)).updateLiveCode).liveCode.tags, []);
    ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: code.token } }, j3.token)).joinByLiveCode);
    assert.deepEqual(await tagsOf(a.apiKey, j3), []);
    // Tenant B's users are untouched.
    assert.deepEqual(await tagsOf(b.apiKey, b.users[5]), []);
  });

  it("concurrent joins through two tagging codes never take a user past 20 tags", async () => {
    const [owner, m1, m2] = b.users;
    const joiner = b.users[6];
    const { id: g1 } = await createGroup(server, owner, [m1, m2], { name: "Fair A" });
    const { id: g2 } = await createGroup(server, owner, [m1, m2], { name: "Fair B" });
    const first = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "A", groupIds: [g1], tags: ["a1", "a2"] } }, owner.token)).createLiveCode).liveCode;
    const second = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "B", groupIds: [g2], tags: ["b1", "b2"] } }, owner.token)).createLiveCode).liveCode;
    ok(await setTags(b, joiner, Array.from({ length: 18 }, (_, i) => `k${String(i).padStart(2, "0")}`)));
    const joins = await Promise.all([first, second].map((code) => server.gql(JOIN_LIVE, { input: { token: code.token } }, joiner.token)));
    for (const join of joins) ok(dataOf(join).joinByLiveCode);
    const tags: string[] = await tagsOf(b.apiKey, joiner);
    assert.equal(tags.length, 20);
    assert.equal(tags.filter((t) => !t.startsWith("k")).length, 2);
  });
});
