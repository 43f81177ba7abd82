import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { createGroup, mutate } from "../support/groups";
import { FaultyProxy } from "../support/faulty-proxy";
import { exited, gqlAt, startApiProcess } from "../support/processes";
import { engine, freshDatabaseUrl, serverMode, startTestServer, type TestServer, type Operation } from "../support/server";
import { ENDPOINT_FIELDS, type LoopbackCertificate, loopbackCertificate, type Receiver, startReceiver, testWebhookConfig } from "../support/webhooks";

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { ${ENDPOINT_FIELDS} } secret userErrors { code message field } } }`;
const FEED = `query($types: [String!]) { events(first: 100, types: $types) { edges { node { id type } } } }`;
const DELIVERIES = `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 100) { edges { node { eventId status attempts } } } } } }`;

async function endpointFor(server: { gql: TestServer["gql"] }, apiKey: string, receiver: Receiver, eventTypes: string[]): Promise<string> {
  const payload = ok(dataOf(await server.gql(CREATE, { input: { url: receiver.url, eventTypes, description: "instances" } }, apiKey)).createWebhookEndpoint);
  receiver.secret = payload.secret;
  return payload.endpoint.id;
}

const METRICS_TOKEN = "webhook-metrics-token-0123456789";

/** Attempts an instance made, by outcome, from its /metrics. */
async function attemptsOf(server: TestServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const counts: Record<string, number> = {};
  for (const [, outcome, value] of text.matchAll(/^gp_webhook_attempts_total\{outcome="(\w+)"\} (\d+)/gm)) counts[outcome] = Number(value);
  return counts;
}

/** webhook-id → how many requests carried it. */
function countsById(receiver: Receiver): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of receiver.received) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  return counts;
}

describe(`webhooks from two dispatchers on one database (${engine}, ${serverMode})`, { timeout: 600_000, skip: engine !== "mysql" && "two instances share a database on MariaDB/MySQL (SQLite is one process's file)" }, () => {
  let tls: LoopbackCertificate;
  let database: { url: string; drop: () => Promise<void> };
  let one: TestServer;
  let two: TestServer;
  let t: FixtureTenant;
  const receivers: Receiver[] = [];

  before(async () => {
    tls = loopbackCertificate();
    database = freshDatabaseUrl();
    one = await startTestServer({ databaseUrl: database.url, config: { metricsToken: METRICS_TOKEN, webhooks: testWebhookConfig(tls, { concurrency: 4 }) } });
    two = await startTestServer({ databaseUrl: database.url, platformToken: one.platformToken, config: { metricsToken: METRICS_TOKEN, webhooks: testWebhookConfig(tls, { concurrency: 4 }) } });
    t = await createTenant(one, { users: 4, policyOverrides: { dailyGroupCreationLimit: 1000 } });
  });
  after(async () => {
    await one.server.stop(2000);
    await two.server.stop(2000);
    await database.drop();
    for (const r of receivers) await r.close();
    tls.dispose();
  });

  it("never send one attempt twice: every event arrives once (twice for a receiver answering 500 first), whichever instance sends it", async () => {
    const steady = await startReceiver(tls);
    const flaky = await startReceiver(tls);
    receivers.push(steady, flaky);
    const seen = new Set<string>();
    flaky.answer = (request) => {
      if (seen.has(request.id)) return 200;
      seen.add(request.id);
      return 500;
    };
    await endpointFor(one, t.apiKey, steady, ["group.created", "member.joined", "message.created", "group.renamed"]);
    await endpointFor(two, t.apiKey, flaky, ["group.renamed"]);
    const [alice, bob, carol] = t.users;
    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i++) {
      const server = i % 2 ? one : two;
      writes.push(
        (async () => {
          const group = await createGroup(server, alice, [bob, carol], { name: `Group ${i}` });
          ok(await mutate(server, "renameGroup", { groupId: group.id, name: `Renamed ${i}` }, alice.token));
        })(),
      );
    }
    await Promise.all(writes);
    const events = dataOf(await one.gql(FEED, { types: ["group.created", "member.joined", "message.created", "group.renamed"] }, t.apiKey)).events.edges.map((e: any) => e.node);
    const renames = events.filter((e: any) => e.type === "group.renamed");
    assert.equal(renames.length, 20);
    await steady.until(() => countsById(steady).size >= events.length, "every event at the steady receiver");
    await flaky.until(() => flaky.received.length >= 2 * renames.length, "every rename twice at the flaky receiver");
    await sleep(1000);
    const steadyCounts = countsById(steady);
    assert.deepEqual([...steadyCounts.keys()].sort(), events.map((e: any) => e.id).sort());
    assert.ok([...steadyCounts.values()].every((n) => n === 1), "each event exactly once");
    const flakyCounts = countsById(flaky);
    assert.equal(flaky.received.length, 2 * renames.length);
    assert.ok([...flakyCounts.values()].every((n) => n === 2), "one failed attempt and one retry per event, never a duplicate");
    assert.ok([...steady.received, ...flaky.received].every((r) => r.verified));
    // Each instance counts its own attempts: together exactly what the receivers got.
    const [a1, a2] = [await attemptsOf(one), await attemptsOf(two)];
    const total = (c: Record<string, number>) => Object.values(c).reduce((x, y) => x + y, 0);
    assert.equal(total(a1) + total(a2), steady.received.length + flaky.received.length);
    assert.equal((a1.retrying ?? 0) + (a2.retrying ?? 0), renames.length);
    console.log(`attempts by instance: ${JSON.stringify(a1)} / ${JSON.stringify(a2)}`);
  });
});

describe(`webhooks survive kill -9 (${engine}, ${serverMode})`, { timeout: 600_000 }, () => {
  let tls: LoopbackCertificate;
  let database: { url: string; drop: () => Promise<void> };
  let admin: TestServer;
  let t: FixtureTenant;
  const receivers: Receiver[] = [];

  before(async () => {
    tls = loopbackCertificate();
    database = freshDatabaseUrl();
    // The admin server only sets up tenants and reads: its dispatcher is off.
    admin = await startTestServer({ databaseUrl: database.url, config: { webhooks: testWebhookConfig(tls, { dispatcherEnabled: false }) } });
    t = await createTenant(admin, { users: 3, policyOverrides: { dailyGroupCreationLimit: 1000 } });
  });
  after(async () => {
    await admin.server.stop(2000);
    await database.drop();
    for (const r of receivers) await r.close();
    tls.dispose();
  });

  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: database.url,
    PLATFORM_ADMIN_TOKEN: admin.platformToken,
    RATE_LIMIT: "off",
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
    WEBHOOK_CA_FILE: tls.certFile,
    WEBHOOK_RETRY_SCALE: "0.001",
    WEBHOOK_TIMEOUT_MS: "2000",
    WEBHOOK_POLL_MS: "50",
    ...extra,
  });

  async function renameThenKill(apiEnv: Record<string, string>, name: string): Promise<void> {
    const api = await startApiProcess(apiEnv);
    const group = await createGroup({ ...admin, gql: (q: Operation, v?: Record<string, unknown>, tok?: string | null) => gqlAt(api.url, q as string, v ?? {}, tok!) } as TestServer, t.users[0], [t.users[1], t.users[2]]);
    const renamed = await gqlAt(api.url, `mutation($input: RenameGroupInput!) { renameGroup(input: $input) { group { name } userErrors { code } } }`, { input: { groupId: group.id, name } }, t.users[0].token);
    assert.deepEqual(renamed.data.renameGroup.userErrors, []);
    api.child.kill("SIGKILL"); // right after the mutation's response
    await exited(api.child);
  }

  it("an event committed right before kill -9 is delivered after a restart", async () => {
    const receiver = await startReceiver(tls);
    receivers.push(receiver);
    const endpointId = await endpointFor(admin, t.apiKey, receiver, ["group.renamed"]);
    // The killed instance sends nothing: the delivery exists only in the database.
    await renameThenKill(env({ WEBHOOK_DISPATCHER: "off" }), "Before the crash");
    assert.equal(receiver.received.length, 0);
    const restarted = await startApiProcess(env());
    try {
      await receiver.until(() => receiver.received.length >= 1, "the delivery after restart");
      assert.equal(receiver.received[0].verified?.type, "group.renamed");
      assert.equal((receiver.received[0].verified?.data as any).name, "Before the crash");
    } finally {
      await restarted.stop();
    }
    const log = dataOf(await admin.gql(DELIVERIES, { id: endpointId }, t.apiKey)).node.deliveries.edges.map((e: any) => e.node);
    assert.deepEqual(log.map((d: any) => [d.status, d.attempts]), [["DELIVERED", 1]]);
  });

  it("an attempt in flight when the instance dies is sent again once its lease runs out", async () => {
    const receiver = await startReceiver(tls);
    receivers.push(receiver);
    receiver.answer = (_request, index) => (index === 0 ? "hang" : 200);
    await endpointFor(admin, t.apiKey, receiver, ["group.renamed"]);
    const api = await startApiProcess(env());
    const group = await createGroup({ ...admin, gql: (q: Operation, v?: Record<string, unknown>, tok?: string | null) => gqlAt(api.url, q as string, v ?? {}, tok!) } as TestServer, t.users[0], [t.users[1], t.users[2]]);
    await gqlAt(api.url, `mutation($input: RenameGroupInput!) { renameGroup(input: $input) { group { name } userErrors { code } } }`, { input: { groupId: group.id, name: "In flight" } }, t.users[0].token);
    await receiver.until(() => receiver.received.length >= 1, "the first attempt (left hanging)");
    api.child.kill("SIGKILL");
    await exited(api.child);
    const restarted = await startApiProcess(env());
    try {
      await receiver.until(() => receiver.received.length >= 2, "the attempt again after the lease");
      assert.equal(receiver.received[1].id, receiver.received[0].id, "the same webhook-id");
      assert.ok(receiver.received[1].verified);
    } finally {
      await restarted.stop();
    }
  });
});

describe(`the webhook dispatcher survives a database outage (${engine}, ${serverMode})`, { timeout: 600_000, skip: engine !== "mysql" && "the outage is simulated between the API and MariaDB" }, () => {
  let tls: LoopbackCertificate;
  let database: { url: string; drop: () => Promise<void> };
  let proxy: FaultyProxy;
  let server: TestServer;
  let receiver: Receiver;

  before(async () => {
    tls = loopbackCertificate();
    database = freshDatabaseUrl();
    const setup = await startTestServer({ databaseUrl: database.url, config: { webhooks: testWebhookConfig(tls, { dispatcherEnabled: false }) } });
    await setup.server.stop();
    proxy = new FaultyProxy();
    const direct = new URL(database.url);
    await proxy.start({ host: direct.hostname, port: Number(direct.port || 3306) });
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    // A day of retries scaled to about 90 s: the outage below does not exhaust them.
    server = await startTestServer({ databaseUrl: proxied.toString(), config: { webhooks: testWebhookConfig(tls, { retryScale: 0.001 }) } });
    receiver = await startReceiver(tls);
  });
  after(async () => {
    await server?.close();
    await proxy?.stop();
    await database?.drop();
    await receiver?.close();
    tls?.dispose();
  });

  it("pending deliveries go out once the database is back, without a restart", async () => {
    const t = await createTenant(server, { users: 3 });
    let healthy = false;
    receiver.answer = () => (healthy ? 200 : 503);
    await endpointFor(server, t.apiKey, receiver, ["group.created", "member.joined"]);
    await createGroup(server, t.users[0], [t.users[1], t.users[2]]);
    await receiver.until(() => receiver.received.length >= 4, "failing first attempts");
    const errorsBefore = server.server.app.webhookDispatcher.claimErrors;
    proxy.sever();
    await waitForCondition(() => server.server.app.webhookDispatcher.claimErrors > errorsBefore, "the dispatcher to notice the outage");
    healthy = true;
    await sleep(1000);
    proxy.restore();
    const events = dataOf(await server.gql(FEED, { types: ["group.created", "member.joined"] }, t.apiKey)).events.edges.map((e: any) => e.node.id);
    await receiver.until(() => events.every((id: string) => receiver.received.some((r) => r.id === id && r.status === 200)), "every event delivered after the outage");
    assert.ok(receiver.received.every((r) => r.verified));
  });
});

async function waitForCondition(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
