import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id seq text } userErrors { code } } }`;

describe("Idempotency-Key", () => {
  const clock = new ManualClock(Date.parse("2026-09-01T00:00:00Z"));
  let server: TestServer;
  let a: FixtureTenant;
  let groupId: string;
  before(async () => {
    server = await startTestServer({ clock });
    [a] = await twoTenants(server, { users: 3 });
    groupId = (await createGroup(server, a.users[0], a.users.slice(1))).id;
  });
  after(() => server.close());

  async function post(body: unknown, token: string, key?: string) {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...(key ? { "idempotency-key": key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, replayed: response.headers.get("idempotent-replayed"), text: await response.text() };
  }
  const messageCount = async () => Number((await server.sql("SELECT COUNT(*) AS n FROM group_log WHERE kind = 'MESSAGE'"))[0].n);

  it("a retry with the same key replays the first response and runs nothing again", async () => {
    const body = { query: SEND, variables: { input: { groupId, text: "pay 100 yuan" } } };
    const before = await messageCount();
    const first = await post(body, a.users[0].token, "order-123");
    const second = await post(body, a.users[0].token, "order-123");
    assert.equal(first.status, 200);
    assert.equal(first.replayed, null);
    assert.equal(second.replayed, "true");
    assert.equal(second.text, first.text, "byte for byte the same response");
    assert.equal(await messageCount(), before + 1, "executed once");
    ok(JSON.parse(first.text).data.sendMessage);
  });

  it("the same key with a different request is refused (422), and keys are per principal", async () => {
    const first = await post({ query: SEND, variables: { input: { groupId, text: "one" } } }, a.users[0].token, "reused");
    assert.equal(first.status, 200);
    const other = await post({ query: SEND, variables: { input: { groupId, text: "two" } } }, a.users[0].token, "reused");
    assert.equal(other.status, 422);
    assert.equal(JSON.parse(other.text).errors[0].extensions.code, "IDEMPOTENCY_KEY_REUSED");
    const someoneElse = await post({ query: SEND, variables: { input: { groupId, text: "two" } } }, a.users[1].token, "reused");
    assert.equal(someoneElse.status, 200, "another principal's key space");
    assert.equal(someoneElse.replayed, null);
  });

  it("concurrent duplicates run once; every caller gets the one response", async () => {
    const before = await messageCount();
    const body = { query: SEND, variables: { input: { groupId, text: "exactly once" } } };
    const responses = await Promise.all(Array.from({ length: 12 }, () => post(body, a.users[2].token, "burst-1")));
    assert.equal(await messageCount(), before + 1);
    const texts = new Set(responses.filter((r) => r.status === 200).map((r) => r.text));
    assert.equal(texts.size, 1, "all successful answers are the same response");
    assert.ok(responses.every((r) => r.status === 200 || r.status === 409), JSON.stringify(responses.map((r) => r.status)));
    assert.equal(responses.filter((r) => r.replayed === null && r.status === 200).length, 1, "one of them ran it");
  });

  it("keys expire after 24 hours; bad keys are refused", async () => {
    const body = { query: SEND, variables: { input: { groupId, text: "daily" } } };
    const before = await messageCount();
    await post(body, a.users[0].token, "daily-key");
    clock.advance(24 * 3600_000 + 1);
    const again = await post(body, a.users[0].token, "daily-key");
    assert.equal(again.replayed, null);
    assert.equal(await messageCount(), before + 2);
    const bad = await post(body, a.users[0].token, "x".repeat(300));
    assert.equal(bad.status, 400);
    // Refusals are remembered like successes: the retry sees the same userErrors.
    const refused = { query: SEND, variables: { input: { groupId, text: "" } } };
    const r1 = await post(refused, a.users[0].token, "refused-once");
    const r2 = await post(refused, a.users[0].token, "refused-once");
    assert.equal(dataOf(JSON.parse(r1.text)).sendMessage.userErrors[0].code, "INVALID_INPUT");
    assert.equal(r2.text, r1.text);
  });

  const keyRows = async () => Number((await server.sql("SELECT COUNT(*) AS n FROM idempotency_keys"))[0].n);
  const READ = `query Read($id: ID!) { group(id: $id) { id name messages(first: 50) { edges { node { text } } } } }`;

  it("applies to mutations only: a query under a key is answered afresh and nothing is stored", async () => {
    const stored = await keyRows();
    for (let i = 0; i < 20; i++) {
      const response = await post({ query: READ, variables: { id: groupId } }, a.users[0].token, `read-${i}`);
      assert.equal(response.status, 200);
      assert.equal(response.replayed, null);
    }
    // The same key again: still answered afresh, so a change in between shows.
    const first = await post({ query: READ, variables: { id: groupId } }, a.users[0].token, "read-again");
    ok(JSON.parse((await post({ query: SEND, variables: { input: { groupId, text: "in between" } } }, a.users[0].token)).text).data.sendMessage);
    const second = await post({ query: READ, variables: { id: groupId } }, a.users[0].token, "read-again");
    assert.equal(second.replayed, null);
    assert.notEqual(second.text, first.text, "the second read sees the new message");
    // A shorthand query, a bad document and an operation name that selects nothing store nothing either.
    assert.equal((await post({ query: "{ viewer { id } }" }, a.users[0].token, "shorthand")).status, 200);
    assert.equal((await post({ query: "mutation {" }, a.users[0].token, "broken")).status, 400);
    assert.equal((await post({ query: READ, operationName: "Nope", variables: { id: groupId } }, a.users[0].token, "unknown-op")).status, 400);
    assert.equal(await keyRows(), stored, "no row for any of them");
  });

  it("operationName picks the operation whose type decides: the query of a two-operation document is not stored, its mutation is", async () => {
    const document = `query Read($id: ID!) { group(id: $id) { id } }
      # a comment { with braces }
      mutation Send($input: SendMessageInput! = { groupId: "x", text: "default {" }) { sendMessage(input: $input) { message { id } userErrors { code } } }`;
    const stored = await keyRows();
    const read = await post({ query: document, operationName: "Read", variables: { id: groupId } }, a.users[0].token, "two-ops");
    assert.equal(read.status, 200);
    assert.equal(await keyRows(), stored, "the query stored nothing");
    const before = await messageCount();
    const body = { query: document, operationName: "Send", variables: { input: { groupId, text: "picked by name" } } };
    const sent = await post(body, a.users[0].token, "two-ops-send");
    const retry = await post(body, a.users[0].token, "two-ops-send");
    assert.equal(retry.replayed, "true");
    assert.equal(retry.text, sent.text);
    assert.equal(await messageCount(), before + 1);
    assert.equal(await keyRows(), stored + 1);
  });
});

describe("Idempotency-Key: what one principal may store is bounded", () => {
  let server: TestServer;
  let a: FixtureTenant;
  let groupId: string;
  before(async () => {
    server = await startTestServer({ config: { idempotency: { maxKeysPerPrincipal: 3, maxBytesPerPrincipal: 1_000_000 } } });
    [a] = await twoTenants(server, { users: 3 });
    groupId = (await createGroup(server, a.users[0], a.users.slice(1))).id;
  });
  after(() => server.close());

  async function send(token: string, key: string, text: string) {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": key },
      body: JSON.stringify({ query: SEND, variables: { input: { groupId, text } } }),
    });
    return { status: response.status, retryAfter: response.headers.get("retry-after"), replayed: response.headers.get("idempotent-replayed"), json: (await response.json()) as any };
  }
  const messageCount = async () => Number((await server.sql("SELECT COUNT(*) AS n FROM group_log WHERE kind = 'MESSAGE'"))[0].n);

  it("past IDEMPOTENCY_MAX_KEYS live keys a new key is refused (429, Retry-After, nothing runs); its existing keys still replay; others are unaffected", async () => {
    const [owner, other] = a.users;
    for (let i = 0; i < 3; i++) assert.equal((await send(owner.token, `k${i}`, `m${i}`)).status, 200);
    const before = await messageCount();
    const refused = await send(owner.token, "k3", "one too many");
    assert.equal(refused.status, 429);
    assert.equal(refused.json.errors[0].extensions.code, "IDEMPOTENCY_KEY_LIMIT_REACHED");
    assert.match(refused.json.errors[0].message, /at most 3 Idempotency-Keys/);
    const retryAfter = Number(refused.retryAfter);
    assert.ok(retryAfter > 23 * 3600 && retryAfter <= 24 * 3600, `Retry-After ${refused.retryAfter}: until the oldest key expires`);
    assert.equal(await messageCount(), before, "the refused request ran nothing");
    const replay = await send(owner.token, "k0", "m0");
    assert.equal(replay.status, 200);
    assert.equal(replay.replayed, "true", "an existing key still replays at the bound");
    assert.equal((await send(other.token, "k3", "someone else")).status, 200, "the bound is per principal");
    const rows = Number((await server.sql("SELECT COUNT(*) AS n FROM idempotency_keys WHERE idem_key = 'k3'"))[0].n);
    assert.equal(rows, 1, "only the other principal's k3 is stored");
  });
});
