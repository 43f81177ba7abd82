import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { dataOf, type FixtureTenant, twoTenants } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function post(server: TestServer, token: string) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ viewer { id } }" }),
  });
  const body = (await response.json()) as any;
  return { status: response.status, retryAfter: response.headers.get("retry-after"), code: body.errors?.[0]?.extensions?.code, body };
}

const badKey = (i: number) => `gpk_${"A".repeat(12)}_${String(i).padStart(43, "x")}`;

describe("failed authentication is rate-limited per client address", () => {
  let server: TestServer;
  let a: FixtureTenant;
  before(async () => {
    // One failure back per minute: however long the burst takes on a busy machine, the budget has not refilled by the end of it.
    server = await startTestServer({ config: { redisUrl: undefined, authFailures: { limit: 10, refillPerMinute: 1 } } });
    [a] = await twoTenants(server, { users: 1 });
  });
  after(() => server.close());

  it("200 bad keys in a burst: the budget's worth are 401, the rest 429 RATE_LIMITED with Retry-After; valid credentials from the same address still pass", async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => post(server, badKey(i))));
    const unauthenticated = results.filter((r) => r.status === 401 && r.code === "UNAUTHENTICATED").length;
    const limited = results.filter((r) => r.status === 429 && r.code === "RATE_LIMITED");
    assert.equal(unauthenticated + limited.length, 200, JSON.stringify(results.map((r) => r.status)));
    assert.ok(unauthenticated >= 10 && unauthenticated <= 11, `${unauthenticated} answered 401 (budget 10, refilling 1/min)`);
    assert.ok(limited.every((r) => Number(r.retryAfter) >= 1), "every 429 says when to retry");
    // Still over budget: more failures stay 429, valid credentials are served.
    assert.equal((await post(server, "not-a-token")).status, 429);
    assert.equal(dataOf(await server.gql("{ viewer { id } }", {}, a.users[0].token)).viewer.id, a.users[0].id);
    assert.equal(dataOf(await server.gql("{ myTenant { id } }", {}, a.apiKey)).myTenant.id, a.id);
  });
});

describe("failed authentication budget with REDIS_URL: shared by every instance", () => {
  let redis: Redis | null = null;
  let servers: TestServer[] = [];
  let skip: string | false = false;
  before(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000 });
    try {
      await redis.connect();
      await redis.del("gp:rate:authfail:127.0.0.1");
    } catch {
      skip = `Redis is not answering at ${REDIS_URL}`;
      return;
    }
    const config = { redisUrl: REDIS_URL, authFailures: { limit: 5, refillPerMinute: 60 } };
    servers = [await startTestServer({ config }), await startTestServer({ config })];
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await redis?.del("gp:rate:authfail:127.0.0.1").catch(() => {});
    redis?.disconnect();
  });

  it("failures on one instance spend the budget the other instance sees", async (t) => {
    if (skip) return t.skip(skip);
    const [one, two] = servers;
    const first = [];
    for (let i = 0; i < 5; i++) first.push((await post(one, badKey(i))).status);
    assert.deepEqual(first, [401, 401, 401, 401, 401]);
    const onTwo = await post(two, badKey(99));
    assert.equal(onTwo.status, 429, "the other instance counts the same address's failures");
    assert.equal(onTwo.code, "RATE_LIMITED");
    assert.ok(Number(onTwo.retryAfter) >= 1);
  });
});
