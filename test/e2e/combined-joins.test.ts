import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type Connection, createConnection } from "mysql2/promise";
import { CreateCodeDocument, JoinByCodeDocument } from "../generated/graphql";
import { addContacts, createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { codes, createGroup, mutate, permanentCode } from "../support/groups";
import { assertInvariants } from "../support/invariants";
import { groupLockWaiters } from "../support/lock-waits";
import { engine, startTestServer, type TestServer } from "../support/server";

const rowId = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1];
/** In production /metrics needs METRICS_TOKEN: the scrapes send it in every mode. */
const SCRAPE_TOKEN = "combined-joins-scrape";

/** A counter or histogram series from /metrics (0 when absent). */
async function metric(server: TestServer, series: string): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/**
 * Holds a group's row lock from a connection of its own while `send` sends requests, until
 * `waiters` transactions wait on it in MariaDB (its process list), then `settleMs` more, runs
 * `meanwhile` in the holder's transaction, then releases it and returns what `send` gave. Fails after 20 s, well within InnoDB's 50 s lock wait,
 * whose timeout would re-run a waiting transaction on another connection.
 */
async function whileLocked<T>(
  server: TestServer,
  groupRowId: string,
  { waiters, settleMs = 0, meanwhile }: { waiters: number; settleMs?: number; meanwhile?: (holder: Connection) => Promise<unknown> },
  send: () => Promise<T>,
): Promise<T> {
  const holder = await createConnection(server.databaseUrl);
  const database = new URL(server.databaseUrl).pathname.slice(1);
  try {
    await holder.query("START TRANSACTION");
    await holder.query("SELECT id FROM chat_groups WHERE id = ? FOR UPDATE", [groupRowId]);
    const sent = send();
    for (const deadline = Date.now() + 20_000; ; await sleep(20)) {
      assert.ok(Date.now() < deadline, `${waiters} transaction(s) never waited on the group's lock together`);
      if ((await groupLockWaiters(holder, database)) >= waiters) break;
    }
    await sleep(settleMs);
    await meanwhile?.(holder);
    await holder.query("COMMIT");
    return await sent;
  } finally {
    await holder.end();
  }
}

/**
 * Concurrent code joins into one group are admitted in one transaction (src/common/combiner.ts,
 * GroupCodeService.joinCombined) on MariaDB: each joiner gets exactly the answer it would get
 * alone, and the group's history, seats, counters and evidence come out as if they had joined one
 * after another.
 */
describe(`code joins combined into one transaction (${engine})`, { skip: engine !== "mysql" && "combining runs on MySQL/MariaDB only" }, () => {
  let server: TestServer;
  let t: FixtureTenant;
  /** Tenants made by single tests: the invariants are checked over every tenant on the server. */
  const crowds: FixtureTenant[] = [];
  /** Groups of up to 1000, filled through codes. */
  const policyOverrides = { permanentCodeRefreshable: true, maxGroupSize: 1000, directAddLimit: 1000, codeJoinCap: 1000, permanentCodeMaxMembers: 1000 };
  before(async () => {
    server = await startTestServer({ config: { metricsToken: SCRAPE_TOKEN } });
    t = await createTenant(server, { users: 50, policyOverrides });
  });

  /** A tenant of its own: a group of its owner and two founders, and `count` other users to join it. */
  async function crowdGroup(count: number) {
    const crowd = await createTenant(server, { users: count + 3, allContacts: false, policyOverrides });
    crowds.push(crowd);
    const [owner, m1, m2, ...joiners] = crowd.users;
    await addContacts(server, crowd, [[owner, m1], [owner, m2]]);
    return { owner, joiners, group: await createGroup(server, owner, [m1, m2]) };
  }
  after(() => server.close());

  it("joins queued on the group's lock go in one batch: the banned one is refused, a member keeps their membership, every other joins and is welcomed", { timeout: 300_000 }, async () => {
    const [owner, m1, m2, member, bannedUser, ...joiners] = t.users;
    const group = await createGroup(server, owner, [m1, m2]);
    ok(await mutate(server, "updateGroupSettings", { groupId: group.id, welcomeMessage: "Welcome, %NICKNAME%!" }, owner.token));
    const code = await permanentCode(server, owner, group.id);
    ok(dataOf(await server.gql(JoinByCodeDocument, { input: { token: code.token } }, member.token)).joinGroupByCode);
    await server.sql("INSERT INTO group_bans (group_id, user_id, tenant_id, banned_by, created_at) VALUES (?, ?, ?, ?, ?)", [rowId(group.id), rowId(bannedUser.id), rowId(t.id), rowId(owner.id), Date.now()]);
    const batchesBefore = await metric(server, "gp_code_join_batch_size_count");
    const singlesBefore = await metric(server, 'gp_code_join_batch_size_bucket{le="1"}');

    // Hold the group's row lock so that every join is waiting when it is released: the first join's
    // batch waits on the holder, the others queue behind it in the combiner.
    const answers = await whileLocked(server, rowId(group.id), { waiters: 1, settleMs: 1000 }, () =>
      Promise.all([...joiners, member, bannedUser].map(async (u) => dataOf(await server.gql(JoinByCodeDocument, { input: { token: code.token } }, u.token)).joinGroupByCode)),
    );

    const byUser = new Map([...joiners, member, bannedUser].map((u, i) => [u.id, answers[i]]));
    for (const u of joiners) assert.deepEqual(codes(byUser.get(u.id)!), [], `${u.displayName} joins`);
    assert.deepEqual(codes(byUser.get(member.id)!), [], "a member gets their membership back");
    assert.ok(byUser.get(member.id)!.member, "a member gets their membership back");
    assert.deepEqual(codes(byUser.get(bannedUser.id)!), ["BANNED"]);

    const [stored] = await server.sql("SELECT member_count, log_size FROM chat_groups WHERE id = ?", [rowId(group.id)]);
    assert.equal(Number(stored.member_count), 3 + 1 + joiners.length);
    const welcomes = await server.sql("SELECT COUNT(*) AS n FROM group_log WHERE group_id = ? AND kind = 'WELCOME_MESSAGE'", [rowId(group.id)]);
    assert.equal(Number(welcomes[0].n), 1 + joiners.length, "every joiner is welcomed once");
    const [code_] = await server.sql("SELECT uses FROM group_codes WHERE id = ?", [rowId(code.id)]);
    assert.equal(Number(code_.uses), 1 + joiners.length, "each join counts one use; the refused and the member none");

    // Combining happened: some batch admitted more than one join.
    const batches = (await metric(server, "gp_code_join_batch_size_count")) - batchesBefore;
    const singles = (await metric(server, 'gp_code_join_batch_size_bucket{le="1"}')) - singlesBefore;
    assert.ok(batches > singles, `a batch of more than one join (${batches} batches, ${singles} of one)`);
    assert.ok((await metric(server, 'gp_code_joins_combined_total{outcome="combined"}')) >= joiners.length - 1);

    // History without gaps, counters equal to a recount, and a Merkle log whose signed heads verify.
    await assertInvariants(server, [t]);
  });

  it("a batch built on the group as foreseen, whose row changed while it waited for the lock, runs again on the row as it is", { timeout: 300_000 }, async () => {
    const [owner, m1, m2, ...rest] = t.users;
    const joiners = rest.slice(0, 20);
    const group = await createGroup(server, owner, [m1, m2]);
    ok(await mutate(server, "updateGroupSettings", { groupId: group.id, welcomeMessage: "Old welcome" }, owner.token));
    const code = await permanentCode(server, owner, group.id);
    // One join first: the code's group is then known, and the next batch reads the group with its other reads.
    ok(dataOf(await server.gql(JoinByCodeDocument, { input: { token: code.token } }, joiners[0].token)).joinGroupByCode);
    const [{ log_size: sizeBefore }] = await server.sql("SELECT log_size FROM chat_groups WHERE id = ?", [rowId(group.id)]);
    const changedBefore = await metric(server, 'gp_code_join_batches_total{group_row="changed"}');
    // While the next batch waits for the lock, the lock's holder changes the welcome message.
    const answers = await whileLocked(
      server,
      rowId(group.id),
      { waiters: 1, settleMs: 300, meanwhile: (holder) => holder.query("UPDATE chat_groups SET welcome_message = 'New welcome' WHERE id = ?", [rowId(group.id)]) },
      () => Promise.all(joiners.slice(1).map(async (u) => dataOf(await server.gql(JoinByCodeDocument, { input: { token: code.token } }, u.token)).joinGroupByCode)),
    );
    for (const answer of answers) assert.deepEqual(codes(answer), []);
    assert.ok((await metric(server, 'gp_code_join_batches_total{group_row="changed"}')) > changedBefore, "a batch found the row changed");
    const welcomes = await server.sql("SELECT text FROM group_log WHERE group_id = ? AND kind = 'WELCOME_MESSAGE' AND seq > ?", [rowId(group.id), Number(sizeBefore)]);
    assert.deepEqual([...new Set(welcomes.map((w: { text: string }) => w.text))], ["New welcome"], "every later joiner is welcomed with the message as it is");
    assert.equal(welcomes.length, joiners.length - 1);
    const [stored] = await server.sql("SELECT member_count, welcome_message FROM chat_groups WHERE id = ?", [rowId(group.id)]);
    assert.deepEqual([Number(stored.member_count), stored.welcome_message], [3 + joiners.length, "New welcome"]);
    await assertInvariants(server, [t]);
  });

  it("a code with maxUses: 5 admits exactly 5 of 30 concurrent joiners, the rest CODE_EXHAUSTED", { timeout: 300_000 }, async () => {
    const [owner, m1, m2, ...rest] = t.users;
    const joiners = rest.slice(0, 30);
    const group = await createGroup(server, owner, [m1, m2]);
    const code = ok(dataOf(await server.gql(CreateCodeDocument, { input: { groupId: group.id, type: "PERMANENT", maxUses: 5 } }, owner.token)).createGroupCode).code!;
    const answers = await Promise.all(joiners.map(async (u) => dataOf(await server.gql(JoinByCodeDocument, { input: { token: code.token } }, u.token)).joinGroupByCode));
    assert.equal(answers.filter((a) => a.member).length, 5);
    assert.deepEqual([...new Set(answers.filter((a) => !a.member).flatMap(codes))], ["CODE_EXHAUSTED"]);
    const [stored] = await server.sql("SELECT member_count FROM chat_groups WHERE id = ?", [rowId(group.id)]);
    assert.equal(Number(stored.member_count), 3 + 5);
    await assertInvariants(server, [t]);
  });

  it("more joiners than two full batches (a second batch waits for the first to commit, a third queues): a code with maxUses 150 admits exactly 150 of 250, the rest CODE_EXHAUSTED", { timeout: 300_000 }, async () => {
    const { owner, joiners, group } = await crowdGroup(250);
    const code = ok(dataOf(await server.gql(CreateCodeDocument, { input: { groupId: group.id, type: "PERMANENT", maxUses: 150 } }, owner.token)).createGroupCode).code!;
    const combinedBefore = await metric(server, 'gp_code_joins_combined_total{outcome="combined"}');
    const changedBefore = await metric(server, 'gp_code_join_batches_total{group_row="changed"}');
    // Hold the group's row lock until the first batch waits on it, and a while longer: the second
    // batch (started when a full one waits) reads meanwhile and waits for the first to commit, the rest queue.
    const answers = await whileLocked(server, rowId(group.id), { waiters: 1, settleMs: 500 }, () =>
      Promise.all(joiners.map(async (u) => dataOf(await server.gql(JoinByCodeDocument, { input: { token: code.token } }, u.token)).joinGroupByCode)),
    );
    assert.equal(answers.filter((a) => a.member).length, 150);
    assert.deepEqual([...new Set(answers.filter((a) => !a.member).flatMap(codes))], ["CODE_EXHAUSTED"]);
    const [stored] = await server.sql("SELECT member_count, log_size FROM chat_groups WHERE id = ?", [rowId(group.id)]);
    assert.equal(Number(stored.member_count), 3 + 150);
    assert.ok((await metric(server, 'gp_code_joins_combined_total{outcome="combined"}')) > combinedBefore, "joins were combined");
    // Nothing but these batches changed the group: each was built on the one before it as committed, and none ran again.
    assert.equal((await metric(server, 'gp_code_join_batches_total{group_row="changed"}')) - changedBefore, 0, "no batch found the group other than foreseen");
    await assertInvariants(server, [t, ...crowds]);
  });

  it("the group changed under two batches in flight: the batch that finds it changed runs again, the batches after it build on what it left, and all 150 join", { timeout: 300_000 }, async () => {
    const { owner, joiners, group } = await crowdGroup(150);
    const code = await permanentCode(server, owner, group.id);
    const changedBefore = await metric(server, 'gp_code_join_batches_total{group_row="changed"}');
    const foreseenBefore = await metric(server, 'gp_code_join_batches_total{group_row="foreseen"}');
    // The first batch's writes wait on the lock, the second (a full batch waited) waits for them;
    // the holder changes the group's name before letting go, so the first batch runs again and
    // the one after it builds on what that second attempt left.
    const answers = await whileLocked(
      server,
      rowId(group.id),
      { waiters: 1, settleMs: 500, meanwhile: (holder) => holder.query("UPDATE chat_groups SET name = 'Renamed' WHERE id = ?", [rowId(group.id)]) },
      () => Promise.all(joiners.map(async (u) => dataOf(await server.gql(JoinByCodeDocument, { input: { token: code.token } }, u.token)).joinGroupByCode)),
    );
    for (const answer of answers) assert.deepEqual(codes(answer), []);
    assert.equal(answers.filter((a) => a.member).length, 150);
    const [stored] = await server.sql("SELECT member_count, name FROM chat_groups WHERE id = ?", [rowId(group.id)]);
    assert.deepEqual([Number(stored.member_count), stored.name], [3 + 150, "Renamed"]);
    const changed = (await metric(server, 'gp_code_join_batches_total{group_row="changed"}')) - changedBefore;
    const foreseen = (await metric(server, 'gp_code_join_batches_total{group_row="foreseen"}')) - foreseenBefore;
    assert.equal(changed, 1, "only the batch that found the row changed ran again");
    assert.ok(foreseen >= 1, "the batches after them went as foreseen");
    await assertInvariants(server, [t, ...crowds]);
  });
});

