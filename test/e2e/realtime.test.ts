import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock } from "../../src/common/clock";
import { createTenant, dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { createGroup, mutate, permanentCode } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { FEED, feedPages } from "../support/events";
import { collect, GROUP_ACTIVITY, subscriptionErrorCodes, VIEWER_ACTIVITY, wsClient } from "../support/subscriptions";

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id seq } userErrors { code } } }`;

async function send(server: TestServer, groupId: string, text: string, token: string): Promise<{ id: string; seq: number } | null> {
  const payload = dataOf(await server.gql(SEND, { input: { groupId, text } }, token)).sendMessage;
  return payload.userErrors.length ? null : payload.message;
}

async function feed(server: TestServer, apiKey: string, types?: string[]): Promise<any[]> {
  return (await feedPages(server, apiKey, { types })).nodes;
}

describe("real time: subscriptions and the event feed", { timeout: 600_000 }, () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  const clients: Array<{ dispose(): void | Promise<void> }> = [];
  const client = (token: string | null) => {
    const c = wsClient(server.url, token);
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startTestServer({ config: { subscriptions: { connectionsPerPrincipal: 20, subscriptionsPerPrincipal: 3, maxBufferedBytes: 4_000_000, maxQueuedPerSubscription: 1000, authRecheckMs: 100 } } });
    [a, b] = await twoTenants(server, { users: 5, policyOverrides: { dailyGroupCreationLimit: 100 } });
  });
  after(async () => {
    for (const c of clients) await c.dispose();
    await server.close();
  });

  it("delivers messages and membership events in order, and a resume with afterSeq gets exactly what was missed", async () => {
    const [alice, bob, carol] = a.users;
    const group = await createGroup(server, alice, [bob, carol]);
    const live = collect(client(bob.token), GROUP_ACTIVITY, { groupId: group.id });
    await sleep(300); // the subscription is open before the first change (live, no afterSeq)
    const first = await send(server, group.id, "one", alice.token);
    await send(server, group.id, "two", bob.token);
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Renamed" }, alice.token));
    ok(await mutate(server, "removeMember", { groupId: group.id, userId: carol.id }, alice.token));
    await send(server, group.id, "three", alice.token);
    await live.until(() => live.items.length >= 5, "five activities");
    const seen = live.items.map((i) => i.groupActivity);
    assert.deepEqual(
      seen.map((x) => x.type),
      ["message.created", "message.created", "group.renamed", "member.removed", "message.created"],
    );
    assert.deepEqual(seen.map((x) => x.seq), seen.map((_, i) => first!.seq + i), "consecutive seqs, no gap");
    assert.equal(seen[0].message.id, first!.id);
    assert.equal(seen[3].message.subject.id, carol.id);
    live.dispose();

    // Disconnected after the first two; resume: the three missed, then live, nothing twice.
    const resumed = collect(client(bob.token), GROUP_ACTIVITY, { groupId: group.id, afterSeq: seen[1].seq });
    await resumed.until(() => resumed.items.length >= 3, "replay");
    await send(server, group.id, "four", bob.token);
    await resumed.until(() => resumed.items.length >= 4, "live after replay");
    await sleep(200);
    const again = resumed.items.map((i) => i.groupActivity);
    assert.deepEqual(again.map((x) => x.seq), [seen[2].seq, seen[3].seq, seen[4].seq, seen[4].seq + 1]);
    assert.deepEqual(again.map((x) => x.message.text.includes("four") || x.type), ["group.renamed", "member.removed", "message.created", true]);
    resumed.dispose();
  });

  it("refuses non-members, foreign tenants and malformed ids with NOT_FOUND, and anonymous sockets with 4401", async () => {
    const [alice, bob, , dave] = a.users;
    const group = await createGroup(server, alice, [bob, a.users[2]]);
    for (const token of [dave.token, b.users[0].token, b.apiKey]) {
      const refused = collect(client(token), GROUP_ACTIVITY, { groupId: group.id });
      await refused.until(() => refused.error !== undefined, "refusal");
      assert.deepEqual(subscriptionErrorCodes(refused.error), ["NOT_FOUND"]);
    }
    const malformed = collect(client(bob.token), GROUP_ACTIVITY, { groupId: "bm9wZQ" });
    await malformed.until(() => malformed.error !== undefined, "refusal");
    assert.deepEqual(subscriptionErrorCodes(malformed.error), ["NOT_FOUND"]);
    // The tenant key sees its own groups.
    const tenant = collect(client(a.apiKey), GROUP_ACTIVITY, { groupId: group.id, afterSeq: 0 });
    await tenant.until(() => tenant.items.length >= 1, "tenant replay");
    tenant.dispose();

    const anonymous = wsClient(server.url, null);
    const refused = collect(anonymous, GROUP_ACTIVITY, { groupId: group.id });
    await refused.until(() => refused.error !== undefined, "close");
    assert.deepEqual(anonymous.closes, [4401]);
    await anonymous.dispose();
    const forged = wsClient(server.url, "not-a-token");
    collect(forged, GROUP_ACTIVITY, { groupId: group.id });
    await refused.until(() => forged.closes.length > 0, "close");
    assert.deepEqual(forged.closes, [4401]);
    await forged.dispose();
  });

  it("stops a removed member's stream at the removal", async () => {
    const [alice, bob, carol] = a.users;
    const group = await createGroup(server, alice, [bob, carol]);
    const carols = collect(client(carol.token), GROUP_ACTIVITY, { groupId: group.id });
    await sleep(300);
    await send(server, group.id, "before", alice.token);
    ok(await mutate(server, "removeMember", { groupId: group.id, userId: carol.id }, alice.token));
    await send(server, group.id, "after", alice.token);
    await carols.until(() => carols.completed, "completion");
    assert.deepEqual(carols.items.map((i) => i.groupActivity.type), ["message.created", "member.removed"]);
    // Resubscribing is refused: no longer a member.
    const again = collect(client(carol.token), GROUP_ACTIVITY, { groupId: group.id, afterSeq: 0 });
    await again.until(() => again.error !== undefined, "refusal");
    assert.deepEqual(subscriptionErrorCodes(again.error), ["NOT_FOUND"]);
  });

  it("tells a user about groups they join and leave in viewerActivity", async () => {
    const [alice, bob, carol, dave] = a.users;
    const daves = collect(client(dave.token), VIEWER_ACTIVITY);
    await sleep(300);
    const group = await createGroup(server, alice, [bob, carol, dave]);
    await daves.until(() => daves.items.length >= 1, "join");
    const joined = daves.items[0].viewerActivity;
    assert.equal(joined.type, "member.joined");
    assert.equal(joined.group.id, group.id);
    assert.equal(joined.data.joinSource.kind, "DIRECT_ADD");
    assert.equal(joined.data.userId, dave.id);
    ok(await mutate(server, "leaveGroup", { groupId: group.id }, dave.token));
    await daves.until(() => daves.items.length >= 2, "leave");
    assert.equal(daves.items[1].viewerActivity.type, "member.left");
    daves.dispose();
  });

  it("records committed changes in the feed and nothing for a refused mutation; the feed is the tenant's own", async () => {
    const [alice, bob, carol, dave] = a.users;
    const group = await createGroup(server, alice, [bob, carol]);
    const before = await feed(server, a.apiKey);
    assert.equal(await send(server, group.id, "from outside", dave.token), null, "refused: not a member");
    assert.deepEqual(await feed(server, a.apiKey), before, "a refused mutation emits nothing");
    const sent = await send(server, group.id, "hello feed", bob.token);
    const afterSend = await feed(server, a.apiKey, ["message.created"]);
    const last = afterSend.at(-1);
    assert.equal(last.type, "message.created");
    assert.deepEqual({ text: last.data.text, messageId: last.data.messageId, seq: last.data.seq, groupId: last.data.groupId, senderId: last.data.senderId }, {
      text: "hello feed",
      messageId: sent!.id,
      seq: sent!.seq,
      groupId: group.id,
      senderId: bob.id,
    });
    const types = new Set((await feed(server, a.apiKey)).map((e) => e.type));
    for (const type of ["group.created", "member.joined", "message.created", "member.removed", "group.renamed"]) assert.ok(types.has(type), type);
    // Oldest first, ids stable, node(id:) for the tenant key.
    const all = await feed(server, a.apiKey);
    assert.deepEqual([...all].sort((x, y) => x.createdAt.localeCompare(y.createdAt)).map((e) => e.id), all.map((e) => e.id));
    const node = dataOf(await server.gql(`query($id: ID!) { node(id: $id) { id ... on Event { type } } }`, { id: last.id }, a.apiKey)).node;
    assert.deepEqual(node, { id: last.id, type: "message.created" });
    // Tenant B sees none of it, not even by id.
    const theirs = await feed(server, b.apiKey);
    assert.ok(theirs.every((e) => !all.some((x) => x.id === e.id)));
    assert.equal(dataOf(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: last.id }, b.apiKey)).node, null);
    // Users may not read the feed; unknown types are refused.
    assert.equal((await server.gql(FEED, { first: 1 }, alice.token)).errors?.[0]?.extensions?.code, "NOT_PERMITTED");
    assert.equal((await server.gql(FEED, { first: 1, types: ["nope"] }, a.apiKey)).errors?.[0]?.extensions?.code, "INVALID_INPUT");
  });

  it("records the governance events: announcements, mutes and join requests, each in its change's transaction", async () => {
    const [alice, bob, carol, dave] = a.users;
    const group = await createGroup(server, alice, [bob, carol]);
    const run = async (field: string, inputType: string, selection: string, input: Record<string, unknown>, token: string) =>
      dataOf(await server.gql(`mutation($input: ${inputType}!) { ${field}(input: $input) { ${selection} userErrors { code } } }`, { input }, token))[field];
    const mine = async (types: string[]) => (await feed(server, a.apiKey, types)).filter((e) => e.data.groupId === group.id);

    assert.deepEqual(ok(await run("setGroupAnnouncement", "SetGroupAnnouncementInput", "group { id }", { groupId: group.id, text: "Meet at nine" }, alice.token)).userErrors, []);
    const [announced] = await mine(["group.announcement_set"]);
    assert.deepEqual({ text: announced.data.text, authorId: announced.data.authorId }, { text: "Meet at nine", authorId: alice.id });

    const until = new Date(Date.now() + 3600_000).toISOString();
    // A refused mute (a plain member muting the owner) emits nothing.
    assert.deepEqual((await run("muteMember", "MuteMemberInput", "member { mutedUntil }", { groupId: group.id, userId: alice.id, until }, bob.token)).userErrors, [{ code: "NOT_PERMITTED" }]);
    assert.deepEqual(await mine(["member.muted"]), []);
    ok(await run("muteMember", "MuteMemberInput", "member { mutedUntil }", { groupId: group.id, userId: bob.id, until }, alice.token));
    ok(await run("unmuteMember", "UnmuteMemberInput", "member { mutedUntil }", { groupId: group.id, userId: bob.id }, alice.token));
    const [muted] = await mine(["member.muted"]);
    assert.deepEqual({ userId: muted.data.userId, actorId: muted.data.actorId, until: muted.data.until }, { userId: bob.id, actorId: alice.id, until });
    assert.equal((await mine(["member.unmuted"]))[0]?.data.userId, bob.id);

    ok(await run("updateGroupSettings", "UpdateGroupSettingsInput", "group { id }", { groupId: group.id, joinApproval: true }, alice.token));
    const code = await permanentCode(server, alice, group.id);
    const request = ok(await run("joinGroupByCode", "JoinGroupByCodeInput", "joinRequest { id }", { token: code.token }, dave.token)).joinRequest;
    const [created] = await mine(["join_request.created"]);
    assert.deepEqual({ id: created.data.joinRequestId, requesterId: created.data.requesterId, status: created.data.status }, { id: request.id, requesterId: dave.id, status: "PENDING" });
    ok(await run("answerJoinRequest", "AnswerJoinRequestInput", "joinRequest { status }", { joinRequestId: request.id, approve: true }, alice.token));
    const [answered] = await mine(["join_request.answered"]);
    assert.deepEqual({ id: answered.data.joinRequestId, status: answered.data.status, answeredById: answered.data.answeredById }, { id: request.id, status: "APPROVED", answeredById: alice.id });
    assert.ok((await mine(["member.joined"])).some((e) => e.data.userId === dave.id), "the approved requester's join is an event too");
  });

  it("limits subscriptions per principal", async () => {
    const [alice, bob, carol] = a.users;
    const group = await createGroup(server, alice, [bob, carol]);
    const c = client(carol.token);
    const open = [0, 1, 2].map(() => collect(c, GROUP_ACTIVITY, { groupId: group.id, afterSeq: 0 }));
    for (const s of open) await s.until(() => s.items.length > 0, "replay");
    const fourth = collect(c, GROUP_ACTIVITY, { groupId: group.id });
    await fourth.until(() => fourth.error !== undefined, "refusal");
    assert.deepEqual(subscriptionErrorCodes(fourth.error), ["RATE_LIMITED"]);
    open[0].dispose();
    await sleep(200);
    const again = collect(c, GROUP_ACTIVITY, { groupId: group.id, afterSeq: 0 });
    await again.until(() => again.items.length > 0, "a freed slot");
    for (const s of [...open, again]) s.dispose();
  });

  it("closes the socket when the user's tokens are revoked", async () => {
    const [alice, bob, carol] = a.users;
    const group = await createGroup(server, alice, [bob, carol]);
    const c = wsClient(server.url, carol.token);
    const s = collect(c, GROUP_ACTIVITY, { groupId: group.id, afterSeq: 0 });
    await s.until(() => s.items.length > 0, "replay");
    ok(dataOf(await server.gql(`mutation($input: RevokeUserTokensInput!) { revokeUserTokens(input: $input) { userErrors { code } } }`, { input: { userId: carol.id } }, a.apiKey)).revokeUserTokens);
    await s.until(() => c.closes.length > 0, "close");
    assert.deepEqual(c.closes, [4401]);
    await c.dispose();
  });
});

describe("real time: token expiry", { timeout: 600_000 }, () => {
  it("closes the socket when the token expires", async () => {
    const clock = new ManualClock();
    const server = await startTestServer({ clock, config: { subscriptions: { connectionsPerPrincipal: 20, subscriptionsPerPrincipal: 100, maxBufferedBytes: 4_000_000, maxQueuedPerSubscription: 1000, authRecheckMs: 100 } } });
    try {
      const tenant = await createTenant(server, { users: 3 });
      const [alice, bob, carol] = tenant.users;
      const group = await createGroup(server, alice, [bob, carol]);
      const issued = dataOf(
        await server.gql(`mutation($input: IssueUserTokenInput!) { issueUserToken(input: $input) { token userErrors { code } } }`, { input: { userId: bob.id, ttlSeconds: 60 } }, tenant.apiKey),
      ).issueUserToken;
      const c = wsClient(server.url, issued.token);
      const s = collect(c, GROUP_ACTIVITY, { groupId: group.id, afterSeq: 0 });
      await s.until(() => s.items.length > 0, "replay");
      await sleep(300);
      assert.deepEqual(c.closes, [], "open while the token is valid");
      clock.advance(61_000);
      await s.until(() => c.closes.length > 0, "close");
      assert.deepEqual(c.closes, [4401]);
      await c.dispose();
    } finally {
      await server.close();
    }
  });
});
