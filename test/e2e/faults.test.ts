import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { addContacts, createTenant, dataOf, type FixtureTenant } from "../support/fixtures";
import { assertCountsConsistent, createGroup } from "../support/groups";
import { exited, gqlAt, startApiProcess } from "../support/processes";
import { FaultyProxy } from "../support/faulty-proxy";
import { engine, freshDatabaseUrl, startTestServer, type TestServer } from "../support/server";

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { seq } userErrors { code } } }`;

describe(`database outage under load (${engine})`, { skip: engine !== "mysql" && "the outage is simulated between the API and MariaDB" }, () => {
  let proxy: FaultyProxy;
  let server: TestServer;
  let t: FixtureTenant;
  let groupId: string;
  let dropDatabase: () => Promise<void>;

  before(async () => {
    const database = freshDatabaseUrl();
    dropDatabase = database.drop;
    const direct = new URL(database.url);
    // Create and migrate the database directly, then serve through the proxy.
    const setup = await startTestServer({ databaseUrl: database.url });
    await setup.server.stop();
    proxy = new FaultyProxy();
    await proxy.start({ host: direct.hostname, port: Number(direct.port || 3306) });
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    server = await startTestServer({ databaseUrl: proxied.toString(), config: { rateLimit: { enabled: false, capacity: 1, leakPerSecond: 1 } } });
    t = await createTenant(server, { users: 4 });
    groupId = (await createGroup(server, t.users[0], t.users.slice(1))).id;
  });
  after(async () => {
    await server?.close();
    await proxy?.stop();
    await dropDatabase?.();
  });

  it("fails fast with 503 while the database is away, and recovers without a restart", { timeout: 600_000 }, async () => {
    let stop = false;
    const outcomes: Array<{ status: number; ms: number; code?: string }> = [];
    const worker = async (i: number) => {
      while (!stop) {
        const started = Date.now();
        try {
          const r = await gqlAt(server.url, SEND, { input: { groupId, text: `load ${i}` } }, t.users[i % 4].token);
          outcomes.push({ status: r.status, ms: Date.now() - started, code: r.errors?.[0]?.extensions?.code });
        } catch {
          outcomes.push({ status: 0, ms: Date.now() - started });
        }
        await sleep(5);
      }
    };
    const workers = Array.from({ length: 8 }, (_, i) => worker(i));
    await sleep(1000);
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200);

    proxy.sever();
    const outageStart = outcomes.length;
    let health = 200;
    for (let i = 0; i < 40 && health !== 503; i++) {
      health = (await fetch(`${server.base}/healthz`)).status;
      await sleep(100);
    }
    assert.equal(health, 503, "/healthz reports the outage");
    await sleep(2000);
    const during = outcomes.slice(outageStart + 8); // skip requests that were already in flight
    assert.ok(during.length > 0, "requests keep being answered");
    assert.ok(during.every((o) => o.status === 503 && o.code === "SERVICE_UNAVAILABLE"), JSON.stringify(during.slice(0, 5)));
    assert.ok(during.every((o) => o.ms < 3000), "and fast, not after a long hang");

    proxy.restore();
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = (await fetch(`${server.base}/healthz`)).status === 200;
      await sleep(100);
    }
    assert.ok(recovered, "/healthz recovers by itself");
    const afterRestore = outcomes.length;
    await sleep(1500);
    stop = true;
    await Promise.all(workers);
    const after = outcomes.slice(afterRestore);
    assert.ok(after.length > 0 && after.every((o) => o.status === 200), "writes succeed again");

    // Invariants: counts, gap-free history, intact evidence.
    await assertCountsConsistent(server);
    const rowId = Buffer.from(groupId, "base64url").toString().split(":")[1];
    const [log] = await server.sql("SELECT COUNT(*) AS n, MAX(seq) AS top FROM group_log WHERE group_id = ?", [rowId]);
    assert.equal(Number(log.n), Number(log.top), "no gaps in the history");
    assert.equal(dataOf(await server.gql(`query($id: ID!) { verifyEvidence(groupId: $id) { valid } }`, { id: groupId }, t.apiKey)).verifyEvidence.valid, true);
  });
});

describe(`a crash in the middle of a mutation (${engine})`, () => {
  let database: { url: string; drop: () => Promise<void> };
  let admin: TestServer;
  before(async () => {
    database = freshDatabaseUrl();
    admin = await startTestServer({ databaseUrl: database.url });
  });
  after(async () => {
    await admin.server.stop();
    await database.drop();
  });

  it("leaves no partial write: a big createGroup killed with SIGKILL is all there or not at all", { timeout: 600_000 }, async () => {
    const t = await createTenant(admin, { plan: "ENTERPRISE_CERTIFIED", users: 251, allContacts: false, qualifications: { dataUsageRulesUrl: "https://x.example/rules" }, policyOverrides: { dailyGroupCreationLimit: 1000, bulkActionThreshold: 100000 } });
    await addContacts(admin, t, t.users.slice(1).map((u) => [t.users[0], u]));
    const memberIds = t.users.slice(1).map((u) => u.id);
    for (const delay of [10, 40, 120]) {
      const api = await startApiProcess({ DATABASE_URL: database.url, PLATFORM_ADMIN_TOKEN: admin.platformToken, RATE_LIMIT: "off" });
      const pending = gqlAt(api.url, `mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { code } } }`, { input: { name: `Crash ${delay}`, memberIds } }, t.users[0].token).catch(() => null);
      await sleep(delay);
      api.child.kill("SIGKILL");
      await pending;
      // Killed by a signal, a child's exitCode stays null: waiting on that alone hung once the
      // "exit" event had already passed.
      await exited(api.child);
      const groups = await admin.sql("SELECT id, member_count, log_size FROM chat_groups WHERE name = ?", [`Crash ${delay}`]);
      if (groups.length) {
        const [g] = groups;
        const [members] = await admin.sql("SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?", [g.id]);
        const [log] = await admin.sql("SELECT COUNT(*) AS n FROM group_log WHERE group_id = ?", [g.id]);
        assert.equal(Number(g.member_count), 251, `delay ${delay}: a group that exists is complete`);
        assert.equal(Number(members.n), 251);
        assert.equal(Number(log.n), Number(g.log_size));
      }
    }
    await assertCountsConsistent(admin);
  });
});
