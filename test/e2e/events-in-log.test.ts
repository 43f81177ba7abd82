import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock } from "../../src/common/clock";
import { rowIdOf } from "../../src/common/global-id";
import { feedPages } from "../support/events";
import { createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { collect, VIEWER_ACTIVITY, wsClient } from "../support/subscriptions";

const NODE = `query($id: ID!) { node(id: $id) { id ... on Event { type createdAt data } } }`;
const DAY = 86_400_000;


/** An event's row id. */
const eventRowId = (globalId: string) => rowIdOf(globalId, "Event")!;

describe("events kept on their history entry (member.joined)", { timeout: 600_000 }, () => {
  let server: TestServer;
  let t: FixtureTenant;
  const clock = new ManualClock();

  before(async () => {
    server = await startTestServer({ clock });
    t = await createTenant(server, { users: 5 });
  });
  after(async () => {
    await server.close();
  });

  it("reads a join's event from its history entry as it was announced, in one order with the other events, page after page", async () => {
    const [alice, bob, carol, dave, erin] = t.users;
    const viewer = wsClient(server.url, dave.token);
    const daves = collect(viewer, VIEWER_ACTIVITY);
    await sleep(300);
    // Everything at one instant (the clock stands still): the feed's order is then the ids' alone.
    const group = await createGroup(server, alice, [bob, carol]);
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Renamed" }, alice.token));
    const code = ok(
      dataOf(await server.gql(`mutation($input: CreateGroupCodeInput!) { createGroupCode(input: $input) { code { id token } userErrors { code } } }`, { input: { groupId: group.id, type: "TEMPORARY", state: "poster-7" } }, alice.token))
        .createGroupCode,
    ).code;
    const join = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { member { role } userErrors { code } } }`;
    assert.deepEqual(dataOf(await server.gql(join, { input: { token: code.token } }, dave.token)).joinGroupByCode.userErrors, []);
    clock.advance(1000);
    assert.deepEqual(dataOf(await server.gql(join, { input: { token: code.token } }, erin.token)).joinGroupByCode.userErrors, []);
    const sent = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { userErrors { code } } }`;
    assert.deepEqual(dataOf(await server.gql(sent, { input: { groupId: group.id, text: "after the joins" } }, erin.token)).sendMessage.userErrors, []);

    // The live event (built when the join committed) and the feed's (read from the history entry) are the same event.
    await daves.until(() => daves.items.length >= 1, "dave's join");
    const live = daves.items[0].viewerActivity;
    await viewer.dispose();
    const whole = await feedPages(server, t.apiKey, { first: 100 });
    const fromFeed = whole.nodes.find((e) => e.id === live.eventId);
    assert.ok(fromFeed, "the live event's id is in the feed");
    assert.deepEqual({ type: fromFeed.type, data: fromFeed.data, createdAt: fromFeed.createdAt }, { type: live.type, data: live.data, createdAt: live.createdAt });
    assert.deepEqual(fromFeed.data.joinSource, { kind: "GROUP_CODE", inviterId: null, codeId: code.id, liveCodeId: null, state: "poster-7" });

    // Kept on the history: no events row for a join, one history entry marked with its type per join.
    const joins = whole.nodes.filter((e) => e.type === "member.joined" && e.data.groupId === group.id);
    assert.equal(joins.length, 5, "three founders and two joiners");
    const [{ n: rows }] = await server.sql(`SELECT COUNT(*) AS n FROM events WHERE type = 'member.joined'`);
    assert.equal(Number(rows), 0);
    const kept = await server.sql<{ id: string }>(`SELECT id FROM group_log WHERE event_type = 'member.joined' ORDER BY id`);
    assert.deepEqual(kept.map((r) => r.id), joins.map((e) => eventRowId(e.id)).sort());

    // One order, (createdAt, id), whichever table an event comes from; pages of 1 and 2 give the same feed.
    const order = whole.nodes.map((e) => [e.createdAt, eventRowId(e.id)].join(" "));
    assert.deepEqual(order, [...order].sort());
    assert.ok(new Set(whole.nodes.map((e) => e.type)).size >= 4, "several types, from both sources");
    for (const first of [1, 2, 3]) {
      const paged = await feedPages(server, t.apiKey, { first });
      assert.deepEqual(paged.nodes, whole.nodes, `pages of ${first}`);
      assert.ok(paged.totals.every((n) => n === whole.nodes.length), "totalCount counts both sources");
    }
    // Type filters: the kept type alone, and every other type without it.
    assert.deepEqual((await feedPages(server, t.apiKey, { first: 2, types: ["member.joined"] })).nodes, whole.nodes.filter((e) => e.type === "member.joined"));
    const others = ["group.created", "group.renamed", "message.created"];
    assert.deepEqual((await feedPages(server, t.apiKey, { first: 2, types: others })).nodes, whole.nodes.filter((e) => others.includes(e.type)));
    assert.deepEqual((await feedPages(server, t.apiKey, { first: 2, types: ["member.joined", "group.renamed"] })).nodes.map((e) => e.type).sort(), [...Array(5).fill("member.joined"), "group.renamed"].sort());

    // By id, for the tenant's key only.
    assert.deepEqual(dataOf(await server.gql(NODE, { id: fromFeed.id }, t.apiKey)).node, fromFeed);
    assert.equal(dataOf(await server.gql(NODE, { id: fromFeed.id }, alice.token)).node, null);
    const other = await createTenant(server, { users: 1 });
    assert.equal(dataOf(await server.gql(NODE, { id: fromFeed.id }, other.apiKey)).node, null);

    // The feed keeps 30 days, whichever table holds the event: after them, neither the feed nor node(id) has it.
    clock.advance(31 * DAY);
    assert.deepEqual((await feedPages(server, t.apiKey, { first: 100 })).nodes, []);
    assert.equal(dataOf(await server.gql(NODE, { id: fromFeed.id }, t.apiKey)).node, null);
    assert.equal((await server.sql(`SELECT id FROM group_log WHERE event_type = 'member.joined'`)).length, 5, "the history itself stays");
  });
});
