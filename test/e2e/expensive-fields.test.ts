import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { decodeQrDataUrl, decodeQrSvg } from "../support/qr";
import { FIELD_COSTS, LIST_BOUNDS } from "../../src/policy/cost";
import { startApiProcess } from "../support/processes";
import { engine, serverMode, startTestServer, type TestServer, testEvidenceKey } from "../support/server";

const RULES = { dataUsageRulesUrl: "https://corp.example/rules" };
const CREATE_CODE = `mutation($input: CreateGroupCodeInput!) { createGroupCode(input: $input) { code { id url } userErrors { code } } }`;
const CREATE_LIVE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id url } userErrors { code } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code } } }`;

/** An operation of `n` aliases of `field` (the armor allows 30 aliases). */
const aliased = (n: number, field: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(" ")} }`;

/**
 * The poller's loop, run in a worker thread (see pollHealth): GET /healthz every ~50 ms until told
 * to stop, then posts its figures.
 */
const HEALTH_POLLER = `
const { parentPort, workerData } = require("node:worker_threads");
let running = true;
parentPort.once("message", () => (running = false));
(async () => {
  let maxLatencyMs = 0, maxGapMs = 0, polls = 0, failures = 0;
  let last = performance.now();
  while (running) {
    const started = performance.now();
    try {
      const response = await fetch(workerData.base + "/healthz");
      await response.text();
      if (response.status !== 200) failures++;
    } catch {
      failures++;
    }
    const now = performance.now();
    maxLatencyMs = Math.max(maxLatencyMs, now - started);
    maxGapMs = Math.max(maxGapMs, now - last - 50);
    last = now;
    polls++;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  parentPort.postMessage({ maxLatencyMs: Math.round(maxLatencyMs), maxGapMs: Math.round(Math.max(0, maxGapMs)), polls, failures });
})();
`;

/**
 * GET /healthz every ~50 ms until stopped. `maxGapMs` is the longest time between two answers
 * beyond the polling interval: a blocked event loop shows up there whether it blocks the request
 * or the timer between requests. The poller runs on a thread of its own: this test's own event
 * loop is busy for hundreds of milliseconds at a time parsing the flood's answers (megabytes of QR
 * images), which on a slow machine pushed a poll of a server that had answered in time past 1 s.
 */
function pollHealth(base: string) {
  const worker = new Worker(HEALTH_POLLER, { eval: true, workerData: { base } });
  const figures = new Promise<{ maxLatencyMs: number; maxGapMs: number; polls: number; failures: number }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the /healthz poller exited (${code}) before reporting`)));
  });
  figures.catch(() => {}); // a failure is reported by stop(), not as an unhandled rejection meanwhile
  return {
    async stop() {
      worker.postMessage("stop");
      try {
        return await figures;
      } finally {
        await worker.terminate();
      }
    },
  };
}

describe(`expensive fields are priced and never block the event loop (${engine}, ${serverMode})`, () => {
  let server: TestServer;
  let tenant: FixtureTenant;
  let owner: FixtureUser;
  let maxCost: number;
  const groupIds: string[] = [];
  let evidenceGroup: string;

  before(async () => {
    // The production defaults of the cost limit and the leaky bucket (MAX_QUERY_COST, RATE_LIMIT_*).
    server = await startTestServer({ config: { evidenceSigningKey: testEvidenceKey, rateLimit: { enabled: true, capacity: 100_000, leakPerSecond: 2_000 } } });
    tenant = await createTenant(server, { plan: "ENTERPRISE", users: 3, qualifications: RULES });
    owner = tenant.users[0];
    for (let g = 0; g < 3; g++) {
      const id = (await createGroup(server, owner, tenant.users.slice(1))).id;
      groupIds.push(id);
      for (let c = 0; c < 10; c++) ok(dataOf(await server.gql(CREATE_CODE, { input: { groupId: id, type: "PERMANENT" } }, owner.token)).createGroupCode);
    }
    for (let l = 0; l < 10; l++) ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: `Live ${l}`, groupIds: [groupIds[0]] } }, owner.token)).createLiveCode);
    evidenceGroup = groupIds[1];
    for (let i = 0; i < 300; i++) ok(dataOf(await server.gql(SEND, { input: { groupId: evidenceGroup, text: `entry ${i}` } }, tenant.users[i % 3].token)).sendMessage);
  });
  after(() => server.close());

  /** The most aliases of `field` one operation may carry under the cost limit (and the armor's 30). */
  async function largestQuery(field: (i: number) => string, user: FixtureUser): Promise<{ query: string; cost: number }> {
    const one = await server.gql(aliased(1, field), {}, user.token);
    dataOf(one);
    const single = (one.extensions!.cost as { requestedQueryCost: number; maximumAvailable: number }).requestedQueryCost;
    maxCost = (one.extensions!.cost as { maximumAvailable: number }).maximumAvailable;
    const n = Math.max(1, Math.min(30, Math.floor(maxCost / single)));
    const query = aliased(n, field);
    const probe = await server.gql(query, {}, user.token);
    dataOf(probe);
    return { query, cost: (probe.extensions!.cost as { requestedQueryCost: number }).requestedQueryCost };
  }

  it("QR fields still decode to the code's url, and extensions.cost carries the declared prices", async () => {
    const costOf = (response: { extensions?: Record<string, unknown> }) => (response.extensions!.cost as { requestedQueryCost: number }).requestedQueryCost;
    const qr = FIELD_COSTS.qrSvg + FIELD_COSTS.qrPngDataUrl;

    const codes = await server.gql(`query($id: ID!) { group(id: $id) { codes { url qrSvg qrPngDataUrl } } }`, { id: groupIds[2] }, owner.token);
    const list = dataOf(codes).group.codes;
    assert.equal(list.length, 11, "ten codes and the one every group is born with");
    for (const code of list) {
      assert.equal(decodeQrSvg(code.qrSvg), code.url);
      assert.equal(decodeQrDataUrl(code.qrPngDataUrl), code.url);
    }
    // group 1 + codes: 1 + listSize × (the QR prices of one code).
    assert.equal(costOf(codes), 1 + 1 + LIST_BOUNDS.groupCodes * qr);
    // Asking again is served from the cache: the same images.
    assert.deepEqual(dataOf(await server.gql(`query($id: ID!) { group(id: $id) { codes { url qrSvg qrPngDataUrl } } }`, { id: groupIds[2] }, owner.token)).group.codes, list);

    const live = await server.gql(`{ liveCodes(first: 5) { edges { node { url qrSvg qrPngDataUrl groups { id } } } } }`, {}, owner.token);
    const nodes = dataOf(live).liveCodes.edges.map((e: { node: unknown }) => e.node);
    assert.equal(nodes.length, 5);
    for (const code of nodes) {
      assert.equal(decodeQrSvg(code.qrSvg), code.url);
      assert.equal(decodeQrDataUrl(code.qrPngDataUrl), code.url);
    }
    // connection 1 + first × (edge 1 + node (1 + QR prices + groups (1 + listSize × 1))).
    assert.equal(costOf(live), 1 + 5 * (1 + 1 + qr + 1 + LIST_BOUNDS.liveCodeGroups));

    const verify = await server.gql(`query($id: ID!) { verifyEvidence(groupId: $id) { valid firstBrokenSeq treeSize } }`, { id: evidenceGroup }, owner.token);
    assert.deepEqual(dataOf(verify).verifyEvidence, { valid: true, firstBrokenSeq: null, treeSize: 304 });
    assert.equal(costOf(verify), FIELD_COSTS.verifyEvidence);
    const bundle = await server.gql(`query($id: ID!) { evidenceBundle(groupId: $id) }`, { id: evidenceGroup }, owner.token);
    assert.equal(JSON.parse(dataOf(bundle).evidenceBundle).entries.length, 304);
    assert.equal(costOf(bundle), FIELD_COSTS.evidenceBundle);
  });

  it("a flood of the dearest queries the cost limit allows ends in 429 RATE_LIMITED while /healthz keeps answering within 1 s", { timeout: 300_000 }, async () => {
    const user = tenant.users[0];
    const floods = [
      await largestQuery((i) => `group(id: "${groupIds[i % 3]}") { codes { url qrSvg qrPngDataUrl } }`, user),
      await largestQuery(() => `liveCodes(first: 10) { edges { node { url qrSvg qrPngDataUrl } } }`, user),
      await largestQuery(() => `verifyEvidence(groupId: "${evidenceGroup}") { valid firstBrokenSeq treeSize }`, user),
      await largestQuery(() => `evidenceBundle(groupId: "${evidenceGroup}")`, user),
    ];

    // The flood goes to a server process of its own (`npm start`'s entry point on the same database),
    // so /healthz measures that server, not this test process parsing megabytes of answers.
    const api = await startApiProcess({
      DATABASE_URL: server.databaseUrl,
      PLATFORM_ADMIN_TOKEN: server.platformToken,
      EVIDENCE_SIGNING_KEY: testEvidenceKey,
      RATE_LIMIT_CAPACITY: "100000",
      RATE_LIMIT_LEAK_PER_SECOND: "2000",
    });
    const health = pollHealth(api.base);
    const started = performance.now();
    const deadline = started + 90_000;
    const statuses: number[] = [];
    let slowestMs = 0;
    let limited: { status: number; retryAfter: string | null; code: unknown } | null = null;
    try {
      for (let i = 0; !limited && performance.now() < deadline; i++) {
        const { query } = floods[i % floods.length];
        const t0 = performance.now();
        const response = await fetch(api.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${user.token}` },
          body: JSON.stringify({ query }),
        });
        const body: any = await response.json();
        slowestMs = Math.max(slowestMs, performance.now() - t0);
        statuses.push(response.status);
        if (response.status === 429) limited = { status: 429, retryAfter: response.headers.get("retry-after"), code: body.errors?.[0]?.extensions?.code };
        else assert.equal(body.errors, undefined, `request ${i}: ${JSON.stringify(body.errors)?.slice(0, 500)}`);
      }
    } finally {
      const result = await health.stop();
      await api.stop();
      const figures = { ...result, requests: statuses.length, seconds: Math.round((performance.now() - started) / 100) / 10, slowestRequestMs: Math.round(slowestMs), costs: floods.map((f) => f.cost) };
      console.log(`# flood (${engine}, ${serverMode}): ${JSON.stringify(figures)}`);
      assert.equal(result.failures, 0, "/healthz answered 200 throughout");
      assert.ok(result.polls >= 3, `/healthz was polled (${result.polls} answers)`);
      assert.ok(result.maxLatencyMs < 1000, `/healthz max latency ${result.maxLatencyMs} ms`);
      // The gap also counts the poller's own 50 ms timer, late on a busy machine: looser, but still
      // far below the seconds a blocked loop shows.
      assert.ok(result.maxGapMs < 2000, `/healthz max gap between answers ${result.maxGapMs} ms`);
    }
    assert.ok(limited, `the flood was never rate-limited (${statuses.length} requests in 90 s)`);
    assert.equal(limited.code, "RATE_LIMITED");
    assert.ok(Number(limited.retryAfter) >= 1);
    assert.ok(statuses.slice(0, -1).every((s) => s === 200), `statuses before the 429: ${statuses.join(",")}`);
  });

  it("the paged verifier still hashes every stored leaf: an edited or deleted old row past the first page is named", async () => {
    const rowId = Buffer.from(evidenceGroup, "base64url").toString().split(":")[1];
    const verify = async () =>
      dataOf(await server.gql(`query($id: ID!) { verifyEvidence(groupId: $id) { valid firstBrokenSeq } }`, { id: evidenceGroup }, tenant.apiKey)).verifyEvidence;
    const [original] = await server.sql("SELECT text FROM group_log WHERE group_id = ? AND seq = ?", [rowId, 280]);
    await server.sql("UPDATE group_log SET text = 'I never said that' WHERE group_id = ? AND seq = ?", [rowId, 280]);
    assert.deepEqual(await verify(), { valid: false, firstBrokenSeq: 280 });
    await server.sql("UPDATE group_log SET text = ? WHERE group_id = ? AND seq = ?", [original.text, rowId, 280]);
    assert.deepEqual(await verify(), { valid: true, firstBrokenSeq: null });
    await server.sql("DELETE FROM group_log WHERE group_id = ? AND seq = ?", [rowId, 260]);
    assert.deepEqual(await verify(), { valid: false, firstBrokenSeq: 260 });
  });
});
