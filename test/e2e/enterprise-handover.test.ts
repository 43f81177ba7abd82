import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, errorCodes, type FixtureTenant, type FixtureUser, twoTenants } from "../support/fixtures";
import { assertCountsConsistent, createGroup, membersOf } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const FEED = `query($types: [String!]) { events(first: 100, types: $types) { edges { node { type data } } } }`;
const TRANSFER = `mutation($input: TransferUserGroupsInput!) { transferUserGroups(input: $input) { transferred { id name memberCount owner { id } } userErrors { code message field } } }`;

describe(`departed owner hand-over: transferUserGroups (${engine})`, () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  const transfer = async (tenant: FixtureTenant, from: FixtureUser, to: FixtureUser, keepMembership?: boolean) =>
    dataOf(await server.gql(TRANSFER, { input: { fromUserId: from.id, toUserId: to.id, ...(keepMembership === undefined ? {} : { keepMembership }) } }, tenant.apiKey))
      .transferUserGroups;

  before(async () => {
    server = await startTestServer();
    // Groups of at most 4, so one group can be too full for the successor to join.
    [a, b] = await twoTenants(server, { users: 7, plan: "ENTERPRISE", qualifications: { dataUsageRulesUrl: "https://corp.example/rules" }, policyOverrides: { maxGroupSize: 4 } });
  });
  after(() => server.close());

  it("refuses bad input (NOT_FOUND, INVALID_INPUT) and other principals, changing nothing", async () => {
    const [u0, u1] = a.users;
    const before = await snapshot(server);
    const cases: Array<[FixtureTenant, FixtureUser, FixtureUser, string, string[]]> = [
      [b, u0, b.users[1], "NOT_FOUND", ["input", "fromUserId"]],
      [a, u0, b.users[1], "NOT_FOUND", ["input", "toUserId"]],
      [a, u0, u0, "INVALID_INPUT", ["input", "toUserId"]],
    ];
    for (const [tenant, from, to, code, field] of cases) {
      const payload = await transfer(tenant, from, to);
      assert.deepEqual(payload.transferred, []);
      assert.deepEqual(payload.userErrors.map((e: any) => [e.code, e.field]), [[code, field]]);
    }
    assert.deepEqual(errorCodes(await server.gql(TRANSFER, { input: { fromUserId: u0.id, toUserId: u1.id } }, u0.token)), ["NOT_PERMITTED"]);
    assert.deepEqual(await snapshot(server), before);
  });

  it("moves every group the user owns, one transaction per group; a group that cannot pass is named; a retry changes nothing more", async () => {
    const [u0, u1, u2, u3, heir, u5, u6] = a.users;
    const g1 = await createGroup(server, u0, [u1, u2], { name: "Sales north" });
    const g2 = await createGroup(server, u0, [heir, u3], { name: "Sales south" });
    const full = await createGroup(server, u0, [u1, u2, u3], { name: "Full house" });
    const notTheirs = await createGroup(server, u5, [u0, u6], { name: "Owned by someone else" });
    const payload = await transfer(a, u0, heir);
    assert.deepEqual(payload.transferred.map((g: any) => [g.id, g.owner.id, g.memberCount]), [
      [g1.id, heir.id, 3], // heir joined, u0 left
      [g2.id, heir.id, 2], // heir was already in it
    ]);
    assert.deepEqual(payload.userErrors.map((e: any) => [e.code, e.field]), [["GROUP_FULL", ["input", "fromUserId"]]]);
    assert.match(payload.userErrors[0].message, new RegExp(`${full.id}.*Full house`));
    const removed = (dataOf(await server.gql(FEED, { types: ["member.removed"] }, a.apiKey)).events.edges as any[]).map((e) => e.node.data);
    assert.ok(removed.some((d) => d.groupId === g1.id && d.userId === u0.id), "the departing owner's removal is an event");
    assert.deepEqual(await membersOf(server, g1.id, a.apiKey), [
      [u1.id, "MEMBER"],
      [u2.id, "MEMBER"],
      [heir.id, "OWNER"],
    ]);
    assert.deepEqual(await membersOf(server, g2.id, a.apiKey), [
      [heir.id, "OWNER"],
      [u3.id, "MEMBER"],
    ]);
    // The full group and a group u0 merely belongs to are untouched.
    assert.equal((await membersOf(server, full.id, a.apiKey)).find(([id]) => id === u0.id)?.[1], "OWNER");
    assert.deepEqual((await membersOf(server, notTheirs.id, a.apiKey)).map(([, role]) => role), ["OWNER", "MEMBER", "MEMBER"]);
    await assertCountsConsistent(server);

    const before = await snapshot(server);
    const again = await transfer(a, u0, heir);
    assert.deepEqual(again.transferred, []);
    assert.deepEqual(again.userErrors.map((e: any) => e.code), ["GROUP_FULL"]);
    assert.deepEqual(await snapshot(server), before, "a retry moves nothing twice");
  });

  it("keepMembership: the departing owner stays as a plain member; the other tenant is not touched", async () => {
    const [u0, u1, u2, heir] = b.users;
    const g = await createGroup(server, u0, [u1, u2], { name: "Support" });
    const payload = await transfer(b, u0, heir, true);
    assert.deepEqual(payload.userErrors, []);
    assert.deepEqual(payload.transferred.map((x: any) => [x.id, x.owner.id, x.memberCount]), [[g.id, heir.id, 4]]);
    assert.deepEqual(await membersOf(server, g.id, b.apiKey), [
      [u0.id, "MEMBER"],
      [u1.id, "MEMBER"],
      [u2.id, "MEMBER"],
      [heir.id, "OWNER"],
    ]);
    const rowId = Buffer.from(g.id, "base64url").toString().split(":")[1];
    const history = (await server.sql(`SELECT kind FROM group_log WHERE group_id = ? ORDER BY seq`, [rowId])).map((r: any) => r.kind);
    assert.ok(history.includes("OWNERSHIP_TRANSFERRED"), history.join());
    // The hand-over goes through the group log, so its events are in the feed (and to webhooks).
    const events = (dataOf(await server.gql(FEED, { types: ["group.owner_changed", "member.joined"] }, b.apiKey)).events.edges as any[])
      .map((e) => e.node)
      .filter((e) => e.data.groupId === g.id);
    const owner = events.find((e) => e.type === "group.owner_changed");
    assert.deepEqual([owner?.data.ownerId, owner?.data.from, owner?.data.reason], [heir.id, u0.id, "HANDOVER"]);
    assert.ok(events.some((e) => e.type === "member.joined" && e.data.userId === heir.id));
    await assertCountsConsistent(server);
  });
});
