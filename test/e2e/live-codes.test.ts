import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { type CreateLiveCodeInput, CreateLiveDocument, JoinLiveDocument, LiveCodeGroupsDocument, LiveCodeJoinsDocument, LiveCodeWithStatsDocument, UpdateLiveDocument } from "../generated/graphql";
import { addContacts, createTenant, dataOf, errorCodes, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup, membersOf, mutate } from "../support/groups";
import { decodeQrSvg } from "../support/qr";
import { engine, startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const CREATE = CreateLiveDocument;
const UPDATE = UpdateLiveDocument;
const JOIN = JoinLiveDocument;
const RULES = { dataUsageRulesUrl: "https://corp.example/rules" };

describe(`live codes (${engine})`, () => {
  const clock = new ManualClock(Date.parse("2026-06-01T00:00:00Z"));
  let server: TestServer;
  let ent: FixtureTenant;
  let creator: FixtureUser;
  before(async () => {
    server = await startTestServer({ clock });
    ent = await createTenant(server, { plan: "ENTERPRISE", users: 24, allContacts: false, qualifications: RULES });
    creator = ent.users[0];
    await addContacts(server, ent, ent.users.slice(1, 6).map((u) => [creator, u]));
  });
  after(() => server.close());

  const join = async (token: string, user: FixtureUser) => dataOf(await server.gql(JOIN, { input: { token } }, user.token)).joinByLiveCode;

  it("is not part of the personal plan (FEATURE_NOT_IN_PLAN)", async () => {
    const personal = await createTenant(server, { users: 3 });
    const g = await createGroup(server, personal.users[0], personal.users.slice(1));
    const payload = dataOf(await server.gql(CREATE, { input: { name: "Promo", groupIds: [g.id] } }, personal.users[0].token)).createLiveCode;
    assert.deepEqual(codes(payload), ["FEATURE_NOT_IN_PLAN"]);
  });

  it("fills groups in order, opens '<baseName> <n>' when all are full, inheriting admins and the welcome message", async () => {
    const [, a1, a2, m1, m2] = ent.users;
    const g1 = await createGroup(server, creator, [a1, m1], { name: "Fans 1" });
    ok(await mutate(server, "setMemberRole", { groupId: g1.id, userId: a1.id, role: "ADMIN" }, creator.token));
    const g2 = await createGroup(server, creator, [a2, m2], { name: "Fans 2" });
    const created = ok(
      dataOf(
        await server.gql(
          CREATE,
          { input: { name: "Spring campaign", groupIds: [g1.id, g2.id], perGroupCap: 5, autoCreateGroups: true, baseName: "Fans", welcomeMessage: "Welcome to the fan club!", state: "spring" } },
          creator.token,
        ),
      ).createLiveCode,
    ).liveCode!;
    assert.equal(created.url, `${server.base}/live/${created.token}`);
    assert.equal(decodeQrSvg(created.qrSvg!), created.url);
    assert.deepEqual(created.groups.map((g) => g.id), [g1.id, g2.id]);

    const joiners = ent.users.slice(6, 13);
    const placed: string[] = [];
    for (const user of joiners) {
      const payload = ok(await join(created.token, user));
      assert.deepEqual(payload.member!.joinSource, { kind: "LIVE_CODE", state: "spring", liveCode: { id: created.id } });
      placed.push(payload.group!.name);
    }
    // Fans 1 and Fans 2 start with 3 members each: two seats each, then a new group.
    assert.deepEqual(placed, ["Fans 1", "Fans 1", "Fans 2", "Fans 2", "Fans 3", "Fans 3", "Fans 3"]);
    const code = dataOf(await server.gql(LiveCodeWithStatsDocument, { id: created.id }, creator.token)).node!;
    assert.deepEqual(code.groups.map((g) => [g.name, g.memberCount]), [["Fans 1", 5], ["Fans 2", 5], ["Fans 3", 5]]);
    assert.equal(code.token, created.token);
    assert.deepEqual(code.stats, {
      joins: 7,
      groupsCreated: 1,
      byGroup: [
        { group: { name: "Fans 1" }, joins: 2 },
        { group: { name: "Fans 2" }, joins: 2 },
        { group: { name: "Fans 3" }, joins: 3 },
      ],
    });
    const fans3 = code.groups[2].id;
    const members = await membersOf(server, fans3, creator.token);
    assert.deepEqual(members.slice(0, 2), [
      [creator.id, "OWNER"],
      [a1.id, "ADMIN"],
    ], "owned by the code's creator, with the first group's admins");
    const rowId = Buffer.from(fans3, "base64url").toString().split(":")[1];
    const welcomes = await server.sql<{ text: string }>("SELECT text FROM group_log WHERE group_id = ? AND kind = 'WELCOME_MESSAGE'", [rowId]);
    assert.deepEqual(welcomes.map((w) => w.text), Array(3).fill("Welcome to the fan club!"), "posted on every join");

    // Re-joining is a no-op.
    const before = await snapshot(server);
    const again = ok(await join(created.token, joiners[0]));
    assert.equal(again.group!.name, "Fans 1");
    assert.deepEqual(await snapshot(server), before);
    await assertCountsConsistent(server);
  });

  it("updateLiveCode keeps the token; disabled and expired codes refuse joins", async () => {
    const [, , , m1, m2] = ent.users;
    const g = await createGroup(server, creator, [m1, m2], { name: "Solo" });
    const code = ok(dataOf(await server.gql(CREATE, { input: { name: "Solo code", groupIds: [g.id], perGroupCap: 4 } }, creator.token)).createLiveCode).liveCode!;
    const updated = ok(dataOf(await server.gql(UPDATE, { input: { liveCodeId: code.id, name: "Renamed", perGroupCap: 6, enabled: false } }, creator.token)).updateLiveCode).liveCode!;
    assert.equal(updated.token, code.token);
    assert.equal(updated.name, "Renamed");
    assert.equal(updated.status, "DISABLED");
    assert.deepEqual(codes(await join(code.token, ent.users[14])), ["CODE_REVOKED"]);
    ok(dataOf(await server.gql(UPDATE, { input: { liveCodeId: code.id, enabled: true, expiresAt: new Date(clock.now() + 60_000).toISOString() } }, ent.apiKey)).updateLiveCode);
    ok(await join(code.token, ent.users[14]));
    clock.advance(60_001);
    const before = await snapshot(server);
    assert.deepEqual(codes(await join(code.token, ent.users[15])), ["CODE_EXPIRED"]);
    assert.deepEqual(await snapshot(server), before);
    // Another user of the tenant cannot edit it.
    assert.deepEqual(codes(dataOf(await server.gql(UPDATE, { input: { liveCodeId: code.id, name: "Mine now" } }, ent.users[16].token)).updateLiveCode), ["NOT_FOUND"]);
  });

  it("without auto-create, a code whose groups are all full answers GROUP_FULL", async () => {
    const [, , , m1, m2] = ent.users;
    const g = await createGroup(server, creator, [m1, m2], { name: "Tiny" });
    const code = ok(dataOf(await server.gql(CREATE, { input: { name: "Tiny code", groupIds: [g.id], perGroupCap: 4 } }, creator.token)).createLiveCode).liveCode!;
    ok(await join(code.token, ent.users[17]));
    const before = await snapshot(server);
    assert.deepEqual(codes(await join(code.token, ent.users[18])), ["GROUP_FULL"]);
    assert.deepEqual(await snapshot(server), before);
  });

  it("validates input: caps within the plan, groups the caller manages, no blocked words", async () => {
    const [, a1, , m1, m2] = ent.users;
    const g = await createGroup(server, creator, [m1, m2], { name: "Managed" });
    await addContacts(server, ent, [[a1, m1]]);
    const notMine = await createGroup(server, a1, [creator, m1], { name: "Theirs" });
    const cases: Array<[CreateLiveCodeInput, string, string[]]> = [
      [{ name: "X", groupIds: [g.id], perGroupCap: 201 }, "INVALID_INPUT", ["input", "perGroupCap"]],
      [{ name: "X", groupIds: [g.id], perGroupCap: 1 }, "INVALID_INPUT", ["input", "perGroupCap"]],
      [{ name: "X", groupIds: [] }, "INVALID_INPUT", ["input", "groupIds"]],
      [{ name: "X", groupIds: ["nope"] }, "NOT_FOUND", ["input", "groupIds", "0"]],
      [{ name: "X", groupIds: [g.id], expiresAt: new Date(clock.now() - 1000).toISOString() }, "INVALID_INPUT", ["input", "expiresAt"]],
      [{ name: "X", groupIds: [g.id], state: "s".repeat(31) }, "INVALID_INPUT", ["input", "state"]],
      [{ name: "X", groupIds: [g.id], welcomeMessage: "w".repeat(501) }, "INVALID_INPUT", ["input", "welcomeMessage"]],
    ];
    cases.push([{ name: "X", groupIds: [notMine.id] }, "NOT_PERMITTED", ["input", "groupIds", "0"]]);
    for (const [input, code, field] of cases) {
      const payload = dataOf(await server.gql(CREATE, { input }, creator.token)).createLiveCode;
      assert.deepEqual(payload.userErrors.map((e) => [e.code, e.field]), [[code, field]], JSON.stringify(input).slice(0, 80));
    }
  });

  it("stats need a plan with statsEnabled", async () => {
    const t = await createTenant(server, { plan: "ENTERPRISE", users: 3, qualifications: RULES, policyOverrides: { statsEnabled: false } });
    const g = await createGroup(server, t.users[0], t.users.slice(1));
    const code = ok(dataOf(await server.gql(CREATE, { input: { name: "No stats", groupIds: [g.id] } }, t.users[0].token)).createLiveCode).liveCode!;
    const response = await server.gql(LiveCodeJoinsDocument, { id: code.id }, t.apiKey);
    assert.deepEqual(errorCodes(response), ["FEATURE_NOT_IN_PLAN"]);
  });
});

describe(`live codes under concurrency (${engine})`, () => {
  let server: TestServer;
  let t: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    t = await createTenant(server, { plan: "ENTERPRISE_CERTIFIED", users: 1003, allContacts: false, qualifications: RULES, policyOverrides: { bulkActionThreshold: 100000 } });
    await addContacts(server, t, [[t.users[0], t.users[1]], [t.users[0], t.users[2]]]);
  });
  after(() => server.close());

  it("1,000 concurrent joins with perGroupCap 200 and auto-create: no group above 200, all but the newest full, everyone in exactly one group", { timeout: 600_000 }, async () => {
    const [creator, m1, m2, ...joiners] = t.users;
    const g = await createGroup(server, creator, [m1, m2], { name: "Launch" });
    const code = ok(
      dataOf(await server.gql(CREATE, { input: { name: "Launch", groupIds: [g.id], perGroupCap: 200, autoCreateGroups: true, baseName: "Launch" } }, creator.token)).createLiveCode,
    ).liveCode!;
    assert.equal(joiners.length, 1000);
    const results = await Promise.all(joiners.map((u) => server.gql(JOIN, { input: { token: code.token } }, u.token).then((r) => dataOf(r).joinByLiveCode)));
    assert.deepEqual(results.flatMap(codes), [], "every join succeeds");
    const groups = dataOf(await server.gql(LiveCodeGroupsDocument, { id: code.id }, creator.token)).node!.groups;
    // 3 + 1000 people over groups of 200 (the creator owns each new group): 6 groups.
    assert.ok(groups.every((g) => g.memberCount <= 200), "no group above 200");
    assert.ok(groups.slice(0, -1).every((g) => g.memberCount === 200), "every group but the newest exactly full");
    const rows = await server.sql<{ u: string; n: number | string }>(
      `SELECT m.user_id AS u, COUNT(*) AS n FROM group_members m JOIN live_code_groups l ON l.group_id = m.group_id WHERE m.join_kind = 'LIVE_CODE' GROUP BY m.user_id`,
    );
    assert.equal(rows.length, 1000, "every joiner is in a group");
    assert.ok(rows.every((r) => Number(r.n) === 1), "…and in exactly one");
    const total = groups.reduce((sum, g) => sum + g.memberCount, 0);
    assert.equal(total, 3 + 1000 + (groups.length - 1), "joiners plus the founders of each group");
    await assertCountsConsistent(server);
  });
});
