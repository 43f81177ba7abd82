import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createTenant, dataOf, ok } from "../support/fixtures";
import { type ApiProcess, exited, gqlAt, startApiProcess } from "../support/processes";
import { engine, freshDatabaseUrl, type Operation, operationText, type TestServer } from "../support/server";
import { collect, GROUP_ACTIVITY, wsClient } from "../support/subscriptions";

/*
 * Real time across processes: the API as `npm start` runs it. A process killed (SIGKILL) right
 * after answering a mutation loses no event; two instances on one MariaDB with Redis deliver to
 * each other's subscribers.
 */

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id seq } userErrors { code } } }`;
const CREATE = `mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { code } } }`;
const FEED = `query($types: [String!]) { events(first: 100, types: $types) { edges { node { id type data } } } }`;

/** Enough of a TestServer for the fixtures: GraphQL over HTTP to one process. */
function client(api: ApiProcess, platformToken: string): TestServer {
  return {
    platformToken,
    gql: async (query: Operation, variables: Record<string, unknown> = {}, token: string | null = null) => {
      const body = JSON.stringify({ query: operationText(query), variables });
      const response = await fetch(api.url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
      return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
    },
  } as unknown as TestServer;
}

describe("real time across processes", { timeout: 600_000 }, () => {
  const processes: ApiProcess[] = [];
  const databases: Array<() => Promise<void>> = [];
  after(async () => {
    for (const p of processes) await p.stop();
    for (const drop of databases) await drop();
  });

  it("a process killed right after a mutation's response loses no event: after a restart it is in the feed", async () => {
    const database = freshDatabaseUrl();
    databases.push(database.drop);
    const platformToken = `gpadmin_test_${randomBytes(16).toString("hex")}`;
    const env = { DATABASE_URL: database.url, PLATFORM_ADMIN_TOKEN: platformToken };
    const first = await startApiProcess(env);
    processes.push(first);
    const tenant = await createTenant(client(first, platformToken), { users: 3 });
    const [alice, bob, carol] = tenant.users;
    const group = dataOf(await gqlAt(first.url, CREATE, { input: { name: "Kill nine", memberIds: [bob.id, carol.id] } }, alice.token)).createGroup.group;
    const sent = ok(dataOf(await gqlAt(first.url, SEND, { input: { groupId: group.id, text: "survives kill -9" } }, bob.token)).sendMessage);
    first.child.kill("SIGKILL");
    await exited(first.child);

    const second = await startApiProcess(env);
    processes.push(second);
    const events = dataOf(await gqlAt(second.url, FEED, { types: ["message.created"] }, tenant.apiKey)).events.edges.map((e: any) => e.node);
    assert.equal(events.length, 1);
    assert.equal(events[0].data.messageId, sent.message.id);
    assert.equal(events[0].data.text, "survives kill -9");
    assert.equal(events[0].data.seq, sent.message.seq);
  });

  it(
    "two instances on MariaDB with Redis: a subscriber on one sees messages sent through the other, a burst of 500 with none missing",
    { skip: engine === "sqlite" ? "needs MariaDB (DATABASE_URL=mysql://…): two instances share one database, and Redis at REDIS_URL (default redis://127.0.0.1:6379)" : false },
    async () => {
      const database = freshDatabaseUrl();
      databases.push(database.drop);
      const platformToken = `gpadmin_test_${randomBytes(16).toString("hex")}`;
      const env = { DATABASE_URL: database.url, PLATFORM_ADMIN_TOKEN: platformToken, REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", RATE_LIMIT: "off" };
      const one = await startApiProcess(env);
      processes.push(one);
      const two = await startApiProcess(env);
      processes.push(two);
      const tenant = await createTenant(client(one, platformToken), { users: 3 });
      const [alice, bob, carol] = tenant.users;
      const group = dataOf(await gqlAt(one.url, CREATE, { input: { name: "Two instances", memberIds: [bob.id, carol.id] } }, alice.token)).createGroup.group;

      const ws = wsClient(one.url, carol.token);
      const live = collect(ws, GROUP_ACTIVITY, { groupId: group.id });
      await sleep(500);
      const firstSent = ok(dataOf(await gqlAt(two.url, SEND, { input: { groupId: group.id, text: "through two" } }, alice.token)).sendMessage);
      await live.until(() => live.items.length >= 1, "the message sent through the other instance");
      assert.equal(live.items[0].groupActivity.message.id, firstSent.message.id);

      const total = 500;
      let next = 0;
      const senders = [alice, bob];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) {
            const i = next++;
            const payload = dataOf(await gqlAt(i % 2 ? two.url : one.url, SEND, { input: { groupId: group.id, text: `burst ${i}` } }, senders[i % 2].token)).sendMessage;
            assert.deepEqual(payload.userErrors, []);
          }
        }),
      );
      await live.until(() => live.items.length >= total + 1, `${total} burst messages`);
      await sleep(500);
      const seqs = live.items.map((i) => i.groupActivity.seq);
      const texts = new Set(live.items.slice(1).map((i) => i.groupActivity.message.text));
      const duplicates = seqs.length - new Set(seqs).size;
      assert.equal(duplicates, 0, "no duplicates");
      assert.equal(texts.size, total, "none missing");
      assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i), "in seq order without gaps");
      await ws.dispose();
    },
  );
});
