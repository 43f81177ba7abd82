import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import {
  ChattyKeywordsDocument,
  DecideDocument,
  DeleteChatDocument,
  GroupMessageCountDocument,
  GroupStatsDocument,
  HeldMessagesDocument,
  HistoryDocument,
  RestoreChatDocument,
  SendDocument,
  StatsCodeDocument,
  StatsJoinDocument,
  TenantGroupCountDocument,
  TenantStatsDocument,
} from "../generated/graphql";
import { createTenant, dataOf, errorCodes, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const SEND = SendDocument;
const HISTORY = HistoryDocument;
const CHAT = { deleteChat: DeleteChatDocument, restoreChat: RestoreChatDocument };

describe("messages and chat history", () => {
  const clock = new ManualClock(Date.parse("2026-08-01T10:00:00Z"));
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  let owner: FixtureUser, m1: FixtureUser, m2: FixtureUser, late: FixtureUser, outsider: FixtureUser;
  let groupId: string;

  const send = async (user: FixtureUser | string, text: string, id = groupId) =>
    dataOf(await server.gql(SEND, { input: { groupId: id, text } }, typeof user === "string" ? user : user.token)).sendMessage;
  const history = async (token: string, first = 100, after: string | null = null) => dataOf(await server.gql(HISTORY, { id: groupId, first, after }, token)).group!.messages!;

  before(async () => {
    server = await startTestServer({ clock });
    [a, b] = await twoTenants(server, { users: 6, policyOverrides: { dailyGroupCreationLimit: 100 } });
    [owner, m1, m2, late, outsider] = a.users;
    groupId = (await createGroup(server, owner, [m1, m2], { name: "Chatty" })).id;
    ok(dataOf(await server.gql(ChattyKeywordsDocument, {}, a.apiKey)).setModerationKeywords);
  });
  after(() => server.close());

  it("members post; the history shows messages and membership events, newest first", async () => {
    clock.advance(1000);
    const sent = ok(await send(m1, "  Hello everyone  "));
    assert.deepEqual({ ...sent.message, id: undefined, createdAt: undefined }, { id: undefined, createdAt: undefined, seq: 5, text: "Hello everyone", kind: "TEXT", status: "VISIBLE", sender: { id: m1.id } });
    ok(await mutate(server, "renameGroup", { groupId, name: "Chatty Cathy" }, owner.token));
    ok(await send(owner, "Renamed!"));
    const page = await history(m2.token);
    assert.deepEqual(
      page.edges.map((e) => [e.node.seq, e.node.kind, e.node.event]),
      [
        [7, "TEXT", null],
        [6, "SYSTEM", "GROUP_RENAMED"],
        [5, "TEXT", null],
        [4, "SYSTEM", "MEMBER_JOINED"],
      ],
      "a member sees the history from their own join on (m2 joined at seq 4)",
    );
    assert.equal(page.edges[1].node.text, 'renamed the group to "Chatty Cathy"');
    const all = await history(a.apiKey);
    assert.deepEqual(all.edges.map((e) => e.node.seq), [7, 6, 5, 4, 3, 2, 1], "the tenant sees everything");
    assert.equal(all.edges[6].node.event, "GROUP_CREATED");
  });

  it("refuses non-members, the tenant key, bad text and blocked words, writing nothing", async () => {
    const before = await snapshot(server, ["risk_events"]);
    assert.deepEqual(codes(await send(outsider, "let me in")), ["NOT_FOUND"]);
    assert.deepEqual(codes(await send(b.users[0], "hi")), ["NOT_FOUND"]);
    assert.deepEqual(codes(await send(a.apiKey, "from the backend")), ["NOT_PERMITTED"]);
    for (const text of ["", "   ", "x".repeat(5001), "bell\u0007"]) {
      const payload = await send(m1, text);
      assert.deepEqual(payload.userErrors.map((e) => [e.code, e.field]), [["INVALID_INPUT", ["input", "text"]]], JSON.stringify(text.slice(0, 10)));
    }
    assert.deepEqual(codes(await send(m1, "great S C A M here")), ["CONTENT_BLOCKED"]);
    assert.deepEqual(await snapshot(server, ["risk_events"]), before);
    assert.deepEqual(errorCodes(await server.gql(HISTORY, { id: groupId }, outsider.token)), ["NOT_FOUND"]);
  });

  it("a REVIEW word holds the message: only its sender sees it until approval", async () => {
    const held = ok(await send(m1, "50% DISCOUNT today")).message!;
    assert.equal(held.status, "PENDING_REVIEW");
    assert.ok((await history(m1.token)).edges.some((e) => e.node.id === held.id), "the sender sees it");
    assert.ok(!(await history(m2.token)).edges.some((e) => e.node.id === held.id), "others do not");
    const queue = dataOf(await server.gql(HeldMessagesDocument, {}, a.apiKey)).reviewQueue;
    const item = queue.edges.find((e) => e.node.subject?.id === held.id)!.node;
    ok(dataOf(await server.gql(DecideDocument, { input: { reviewItemId: item.id, decision: "APPROVE" } }, a.apiKey)).resolveReviewItem);
    const seen = (await history(m2.token)).edges.find((e) => e.node.id === held.id)!;
    assert.equal(seen.node.status, "VISIBLE");
  });

  it("cursors stay stable while messages keep arriving", async () => {
    for (let i = 0; i < 6; i++) ok(await send(owner, `before ${i}`));
    const first = await history(m2.token, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => send(i % 2 ? m1 : m2, `during ${i}`)));
    const seen = first.edges.map((e) => e.node.seq);
    let after = first.pageInfo.endCursor;
    for (;;) {
      const page = await history(m2.token, 4, after);
      seen.push(...page.edges.map((e) => e.node.seq));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const expected = [...seen].sort((x, y) => y - x);
    assert.deepEqual(seen, expected, "strictly newest first");
    assert.equal(new Set(seen).size, seen.length, "no entry twice");
    assert.equal(seen[seen.length - 1], 4, "down to the member's own join, nothing skipped");
    assert.equal(seen.length, seen[0] - 4 + 1, "every entry from the first page down exactly once; the new ones stay above it");
  });

  it("deleteChat hides the history from the caller only; restoreChat brings it back", async () => {
    const before = (await history(m1.token)).totalCount;
    const othersBefore = (await history(m2.token)).totalCount;
    ok(dataOf(await server.gql(CHAT.deleteChat, { input: { groupId } }, m1.token)).deleteChat);
    assert.equal((await history(m1.token)).totalCount, 0);
    assert.equal((await history(m2.token)).totalCount, othersBefore, "other members keep theirs");
    ok(await send(m2, "after the clear"));
    const after = await history(m1.token);
    assert.deepEqual(after.edges.map((e) => e.node.text), ["after the clear"]);
    ok(dataOf(await server.gql(CHAT.restoreChat, { input: { groupId } }, m1.token)).restoreChat);
    assert.equal((await history(m1.token)).totalCount, before + 1);
    assert.deepEqual(codes(dataOf(await server.gql(CHAT.deleteChat, { input: { groupId } }, outsider.token)).deleteChat), ["NOT_FOUND"]);
  });

  it("late joiners and dissolved groups", async () => {
    ok(await mutate(server, "inviteMembers", { groupId, userIds: [late.id] }, owner.token));
    const lateView = await history(late.token);
    assert.equal(lateView.edges[lateView.edges.length - 1].node.event, "MEMBER_JOINED");
    assert.equal(lateView.edges[lateView.edges.length - 1].node.subject!.id, late.id);
    const g = await createGroup(server, owner, [m1, m2], { name: "Doomed" });
    ok(await mutate(server, "dissolveGroup", { groupId: g.id }, owner.token));
    assert.deepEqual(codes(await send(owner, "anyone?", g.id)), ["GROUP_DISSOLVED"]);
  });
});

describe("statistics", () => {
  const clock = new ManualClock(Date.parse("2026-08-10T10:00:00Z"));
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.close());

  it("group and tenant dashboards on plans with statsEnabled; FEATURE_NOT_IN_PLAN elsewhere", async () => {
    const ent = await createTenant(server, { plan: "ENTERPRISE", users: 6, qualifications: { dataUsageRulesUrl: "https://corp.example/rules" } });
    const [owner, m1, m2, m3, m4] = ent.users;
    const g = await createGroup(server, owner, [m1, m2]);
    const code = ok(dataOf(await server.gql(StatsCodeDocument, { input: { groupId: g.id, type: "PERMANENT", state: "poster" } }, owner.token)).createGroupCode).code!;
    for (const user of [m3, m4]) ok(dataOf(await server.gql(StatsJoinDocument, { input: { token: code.token } }, user.token)).joinGroupByCode);
    const post = (user: FixtureUser, text: string) => server.gql(SEND, { input: { groupId: g.id, text } }, user.token).then((r) => ok(dataOf(r).sendMessage));
    await post(m1, "old news");
    clock.advance(8 * 24 * 3600_000);
    for (const [user, n] of [[m1, 3], [m2, 1], [owner, 2]] as const) for (let i = 0; i < n; i++) await post(user, `msg ${i}`);
    const stats = dataOf(await server.gql(GroupStatsDocument, { id: g.id }, owner.token)).group!.stats!;
    assert.deepEqual(new Map(stats.joinsBySource.map((j) => [j.source, j.count])), new Map([["CREATOR", 1], ["DIRECT_ADD", 2], ["GROUP_CODE", 2]]));
    assert.deepEqual(stats.joinsByState, [{ state: "poster", count: 2 }]);
    assert.equal(stats.messageCount, 7);
    assert.equal(stats.messagesInWindow, 6);
    assert.equal(stats.activeMembers, 3);
    assert.deepEqual(stats.topSpeakers, [{ user: { id: m1.id }, messages: 3 }, { user: { id: owner.id }, messages: 2 }, { user: { id: m2.id }, messages: 1 }]);
    // Plain members do not see the dashboard.
    assert.equal(dataOf(await server.gql(GroupMessageCountDocument, { id: g.id }, m1.token)).group!.stats, null);
    const tenant = dataOf(await server.gql(TenantStatsDocument, {}, ent.apiKey)).tenantStats!;
    assert.equal(tenant.groupCount, 1);
    assert.equal(tenant.memberships, 5);
    assert.equal(tenant.messagesInWindow, 7);
    assert.deepEqual(tenant.messagesByDay.map((d) => d.count), [1, 6]);
    assert.ok(tenant.messagesByDay.every((d) => d.day.endsWith("T00:00:00.000Z")));
    assert.equal(tenant.joinsByDay.reduce((s, d) => s + d.count, 0), 5);

    const personal = await createTenant(server, { users: 3 });
    const pg = await createGroup(server, personal.users[0], personal.users.slice(1));
    assert.deepEqual(errorCodes(await server.gql(GroupMessageCountDocument, { id: pg.id }, personal.users[0].token)), ["FEATURE_NOT_IN_PLAN"]);
    assert.deepEqual(errorCodes(await server.gql(TenantGroupCountDocument, {}, personal.apiKey)), ["FEATURE_NOT_IN_PLAN"]);
  });
});
