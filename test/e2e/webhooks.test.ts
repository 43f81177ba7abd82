import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { rowIdOf } from "../../src/common/global-id";
import { newId } from "../../src/common/ids";
import { dataOf, errorCodes, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { createGroup, mutate } from "../support/groups";
import { engine, production, serverMode, startTestServer, type TestServer } from "../support/server";
import { feedPages } from "../support/events";
import { snapshotAll } from "../support/snapshot";
import { DELIVERY_FIELDS, ENDPOINT_FIELDS, type LoopbackCertificate, loopbackCertificate, type Receiver, startReceiver, testWebhookConfig } from "../support/webhooks";

const ERR = "userErrors { code message field }";
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { ${ENDPOINT_FIELDS} } secret ${ERR} } }`;
const UPDATE = `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { endpoint { ${ENDPOINT_FIELDS} } ${ERR} } }`;
const DELETE = `mutation($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) { deletedEndpointId ${ERR} } }`;
const ROTATE = `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret endpoint { id } ${ERR} } }`;
const REDELIVER = `mutation($input: RedeliverWebhookEventInput!) { redeliverWebhookEvent(input: $input) { delivery { ${DELIVERY_FIELDS} } ${ERR} } }`;
const ENDPOINTS = `query($first: Int, $after: String, $status: WebhookDeliveryStatus) { webhookEndpoints(first: $first, after: $after) { totalCount edges { cursor node { ${ENDPOINT_FIELDS} deliveries(first: 10, status: $status) { totalCount edges { node { ${DELIVERY_FIELDS} } } } } } pageInfo { hasNextPage endCursor } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } ${ERR} } }`;

/** The tenant's events of these types, as the feed has them. */
async function feed(server: TestServer, apiKey: string, types: string[]): Promise<any[]> {
  return (await feedPages(server, apiKey, { types })).nodes;
}

async function createEndpoint(server: TestServer, apiKey: string, receiver: Receiver, eventTypes: string[], description = "test receiver"): Promise<{ endpoint: any; secret: string }> {
  const payload = ok(dataOf(await server.gql(CREATE, { input: { url: receiver.url, eventTypes, description } }, apiKey)).createWebhookEndpoint, "createWebhookEndpoint");
  receiver.secret = payload.secret;
  return payload;
}

async function deliveries(server: TestServer, apiKey: string, endpointId: string): Promise<any[]> {
  const node = dataOf(await server.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 100) { edges { node { ${DELIVERY_FIELDS} } } } } } }`, { id: endpointId }, apiKey)).node;
  return node.deliveries.edges.map((e: any) => e.node);
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe(`webhooks (${engine}, ${serverMode})`, { timeout: 600_000 }, () => {
  let tls: LoopbackCertificate;
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = await startReceiver(tls);
    receivers.push(r);
    return r;
  };

  before(async () => {
    tls = loopbackCertificate();
    server = await startTestServer({ config: { webhooks: testWebhookConfig(tls) } });
    [a, b] = await twoTenants(server, { users: 4, policyOverrides: { dailyGroupCreationLimit: 100 } });
  });
  after(async () => {
    await server.close();
    for (const r of receivers) await r.close();
    tls.dispose();
  });

  it("a receiver gets exactly the committed events of its types, each verified by standardwebhooks; nothing for a refusal or another tenant", async () => {
    const types = ["group.created", "member.joined", "message.created"];
    const ra = await receiver();
    const rb = await receiver();
    const { endpoint, secret } = await createEndpoint(server, a.apiKey, ra, types);
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(endpoint.eventTypes, types);
    assert.equal(endpoint.enabled, true);
    await createEndpoint(server, b.apiKey, rb, types);

    const [alice, bob, carol, dave] = a.users;
    const group = await createGroup(server, alice, [bob, carol]);
    ok(dataOf(await server.gql(SEND, { input: { groupId: group.id, text: "hello" } }, bob.token)).sendMessage);
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Renamed" }, alice.token)); // not subscribed
    // Refusals: a non-member's message and an empty group name change nothing and send nothing.
    // (Deliveries already under way change as they are sent: that table is compared by its events below.)
    const tables = async () => {
      const { webhook_deliveries: _sending, ...rest } = await snapshotAll(server);
      return rest;
    };
    const before = await tables();
    const refused = dataOf(await server.gql(SEND, { input: { groupId: group.id, text: "let me in" } }, dave.token)).sendMessage;
    assert.ok(refused.userErrors.length > 0);
    assert.deepEqual(await tables(), before, "a refusal leaves every table as it was");
    ok(dataOf(await server.gql(SEND, { input: { groupId: group.id, text: "bye" } }, carol.token)).sendMessage);

    const expected = await feed(server, a.apiKey, types);
    assert.ok(expected.length >= 5, `${expected.length} events`);
    await ra.until(() => ra.received.length >= expected.length, "every event");
    await sleep(500); // nothing more arrives
    assert.equal(ra.received.length, expected.length, "each event exactly once (all answered 204)");
    assert.deepEqual(ra.received.map((r) => r.id).sort(), expected.map((e) => e.id).sort(), "webhook-id is the event id");
    for (const request of ra.received) {
      assert.ok(request.verified, `verified by standardwebhooks: ${request.id}`);
      const event = expected.find((e) => e.id === request.id);
      assert.equal(request.verified.type, event.type);
      assert.equal(request.verified.timestamp, event.createdAt);
      assert.deepEqual(request.verified.data, event.data);
      assert.match(request.signature, /^v1,[A-Za-z0-9+/]+=*$/);
    }
    assert.ok(!ra.received.some((r) => r.verified?.type === "group.renamed"));
    // Tenant B's receiver heard nothing of A.
    assert.ok(rb.received.every((r) => !expected.some((e) => e.id === r.id)));

    const log = await deliveries(server, a.apiKey, endpoint.id);
    assert.equal(log.length, expected.length);
    assert.ok(log.every((d) => d.status === "DELIVERED" && d.attempts === 1 && d.lastResponseStatus === 204 && d.nextAttemptAt === null));
    assert.deepEqual(log.map((d) => d.eventId).sort(), expected.map((e) => e.id).sort());
  });

  it("the dispatcher looks for deliveries when a commit enqueued some, not at every event (polling set to 10 minutes)", async () => {
    const quiet = await startTestServer({ config: { webhooks: testWebhookConfig(tls, { pollMs: 600_000 }) } });
    try {
      const [withEndpoint, without] = await twoTenants(quiet, { users: 3 });
      const r = await receiver();
      await createEndpoint(quiet, withEndpoint.apiKey, r, ["message.created"]);
      const dispatcher = quiet.server.app.webhookDispatcher;
      // Events of a tenant with no endpoint: committed, announced, and no claim.
      const idle = await createGroup(quiet, without.users[0], [without.users[1], without.users[2]]);
      await sleep(200);
      const claimsBefore = dispatcher.claims;
      for (const text of ["one", "two", "three"]) ok(dataOf(await quiet.gql(SEND, { input: { groupId: idle.id, text } }, without.users[1].token)).sendMessage);
      await sleep(500);
      assert.equal(dispatcher.claims, claimsBefore, "no claim for events without deliveries");
      // A message with a delivery wakes the dispatcher at its commit: sent long before the next poll.
      const group = await createGroup(quiet, withEndpoint.users[0], [withEndpoint.users[1], withEndpoint.users[2]]);
      ok(dataOf(await quiet.gql(SEND, { input: { groupId: group.id, text: "wake up" } }, withEndpoint.users[1].token)).sendMessage);
      await r.until(() => r.received.length >= 1, "the delivery, without waiting for the poll");
      assert.ok(dispatcher.claims > claimsBefore);
    } finally {
      await quiet.close();
    }
  });

  it("a receiver that answers 500 first gets the same webhook-id again; the log shows both attempts", async () => {
    const r = await receiver();
    const seen = new Set<string>();
    r.answer = (request) => {
      if (seen.has(request.id)) return 200;
      seen.add(request.id);
      return 500;
    };
    const { endpoint } = await createEndpoint(server, a.apiKey, r, ["group.renamed"]);
    const group = await createGroup(server, a.users[0], [a.users[1], a.users[2]]);
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Once more" }, a.users[0].token));
    await r.until(() => r.received.length >= 2, "the retry");
    await sleep(300);
    assert.equal(r.received.length, 2);
    assert.equal(r.received[0].id, r.received[1].id, "the same webhook-id on the retry");
    assert.deepEqual(r.received.map((x) => x.status), [500, 200]);
    assert.ok(r.received.every((x) => x.verified?.type === "group.renamed"));
    const [delivery] = await waitFor("DELIVERED", async () => {
      const log = await deliveries(server, a.apiKey, endpoint.id);
      return log[0]?.status === "DELIVERED" ? log : null;
    });
    assert.equal(delivery.attempts, 2);
    assert.equal(delivery.lastResponseStatus, 200);
  });

  it("an attempt without an answer within the timeout is retried (over plain http outside production)", async () => {
    // WEBHOOK_TIMEOUT_MS is 2 s here (15 s by default).
    const r = production ? await receiver() : await startReceiver(null);
    if (!production) receivers.push(r);
    r.answer = (_request, index) => (index === 0 ? "hang" : 200);
    const { endpoint } = await createEndpoint(server, a.apiKey, r, ["group.renamed"]);
    if (!production) assert.match(endpoint.url, /^http:/);
    const group = await createGroup(server, a.users[0], [a.users[1], a.users[2]]);
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Slow receiver" }, a.users[0].token));
    const [delivered] = await waitFor("DELIVERED", async () => {
      const log = await deliveries(server, a.apiKey, endpoint.id);
      return log[0]?.status === "DELIVERED" ? log : null;
    });
    assert.equal(delivered.attempts, 2);
    assert.equal(r.received.length, 2);
    assert.equal(r.received[0].id, r.received[1].id);
    assert.ok(r.received[1].verified);
  });

  it("retries end as FAILED after the retry span; redelivery sends the same webhook-id again", async () => {
    const r = await receiver();
    let healthy = false;
    r.answer = () => (healthy ? 200 : 503);
    const { endpoint } = await createEndpoint(server, a.apiKey, r, ["group.renamed"]);
    const group = await createGroup(server, a.users[0], [a.users[1], a.users[2]]);
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Doomed" }, a.users[0].token));
    // WEBHOOK_RETRY_SCALE shortens the 24 h span to about 4 s here.
    const [failed] = await waitFor("FAILED", async () => {
      const log = await deliveries(server, a.apiKey, endpoint.id);
      return log[0]?.status === "FAILED" ? log : null;
    });
    assert.ok(failed.attempts >= 5, `${failed.attempts} attempts with growing delays`);
    assert.equal(failed.attempts, r.received.length);
    assert.equal(failed.lastResponseStatus, 503);
    assert.equal(failed.nextAttemptAt, null);
    assert.ok(r.received.every((x) => x.id === failed.eventId && x.verified));
    const gaps = r.received.slice(1).map((x, i) => Number(x.timestamp) - Number(r.received[i].timestamp));
    assert.ok(gaps.every((g) => g >= 0));

    healthy = true;
    const count = r.received.length;
    const again = ok(dataOf(await server.gql(REDELIVER, { input: { deliveryId: failed.id } }, a.apiKey)).redeliverWebhookEvent);
    assert.equal(again.delivery.status, "PENDING");
    await r.until(() => r.received.length > count, "the redelivery");
    assert.equal(r.received[count].id, failed.eventId, "redelivery keeps the webhook-id");
    const [done] = await waitFor("DELIVERED", async () => {
      const log = await deliveries(server, a.apiKey, endpoint.id);
      return log[0]?.status === "DELIVERED" ? log : null;
    });
    assert.equal(done.attempts, count + 1);

    // Redelivery is the tenant key's, of its own deliveries only.
    const foreign = dataOf(await server.gql(REDELIVER, { input: { deliveryId: failed.id } }, b.apiKey)).redeliverWebhookEvent;
    assert.deepEqual(foreign.userErrors.map((e: any) => e.code), ["NOT_FOUND"]);
    assert.deepEqual(errorCodes(await server.gql(REDELIVER, { input: { deliveryId: failed.id } }, a.users[0].token)), ["NOT_PERMITTED"]);
  });

  it("manages endpoints: list, update types, disable (pending deliveries end), rotate the secret, delete", async () => {
    const r = await receiver();
    r.answer = () => "hang";
    const { endpoint, secret } = await createEndpoint(server, a.apiKey, r, ["group.renamed"], "managed");
    const list = dataOf(await server.gql(ENDPOINTS, { first: 50 }, a.apiKey)).webhookEndpoints;
    assert.ok(list.edges.some((e: any) => e.node.id === endpoint.id && e.node.description === "managed"));
    const otherList = dataOf(await server.gql(ENDPOINTS, { first: 50 }, b.apiKey)).webhookEndpoints;
    assert.ok(!otherList.edges.some((e: any) => e.node.id === endpoint.id), "another tenant's list does not have it");
    assert.deepEqual(errorCodes(await server.gql(ENDPOINTS, { first: 1 }, a.users[0].token)), ["NOT_PERMITTED"]);
    assert.equal(dataOf(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: endpoint.id }, a.users[0].token)).node, null, "users cannot see endpoints");
    assert.equal(dataOf(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: endpoint.id }, b.apiKey)).node, null);

    const updated = ok(dataOf(await server.gql(UPDATE, { input: { endpointId: endpoint.id, eventTypes: ["group.renamed", "member.left"] } }, a.apiKey)).updateWebhookEndpoint);
    assert.deepEqual(updated.endpoint.eventTypes, ["group.renamed", "member.left"]);
    const unknown = dataOf(await server.gql(UPDATE, { input: { endpointId: endpoint.id, eventTypes: ["group.exploded"] } }, a.apiKey)).updateWebhookEndpoint;
    assert.equal(unknown.userErrors[0].code, "INVALID_INPUT");
    assert.deepEqual(unknown.userErrors[0].field, ["input", "eventTypes", "0"]);

    // The receiver hangs: the delivery stays PENDING; disabling the endpoint ends it as FAILED.
    const group = await createGroup(server, a.users[0], [a.users[1], a.users[2]]);
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Hanging" }, a.users[0].token));
    await r.until(() => r.received.length >= 1, "the first attempt");
    const disabled = ok(dataOf(await server.gql(UPDATE, { input: { endpointId: endpoint.id, enabled: false } }, a.apiKey)).updateWebhookEndpoint);
    assert.equal(disabled.endpoint.enabled, false);
    const [ended] = await deliveries(server, a.apiKey, endpoint.id);
    assert.equal(ended.status, "FAILED");
    assert.equal(ended.lastError, "the endpoint was disabled");
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Unheard" }, a.users[0].token));
    assert.equal((await deliveries(server, a.apiKey, endpoint.id)).length, 1, "a disabled endpoint gets no deliveries");
    // A change that read the endpoint as enabled before it was disabled (endpoints are read before the
    // group's row lock) still enqueues its delivery ("Unheard"): the dispatcher ends it unsent, as disabling does.
    const late = newId();
    const now = Date.now();
    await server.sql(
      `INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, retrying_since, created_at)
       SELECT ?, tenant_id, ?, id, type, 'PENDING', 0, ?, ?, ? FROM events WHERE group_id = ? AND type = 'group.renamed' ORDER BY created_at DESC, id DESC LIMIT 1`,
      [late, rowIdOf(endpoint.id, "WebhookEndpoint"), now, now, now, rowIdOf(group.id, "Group")],
    );
    const [lateRow] = await waitFor("the late delivery to end", async () => {
      const rows = await server.sql("SELECT status, last_error FROM webhook_deliveries WHERE id = ?", [late]);
      return rows[0]?.status !== "PENDING" && rows;
    });
    assert.deepEqual({ ...lateRow }, { status: "FAILED", last_error: "the endpoint was disabled" });
    assert.equal(r.received.length, 1, "nothing is sent to a disabled endpoint");
    const refusedRedelivery = dataOf(await server.gql(REDELIVER, { input: { deliveryId: ended.id } }, a.apiKey)).redeliverWebhookEvent;
    assert.deepEqual(refusedRedelivery.userErrors.map((e: any) => e.code), ["NOT_PERMITTED"]);

    // A rotated secret signs what follows; the old one no longer verifies.
    r.answer = () => 200;
    const rotated = ok(dataOf(await server.gql(ROTATE, { input: { endpointId: endpoint.id } }, a.apiKey)).rotateWebhookSecret);
    assert.notEqual(rotated.secret, secret);
    ok(dataOf(await server.gql(UPDATE, { input: { endpointId: endpoint.id, enabled: true } }, a.apiKey)).updateWebhookEndpoint);
    const count = r.received.length;
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Heard" }, a.users[0].token));
    await r.until(() => r.received.length > count, "a delivery after rotation");
    assert.equal(r.received[count].verified, null, "the old secret does not verify");
    r.secret = rotated.secret;
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Heard again" }, a.users[0].token));
    await r.until(() => r.received.length > count + 1, "another delivery");
    assert.ok(r.received[count + 1].verified, "the new secret verifies");

    // Another tenant cannot touch it; deleting removes it with its log.
    for (const [doc, field] of [[UPDATE, "updateWebhookEndpoint"], [ROTATE, "rotateWebhookSecret"], [DELETE, "deleteWebhookEndpoint"]] as const) {
      const payload = dataOf(await server.gql(doc, { input: { endpointId: endpoint.id } }, b.apiKey))[field];
      assert.deepEqual(payload.userErrors.map((e: any) => e.code), ["NOT_FOUND"], field);
    }
    const deleted = ok(dataOf(await server.gql(DELETE, { input: { endpointId: endpoint.id } }, a.apiKey)).deleteWebhookEndpoint);
    assert.equal(deleted.deletedEndpointId, endpoint.id);
    assert.equal(dataOf(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: endpoint.id }, a.apiKey)).node, null);
    const rows = await server.sql("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id NOT IN (SELECT id FROM webhook_endpoints)");
    assert.equal(Number(rows[0].n), 0);
  });

  it("refuses bad endpoint input with INVALID_INPUT and writes nothing", async () => {
    const before = await snapshotAll(server);
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ url: "not a url", eventTypes: ["group.created"] }, ["input", "url"]],
      [{ url: "ftp://127.0.0.1/x", eventTypes: ["group.created"] }, ["input", "url"]],
      [{ url: "https://user:pw@hooks.example.com/x", eventTypes: ["group.created"] }, ["input", "url"]],
      [{ url: "https://hooks.example.com/x", eventTypes: [] }, ["input", "eventTypes"]],
      [{ url: "https://hooks.example.com/x", eventTypes: ["nope"] }, ["input", "eventTypes", "0"]],
    ];
    for (const [input, field] of cases) {
      const payload = dataOf(await server.gql(CREATE, { input }, a.apiKey)).createWebhookEndpoint;
      assert.equal(payload.endpoint, null);
      assert.equal(payload.secret, null);
      assert.deepEqual(payload.userErrors.map((e: any) => [e.code, e.field]), [["INVALID_INPUT", field]], JSON.stringify(input));
    }
    const http = dataOf(await server.gql(CREATE, { input: { url: "http://hooks.example.com/x", eventTypes: ["group.created"] } }, b.apiKey)).createWebhookEndpoint;
    if (production) assert.deepEqual(http.userErrors.map((e: any) => [e.code, e.field]), [["INVALID_INPUT", ["input", "url"]]], "production: https only");
    else {
      assert.deepEqual(http.userErrors, []);
      ok(dataOf(await server.gql(DELETE, { input: { endpointId: http.endpoint.id } }, b.apiKey)).deleteWebhookEndpoint);
    }
    if (production) assert.deepEqual(await snapshotAll(server), before);
  });
});

describe(`webhook targets without WEBHOOK_ALLOW_PRIVATE_TARGETS (${engine}, ${serverMode})`, { timeout: 600_000 }, () => {
  let server: TestServer;
  let t: FixtureTenant;
  before(async () => {
    server = await startTestServer({ config: { webhooks: testWebhookConfig(null, { allowPrivateTargets: false }) } });
    [t] = await twoTenants(server, { users: 2 });
  });
  after(() => server.close());

  it("refuses loopback, private and link-local targets and writes nothing", async () => {
    const before = await snapshotAll(server);
    for (const host of ["127.0.0.1:8080", "localhost", "app.localhost", "[::1]", "10.1.2.3", "172.16.0.1", "192.168.1.10", "169.254.169.254", "[fe80::1]", "[fd00::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "100.64.0.1", "intranet"]) {
      const payload = dataOf(await server.gql(CREATE, { input: { url: `https://${host}/hooks`, eventTypes: ["group.created"] } }, t.apiKey)).createWebhookEndpoint;
      assert.deepEqual(payload.userErrors.map((e: any) => [e.code, e.field]), [["INVALID_INPUT", ["input", "url"]]], host);
    }
    assert.deepEqual(await snapshotAll(server), before);
    // A public address is accepted (nothing is sent: no event of its type happens here).
    const accepted = dataOf(await server.gql(CREATE, { input: { url: "https://93.184.215.14/hooks", eventTypes: ["group.dissolved"] } }, t.apiKey)).createWebhookEndpoint;
    assert.deepEqual(accepted.userErrors, []);
  });
});
