import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ActivityCounters1765500000000 } from "../../migrations/1765500000000-ActivityCounters";
import { ManualClock } from "../../src/common/clock";
import { newId } from "../../src/common/ids";
import { recountGroupActivity } from "../../src/modules/stats/activity-counters";
import {
  ChattyKeywordsDocument,
  CounterGroupStatsDocument,
  CounterTenantStatsDocument,
  DecideDocument,
  HeldMessagesDocument,
  SendDocument,
  StatsJoinDocument,
} from "../generated/graphql";
import { activityCounterProblems } from "../support/activity";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { createGroup, permanentCode } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const RULES = { dataUsageRulesUrl: "https://corp.example/rules" };
const rowId = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1];
const userId = (row: string) => Buffer.from(`User:${row}`).toString("base64url");
/** The first day of a window of `days` whole UTC days ending today. */
const windowStart = (now: number, days: number) => now - (now % DAY_MS) - (days - 1) * DAY_MS;

interface ChatGroup {
  tenant: FixtureTenant;
  id: string;
  members: FixtureUser[];
  code: string;
  /** Messages the API accepted, and code joins it accepted: what the counters must add up to. */
  sent: number;
  joined: number;
}

/** Runs the tasks with `width` of them in flight at a time (a burst, without opening hundreds of sockets at once). */
async function inParallel(tasks: Array<() => Promise<void>>, width = 48): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }));
}

/**
 * The per-day counters against a full recount: concurrent messages and joins in several groups of
 * two tenants, over three UTC days, then every figure of Group.stats and tenantStats that comes
 * from the counters compared with the same figure counted by SQL over group_log / group_members.
 */
describe(`statistics from per-day activity counters (${engine})`, () => {
  // 21:00 UTC: the second burst, four hours later, falls on the next UTC day.
  const clock = new ManualClock(Date.parse("2026-09-01T21:00:00Z"));
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  let groups: ChatGroup[];

  before(async () => {
    server = await startTestServer({ clock });
    const options = { plan: "ENTERPRISE" as const, users: 30, qualifications: RULES, policyOverrides: { dailyGroupCreationLimit: 100 } };
    [a, b] = [await createTenant(server, options), await createTenant(server, options)];
    ok(dataOf(await server.gql(ChattyKeywordsDocument, {}, a.apiKey)).setModerationKeywords);
    groups = [];
    for (const [tenant, size] of [[a, 6], [a, 4], [b, 5]] as const) {
      const members = tenant.users.slice(0, size);
      const { id } = await createGroup(server, members[0], members.slice(1));
      groups.push({ tenant, id, members, code: (await permanentCode(server, members[0], id)).token, sent: 0, joined: 0 });
    }
  });
  after(() => server.close());

  /** One burst: `messages[i]` messages into groups[i] from its members in turn, and code joins by `joiners[i]`, all interleaved and concurrent. */
  async function burst(messages: number[], joiners: FixtureUser[][]): Promise<void> {
    const tasks: Array<() => Promise<void>> = [];
    const longest = Math.max(...messages, ...joiners.map((j) => j.length));
    for (let i = 0; i < longest; i++) {
      groups.forEach((group, g) => {
        if (i < messages[g]) {
          const sender = group.members[i % group.members.length];
          // Some of tenant A's messages are held for review: they count like any message.
          const text = group.tenant === a && i % 20 === 7 ? `discount ${i}` : `burst ${i}`;
          tasks.push(async () => {
            const payload = dataOf(await server.gql(SendDocument, { input: { groupId: group.id, text } }, sender.token)).sendMessage;
            assert.deepEqual(payload.userErrors, []);
            group.sent++;
          });
        }
        const joiner = joiners[g]?.[i];
        if (joiner) {
          tasks.push(async () => {
            ok(dataOf(await server.gql(StatsJoinDocument, { input: { token: group.code } }, joiner.token)).joinGroupByCode);
            group.joined++;
          });
        }
      });
    }
    await inParallel(tasks);
  }

  /** Group.stats as the API answers it and as a recount of group_log and group_members gives it. */
  async function groupFigures(group: ChatGroup, days: number) {
    const stats = dataOf(await server.gql(CounterGroupStatsDocument, { id: group.id, days }, group.tenant.apiKey)).group!.stats!;
    const id = rowId(group.id);
    const from = windowStart(clock.now(), days);
    const [total] = await server.sql("SELECT COUNT(*) AS n FROM group_log WHERE group_id = ? AND kind = 'MESSAGE'", [id]);
    const [recent] = await server.sql("SELECT COUNT(*) AS n, COUNT(DISTINCT actor_id) AS writers FROM group_log WHERE group_id = ? AND kind = 'MESSAGE' AND created_at >= ?", [id, from]);
    const speakers = await server.sql(
      "SELECT actor_id, COUNT(*) AS n FROM group_log WHERE group_id = ? AND kind = 'MESSAGE' AND created_at >= ? GROUP BY actor_id ORDER BY COUNT(*) DESC, actor_id ASC LIMIT 10",
      [id, from],
    );
    const sources = await server.sql("SELECT join_kind AS source, COUNT(*) AS n FROM group_members WHERE group_id = ? GROUP BY join_kind", [id]);
    const recount = {
      joinsBySource: sources.map((r) => ({ source: r.source, count: Number(r.n) })).sort((x, y) => x.source.localeCompare(y.source)),
      messageCount: Number(total.n),
      messagesInWindow: Number(recent.n),
      activeMembers: Number(recent.writers),
      topSpeakers: speakers.map((r) => ({ user: { id: userId(r.actor_id) }, messages: Number(r.n) })),
      windowDays: days,
    };
    return { api: { ...stats, joinsBySource: [...stats.joinsBySource].sort((x, y) => x.source.localeCompare(y.source)) }, recount };
  }

  /** tenantStats as the API answers it and as a recount gives it. */
  async function tenantFigures(tenant: FixtureTenant, days: number) {
    const stats = dataOf(await server.gql(CounterTenantStatsDocument, { days }, tenant.apiKey)).tenantStats;
    const id = rowId(tenant.id);
    const from = windowStart(clock.now(), days);
    const perDay = async (kind: string) =>
      (
        await server.sql(
          `SELECT created_at - created_at % ${DAY_MS} AS day, COUNT(*) AS n FROM group_log WHERE tenant_id = ? AND kind = ? AND created_at >= ? GROUP BY created_at - created_at % ${DAY_MS} ORDER BY day`,
          [id, kind, from],
        )
      ).map((r) => ({ day: new Date(Number(r.day)).toISOString(), count: Number(r.n) }));
    const [live] = await server.sql("SELECT COUNT(*) AS n FROM chat_groups WHERE tenant_id = ? AND status <> 'DISSOLVED'", [id]);
    const [memberships] = await server.sql("SELECT COUNT(*) AS n FROM group_members m JOIN chat_groups g ON g.id = m.group_id WHERE g.tenant_id = ? AND g.status <> 'DISSOLVED'", [id]);
    const sources = await server.sql("SELECT join_kind AS source, COUNT(*) AS n FROM group_members WHERE tenant_id = ? GROUP BY join_kind", [id]);
    const messagesByDay = await perDay("MESSAGE");
    const recount = {
      groupCount: Number(live.n),
      memberships: Number(memberships.n),
      messagesInWindow: messagesByDay.reduce((sum, d) => sum + d.count, 0),
      joinsBySource: sources.map((r) => ({ source: r.source, count: Number(r.n) })).sort((x, y) => x.source.localeCompare(y.source)),
      joinsByDay: await perDay("MEMBER_JOINED"),
      messagesByDay,
      windowDays: days,
    };
    return { api: { ...stats, joinsBySource: [...stats.joinsBySource].sort((x, y) => x.source.localeCompare(y.source)) }, recount };
  }

  async function assertFiguresMatchRecount(windows: number[]): Promise<void> {
    assert.deepEqual(await activityCounterProblems(server), [], "the counters equal a recount of the history");
    for (const days of windows) {
      for (const group of groups) {
        const { api, recount } = await groupFigures(group, days);
        assert.deepEqual(api, recount, `Group.stats(days: ${days})`);
      }
      for (const tenant of [a, b]) {
        const { api, recount } = await tenantFigures(tenant, days);
        assert.deepEqual(api, recount, `tenantStats(days: ${days})`);
      }
    }
  }

  it("concurrent messages and code joins are all counted: every figure equals a recount", { timeout: 600_000 }, async () => {
    const [ga, ga2, gb] = groups;
    await burst([200, 60, 80], [a.users.slice(6, 18), a.users.slice(18, 30), b.users.slice(5, 13)]);
    clock.advance(4 * HOUR_MS); // the next UTC day
    await burst([100, 40, 40], [a.users.slice(18, 24), [], b.users.slice(13, 20)]);
    // Review decisions change a held message's status, not the counts.
    for (const decision of ["REJECT", "APPROVE"] as const) {
      const held = dataOf(await server.gql(HeldMessagesDocument, {}, a.apiKey)).reviewQueue.edges.slice(0, 3);
      assert.ok(held.length > 0, "messages held for review");
      for (const { node } of held) ok(dataOf(await server.gql(DecideDocument, { input: { reviewItemId: node.id, decision } }, a.apiKey)).resolveReviewItem);
    }
    clock.advance(7 * DAY_MS); // a week later: the first two days leave the 7-day window
    await burst([30, 0, 20], [[], [], b.users.slice(20, 24)]);

    // Nothing lost: the counters hold every message and join the API accepted (plus the creation's direct adds).
    for (const group of groups) {
      const { api } = await groupFigures(group, 366);
      assert.equal(api.messageCount, group.sent);
      assert.equal(api.joinsBySource.find((s) => s.source === "GROUP_CODE")?.count ?? 0, group.joined);
    }
    assert.deepEqual([ga.sent, ga2.sent, gb.sent], [330, 100, 140]);
    await assertFiguresMatchRecount([1, 7, 8, 30]);
    // The window is whole UTC days: 8 days reach back to the second burst's day, 7 do not.
    const week = (await groupFigures(ga, 7)).api;
    const eight = (await groupFigures(ga, 8)).api;
    assert.equal(week.messagesInWindow, 30);
    assert.equal(eight.messagesInWindow, 130);
  });

  it("the migration counts the histories written before it", { timeout: 600_000 }, async () => {
    const before = await Promise.all([groupFigures(groups[0], 30), tenantFigures(a, 30)]);
    const runner = server.server.app.db.dataSource.createQueryRunner();
    try {
      const migration = new ActivityCounters1765500000000();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    assert.deepEqual(await Promise.all([groupFigures(groups[0], 30), tenantFigures(a, 30)]), before);
    await assertFiguresMatchRecount([7, 30]);
  });

  it("history bulk-loaded into group_log without GroupLog is counted by recountGroupActivity", { timeout: 600_000 }, async () => {
    const group = groups[2];
    const id = rowId(group.id);
    const [{ log_size }] = await server.sql("SELECT log_size FROM chat_groups WHERE id = ?", [id]);
    const now = clock.now();
    const rows = Array.from({ length: 300 }, (_, i) => [newId(), rowId(b.id), id, Number(log_size) + i + 1, "MESSAGE", rowId(group.members[i % 3].id), `bulk ${i}`, "VISIBLE", now - (300 - i) * 600_000]);
    await server.sql(`INSERT INTO group_log (id, tenant_id, group_id, seq, kind, actor_id, text, status, created_at) VALUES ${rows.map(() => "(?,?,?,?,?,?,?,?,?)").join(",")}`, rows.flat());
    await server.sql("UPDATE chat_groups SET log_size = ? WHERE id = ?", [Number(log_size) + rows.length, id]);
    assert.notDeepEqual(await activityCounterProblems(server), [], "rows written around GroupLog are not counted by themselves");
    await recountGroupActivity({ query: (sql, params) => server.sql(sql, params) }, id);
    await assertFiguresMatchRecount([1, 7]);
  });
});
