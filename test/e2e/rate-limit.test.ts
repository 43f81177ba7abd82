import assert from "node:assert/strict";
import { createConnection } from "node:net";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { type FixtureTenant, twoTenants } from "../support/fixtures";
import { freshDatabaseUrl, startTestServer, type TestServer } from "../support/server";

const QUERY = `{ myGroups(first: 50) { edges { node { name } } } }`;

async function redisAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port: 6379 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

describe("rate limits by query cost", () => {
  const clock = new ManualClock(Date.parse("2026-10-01T00:00:00Z"));
  let server: TestServer;
  let a: FixtureTenant;
  before(async () => {
    server = await startTestServer({ clock, config: { rateLimit: { enabled: true, capacity: 1000, leakPerSecond: 100 } } });
    [a] = await twoTenants(server, { users: 2 });
  });
  after(() => server.close());

  it("a principal that spends its bucket gets 429 RATE_LIMITED with Retry-After; it refills over time", async () => {
    const cost = (await server.gql(QUERY, {}, a.users[0].token)).extensions!.cost as { requestedQueryCost: number };
    const allowed = Math.floor(1000 / cost.requestedQueryCost);
    const statuses: number[] = [];
    for (let i = 0; i < allowed + 3; i++) statuses.push((await server.gql(QUERY, {}, a.users[0].token)).status);
    const limited = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${a.users[0].token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    const body: any = await limited.json();
    assert.equal(body.errors[0].extensions.code, "RATE_LIMITED");
    assert.ok(statuses.includes(429));
    // Another principal has its own bucket.
    assert.equal((await server.gql(QUERY, {}, a.users[1].token)).status, 200);
    clock.advance(15_000);
    assert.equal((await server.gql(QUERY, {}, a.users[0].token)).status, 200, "the bucket drained");
  });
});

describe("rate limits shared through Redis", () => {
  let first: TestServer;
  let second: TestServer;
  let a: FixtureTenant;
  let skip = false;
  before(async () => {
    skip = !(await redisAvailable());
    if (skip) return;
    const database = freshDatabaseUrl();
    const config = { redisUrl: "redis://127.0.0.1:6379", rateLimit: { enabled: true, capacity: 2000, leakPerSecond: 1 } };
    first = await startTestServer({ config, databaseUrl: database.url });
    second = await startTestServer({ config, databaseUrl: database.url });
    [a] = await twoTenants(first, { users: 1 });
    (second as { close: () => Promise<void> }).close = async () => {
      await second.server.stop(2000);
      await database.drop();
    };
  });
  after(async () => {
    if (skip) return;
    await first.server.stop(2000);
    await second.close();
  });

  it("two instances spend from one bucket", { timeout: 600_000 }, async (t) => {
    if (skip) return t.skip("Redis is not running on 127.0.0.1:6379");
    let ok = 0;
    for (let i = 0; i < 200; i++) {
      const server = i % 2 ? second : first;
      const response = await server.gql(QUERY, {}, a.users[0].token);
      if (response.status === 200) ok++;
      else break;
    }
    // One bucket of 2000 points for both instances: the requests that fit are those of one bucket, not two.
    const perRequest = ((await first.gql(QUERY, {}, a.apiKey)).extensions!.cost as { requestedQueryCost: number }).requestedQueryCost;
    assert.ok(ok <= Math.ceil(2000 / perRequest) + 1, `${ok} requests passed, a single bucket allows ~${Math.floor(2000 / perRequest)}`);
    assert.ok(ok >= Math.floor(2000 / perRequest) - 1);
  });
});
