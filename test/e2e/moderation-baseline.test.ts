import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, errorCodes, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, mutate } from "../support/groups";
import { DEFAULT_PLATFORM_KEYWORDS, seedDemo } from "../../src/dev-seed";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const SET_PLATFORM = `mutation($input: SetPlatformModerationKeywordsInput!) { setPlatformModerationKeywords(input: $input) { keywords { term action list } userErrors { code message field } } }`;
const READ_PLATFORM = `query($list: PlatformKeywordList, $after: String) { platformModerationKeywords(list: $list, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { term action list } } } }`;
const SET_TENANT = `mutation($input: SetModerationKeywordsInput!) { setModerationKeywords(input: $input) { userErrors { code message field } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id status } userErrors { code message field } } }`;

describe("platform baseline moderation", () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  const setPlatform = async (keywords: Array<{ term: string; action: string }>, list?: string) =>
    ok(dataOf(await server.gql(SET_PLATFORM, { input: { keywords, ...(list ? { list } : {}) } }, server.platformToken)).setPlatformModerationKeywords);

  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 4, plan: "ENTERPRISE", qualifications: { dataUsageRulesUrl: "https://example.com/rules" }, policyOverrides: { dailyGroupCreationLimit: 100 } });
    await setPlatform([
      { term: "casino", action: "BLOCK" },
      { term: "赌博", action: "BLOCK" },
      { term: "lottery", action: "REVIEW" },
    ]);
    await setPlatform([{ term: "vape", action: "BLOCK" }], "MINOR_PROTECTION");
  });
  after(() => server.close());

  it("is the platform operator's: tenants and users are NOT_PERMITTED; bad terms are INVALID_INPUT and change nothing", async () => {
    for (const token of [a.apiKey, a.users[0].token]) {
      assert.deepEqual(errorCodes(await server.gql(SET_PLATFORM, { input: { keywords: [] } }, token)), ["NOT_PERMITTED"]);
      assert.deepEqual(errorCodes(await server.gql(READ_PLATFORM, {}, token)), ["NOT_PERMITTED"]);
    }
    const before = await snapshot(server);
    for (const [keywords, field] of [
      [[{ term: "", action: "BLOCK" }], ["input", "keywords", "0", "term"]],
      [[{ term: "ok", action: "BLOCK" }, { term: "...", action: "BLOCK" }], ["input", "keywords", "1", "term"]],
      [[{ term: "x".repeat(51), action: "REVIEW" }], ["input", "keywords", "0", "term"]],
    ] as const) {
      const payload = dataOf(await server.gql(SET_PLATFORM, { input: { keywords } }, server.platformToken)).setPlatformModerationKeywords;
      assert.deepEqual(payload.userErrors.map((e: any) => [e.code, e.field]), [["INVALID_INPUT", field]]);
    }
    assert.deepEqual(await snapshot(server), before);
  });

  it("reads each list back, paged", async () => {
    const first = dataOf(await server.gql(READ_PLATFORM, {}, server.platformToken)).platformModerationKeywords;
    assert.equal(first.totalCount, 3);
    assert.equal(first.edges.length, 2);
    const rest = dataOf(await server.gql(READ_PLATFORM, { after: first.pageInfo.endCursor }, server.platformToken)).platformModerationKeywords;
    const terms = [...first.edges, ...rest.edges].map((e: any) => `${e.node.list}:${e.node.term}:${e.node.action}`).sort();
    assert.deepEqual(terms, ["BASELINE:casino:BLOCK", "BASELINE:lottery:REVIEW", "BASELINE:赌博:BLOCK"]);
    const minor = dataOf(await server.gql(READ_PLATFORM, { list: "MINOR_PROTECTION" }, server.platformToken)).platformModerationKeywords;
    assert.deepEqual(minor.edges.map((e: any) => e.node.term), ["vape"]);
  });

  it("refuses group names in every tenant, through evasions, leaving only a risk event", async () => {
    for (const tenant of [a, b]) {
      const [owner, m1, m2] = tenant.users;
      for (const name of ["Casino night", "ＣＡＳＩＮＯ", "c a s i n o", "\u0441\u0430sin\u043e club", "c\u03b1sin\u03bf", "c\u0301asino", "cas\u200bino", "周末赌 博群"]) {
        const before = await snapshot(server, ["risk_events"]);
        const payload = await mutate(server, "createGroup", { name, memberIds: [m1.id, m2.id] }, owner.token);
        assert.deepEqual(codes(payload), ["CONTENT_BLOCKED"], name);
        assert.deepEqual(payload.userErrors[0].field, ["input", "name"]);
        assert.deepEqual(await snapshot(server, ["risk_events"]), before, name);
      }
      const events = dataOf(await server.gql(`{ riskEvents(first: 50) { edges { node { kind detail } } } }`, {}, tenant.apiKey)).riskEvents.edges;
      assert.ok(events.filter((e: any) => e.node.kind === "BLOCKED_CONTENT").length >= 8);
      // Ordinary names pass.
      await createGroup(server, owner, [m1, m2], { name: "Cassini mission fans" });
    }
  });

  it("holds REVIEW matches for the tenant's review, refuses messages and renames, and adds to the tenant's own list", async () => {
    ok(dataOf(await server.gql(SET_TENANT, { input: { keywords: [{ term: "crypto", action: "BLOCK" }] } }, a.apiKey)).setModerationKeywords);
    const [owner, m1, m2] = a.users;
    const held = await createGroup(server, owner, [m1, m2], { name: "L\u043ettery club" });
    assert.equal(held.group.status, "PENDING_REVIEW");
    const { id } = await createGroup(server, owner, [m1, m2], { name: "Book club" });
    for (const text of ["see you at the ｃａｓｉｎｏ", "c-a-s-i-n-o tonight", "crypto tips"]) {
      const sent = dataOf(await server.gql(SEND, { input: { groupId: id, text } }, m1.token)).sendMessage;
      assert.deepEqual(codes(sent), ["CONTENT_BLOCKED"], text);
      assert.deepEqual(sent.userErrors[0].field, ["input", "text"]);
    }
    assert.deepEqual(codes(await mutate(server, "renameGroup", { groupId: id, name: "Casino club" }, owner.token)), ["CONTENT_BLOCKED"]);
    assert.equal(ok(dataOf(await server.gql(SEND, { input: { groupId: id, text: "lottery results" } }, m1.token)).sendMessage).message.status, "PENDING_REVIEW");
    // Tenant B: the platform's terms, not tenant A's.
    const [bo, b1, b2] = b.users;
    const other = await createGroup(server, bo, [b1, b2], { name: "Crypto club" });
    assert.equal(other.group.status, "ACTIVE");
    assert.deepEqual(codes(dataOf(await server.gql(SEND, { input: { groupId: other.id, text: "赌博" } }, b1.token)).sendMessage), ["CONTENT_BLOCKED"]);
  });

  it("a new list takes effect at once, and replaces the old one", async () => {
    const [owner, m1, m2] = a.users;
    await setPlatform([{ term: "poker", action: "BLOCK" }]);
    assert.deepEqual(codes(await mutate(server, "createGroup", { name: "P\u043eker night", memberIds: [m1.id, m2.id] }, owner.token)), ["CONTENT_BLOCKED"]);
    const casino = await createGroup(server, owner, [m1, m2], { name: "Casino night" });
    assert.equal(casino.group.status, "ACTIVE");
    await setPlatform([
      { term: "casino", action: "BLOCK" },
      { term: "赌博", action: "BLOCK" },
      { term: "lottery", action: "REVIEW" },
    ]);
  });

  it("a list changed through one instance is applied at once by another (cached matchers follow the list's version)", async () => {
    const other = await startTestServer({ databaseUrl: server.databaseUrl, platformToken: server.platformToken });
    try {
      const [owner, m1, m2] = a.users;
      const attempt = async (name: string) => codes(await mutate(other, "createGroup", { name, memberIds: [m1.id, m2.id] }, owner.token));
      assert.deepEqual(await attempt("Casino club"), ["CONTENT_BLOCKED"]); // the other instance builds and caches its matchers
      assert.deepEqual(await attempt("Bingo club"), []);
      await setPlatform([{ term: "bingo", action: "BLOCK" }]);
      assert.deepEqual(await attempt("Bıngo club"), ["CONTENT_BLOCKED"]);
      assert.deepEqual(await attempt("Casino club"), []);
      ok(dataOf(await server.gql(SET_TENANT, { input: { keywords: [{ term: "poker", action: "BLOCK" }] } }, a.apiKey)).setModerationKeywords);
      assert.deepEqual(await attempt("Poker club"), ["CONTENT_BLOCKED"]);
    } finally {
      await other.close();
      await setPlatform([
        { term: "casino", action: "BLOCK" },
        { term: "赌博", action: "BLOCK" },
        { term: "lottery", action: "REVIEW" },
      ]);
    }
  });

  it("EDUCATION groups are screened against the minor-protection list too; others are not", async () => {
    for (const tenant of [a, b]) {
      const [owner, m1, m2] = tenant.users;
      const edu = { category: "EDUCATION", minorProtection: true } as const;
      const before = await snapshot(server, ["risk_events"]);
      assert.deepEqual(codes(await mutate(server, "createGroup", { name: "V\u0430pe free class", memberIds: [m1.id, m2.id], ...edu }, owner.token)), ["CONTENT_BLOCKED"]);
      assert.deepEqual(await snapshot(server, ["risk_events"]), before);
      const general = await createGroup(server, owner, [m1, m2], { name: "Vape shop owners" });
      assert.equal(general.group.status, "ACTIVE");
      const school = await createGroup(server, owner, [m1, m2], { name: "Class 3B", ...edu });
      assert.deepEqual(codes(dataOf(await server.gql(SEND, { input: { groupId: school.id, text: "v a p e" } }, m1.token)).sendMessage), ["CONTENT_BLOCKED"]);
      assert.deepEqual(codes(await mutate(server, "renameGroup", { groupId: school.id, name: "Vape talk" }, owner.token)), ["CONTENT_BLOCKED"]);
      ok(dataOf(await server.gql(SEND, { input: { groupId: general.id, text: "vape" } }, m1.token)).sendMessage);
      ok(dataOf(await server.gql(SEND, { input: { groupId: school.id, text: "homework due friday" } }, m1.token)).sendMessage);
    }
  });
});

describe("the development seed's default platform lists", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("writes a small default for each list while it was never set, and leaves an operator's list alone", async () => {
    const read = async (list: string) =>
      dataOf(await server.gql(`query($list: PlatformKeywordList) { platformModerationKeywords(list: $list, first: 100) { edges { node { term action } } } }`, { list }, server.platformToken))
        .platformModerationKeywords.edges.map((e: any) => e.node.term)
        .sort();
    await seedDemo(server.server.app);
    for (const list of ["BASELINE", "MINOR_PROTECTION"] as const) {
      assert.deepEqual(await read(list), DEFAULT_PLATFORM_KEYWORDS[list].map((k) => k.term).sort());
    }
    ok(dataOf(await server.gql(SET_PLATFORM, { input: { keywords: [{ term: "operator's own", action: "BLOCK" }] } }, server.platformToken)).setPlatformModerationKeywords);
    await seedDemo(server.server.app);
    assert.deepEqual(await read("BASELINE"), ["operator's own"]);
  });
});
