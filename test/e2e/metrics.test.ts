import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup } from "../support/groups";
import { engine, startTestServer, testEvidenceKey, type TestServer } from "../support/server";

/** One sample of the Prometheus text format: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name whose labels include `labels` (undefined when absent). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

const SCRAPE_TOKEN = "metrics-scrape-token-for-test";

async function scrape(server: TestServer, headers: Record<string, string> = { authorization: `Bearer ${SCRAPE_TOKEN}` }): Promise<Sample[]> {
  const response = await fetch(`${server.base}/metrics`, { headers });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

const CREATE_CODE = `mutation CreateCode($input: CreateGroupCodeInput!) { createGroupCode(input: $input) { code { id token } userErrors { code } } }`;
const REVOKE_CODE = `mutation RevokeCode($input: RevokeGroupCodeInput!) { revokeGroupCode(input: $input) { userErrors { code } } }`;
// No userErrors in the selection: refusals must be counted whatever the client asked for.
const JOIN = `mutation JoinByCode($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { member { role } } }`;

describe("GET /metrics", () => {
  let server: TestServer;
  let a: FixtureTenant;
  before(async () => {
    // In production /metrics needs METRICS_TOKEN; the scrapes below send it in every mode.
    server = await startTestServer({ config: { metricsToken: SCRAPE_TOKEN } });
    [a] = await twoTenants(server, { users: 4, policyOverrides: { permanentCodeRefreshable: true } });
  });
  after(() => server.close());

  it("counts requests, latency, error codes and join refusals with sane values", async () => {
    const [owner, m1, m2, outsider] = a.users;
    const { id: groupId } = await createGroup(server, owner, [m1, m2]);
    const code = ok(dataOf(await server.gql(CREATE_CODE, { input: { groupId, type: "PERMANENT" } }, owner.token)).createGroupCode).code;
    ok(dataOf(await server.gql(REVOKE_CODE, { input: { codeId: code.id } }, owner.token)).revokeGroupCode);
    for (let i = 0; i < 2; i++) {
      const refused = await server.gql(JOIN, { input: { token: code.token } }, outsider.token);
      assert.deepEqual(dataOf(refused).joinGroupByCode.member, null);
    }
    for (let i = 0; i < 3; i++) dataOf(await server.gql(`query Viewer { viewer { id } }`, {}, owner.token));
    // Top-level errors: a forged credential (answered before GraphQL runs) and an invalid document.
    assert.equal((await server.gql(`query Viewer { viewer { id } }`, {}, "forged-token")).status, 401);
    assert.equal((await server.gql(`query Broken { viewer { nope } }`, {}, owner.token)).status, 400);
    // An operationName the document does not define is the client's mistake (400), not a server error.
    const unknown = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ query: `mutation Rename { renameGroup(input: { groupId: "x", name: "y" }) { userErrors { code } } }`, operationName: "Other" }),
    });
    assert.equal(unknown.status, 400);
    // The refusal is also visible to a client that asks for it.
    const asked = await server.gql(`mutation { joinGroupByCode(input: { token: "${code.token}" }) { userErrors { code } } }`, {}, outsider.token);
    assert.deepEqual(codes(dataOf(asked).joinGroupByCode), ["CODE_REVOKED"]);

    const samples = await scrape(server);
    assert.equal(valueOf(samples, "gp_graphql_requests_total", { operation: "Viewer", type: "query" }), 3);
    assert.equal(valueOf(samples, "gp_graphql_requests_total", { operation: "JoinByCode", type: "mutation" }), 2);
    assert.ok(valueOf(samples, "gp_graphql_requests_total", { operation: "(anonymous)", type: "mutation" })! >= 1);
    // A document that fails validation never becomes an operation: its client-chosen name is not a label.
    assert.equal(valueOf(samples, "gp_graphql_requests_total", { operation: "(invalid)", type: "unknown" }), 1);
    assert.equal(valueOf(samples, "gp_graphql_requests_total", { operation: "Broken" }), undefined);

    // The latency histogram agrees with the request counter, and its buckets are cumulative.
    assert.equal(valueOf(samples, "gp_graphql_request_duration_seconds_count", { operation: "Viewer" }), 3);
    const sum = valueOf(samples, "gp_graphql_request_duration_seconds_sum", { operation: "Viewer" })!;
    assert.ok(sum > 0 && sum < 30, `latency sum ${sum}s`);
    const buckets = samples.filter((s) => s.name === "gp_graphql_request_duration_seconds_bucket" && s.labels.operation === "Viewer");
    assert.ok(buckets.length >= 5);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, "buckets are cumulative");
    assert.equal(buckets.at(-1)!.labels.le, "+Inf");
    assert.equal(buckets.at(-1)!.value, 3);

    assert.equal(valueOf(samples, "gp_graphql_errors_total", { code: "UNAUTHENTICATED" }), 1);
    assert.equal(valueOf(samples, "gp_graphql_errors_total", { code: "GRAPHQL_VALIDATION_FAILED" }), 1);
    assert.equal(valueOf(samples, "gp_graphql_errors_total", { code: "OPERATION_RESOLUTION_FAILURE" }), 1);
    assert.equal(valueOf(samples, "gp_graphql_user_errors_total", { mutation: "joinGroupByCode", code: "CODE_REVOKED" }), 3);
    assert.equal(valueOf(samples, "gp_join_refusals_total", { mutation: "joinGroupByCode", code: "CODE_REVOKED" }), 3);
    // A successful mutation is no refusal; a refusal outside the join paths is no join refusal.
    assert.equal(valueOf(samples, "gp_graphql_user_errors_total", { mutation: "createGroup" }), undefined);
    assert.equal(samples.filter((s) => s.name === "gp_join_refusals_total" && s.labels.mutation !== "joinGroupByCode").length, 0);

    // Nothing is running between requests.
    for (const sample of samples.filter((s) => s.name === "gp_graphql_requests_in_flight")) assert.equal(sample.value, 0, JSON.stringify(sample.labels));
    assert.equal(valueOf(samples, "gp_db_info", { engine, galera: "false" }), 1);
    assert.ok(valueOf(samples, "gp_db_transaction_retries_total")! >= 0, "transaction retries are counted");
    if (engine === "mysql") {
      const open = valueOf(samples, "gp_db_pool_connections", { state: "open" })!;
      const inUse = valueOf(samples, "gp_db_pool_connections", { state: "in_use" })!;
      assert.ok(open >= 1 && open <= 10, `open connections ${open}`);
      assert.ok(inUse >= 0 && inUse <= open);
      assert.equal(valueOf(samples, "gp_db_pool_max_connections"), 10);
    } else {
      assert.equal(valueOf(samples, "gp_db_pool_connections", { state: "open" }), undefined, "SQLite has no pool to report");
    }
    // How long a join held the group's row lock, observed once its transaction committed.
    const held = (s: Sample[]) => valueOf(s, "gp_group_lock_hold_seconds_count") ?? 0;
    const fresh = ok(dataOf(await server.gql(CREATE_CODE, { input: { groupId, type: "PERMANENT" } }, owner.token)).createGroupCode).code;
    const beforeJoin = await scrape(server);
    assert.equal(dataOf(await server.gql(JOIN, { input: { token: fresh.token } }, outsider.token)).joinGroupByCode.member.role, "MEMBER");
    const afterJoin = await scrape(server);
    assert.equal(held(afterJoin), held(beforeJoin) + 1, "the join's lock hold is observed");
    const holdSum = valueOf(afterJoin, "gp_group_lock_hold_seconds_sum")! - valueOf(beforeJoin, "gp_group_lock_hold_seconds_sum")!;
    assert.ok(holdSum > 0 && holdSum < 30, `lock held ${holdSum}s`);
    assert.equal(valueOf(afterJoin, "gp_group_lock_hold_seconds_bucket", { le: "+Inf" }), held(afterJoin));

    // Default process metrics come along.
    assert.ok((valueOf(samples, "gp_process_resident_memory_bytes") ?? 0) > 0);
  });

  it("is closed in production unless METRICS_TOKEN is set, open in development and test", async () => {
    for (const env of ["production", "development", "test"] as const) {
      const instance = await startTestServer({ config: { env, metricsToken: undefined, evidenceSigningKey: testEvidenceKey } });
      try {
        const response = await fetch(`${instance.base}/metrics`);
        if (env === "production") {
          assert.equal(response.status, 403);
          assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
          assert.match(((await response.json()) as { error: string }).error, /METRICS_TOKEN/);
        } else {
          assert.equal(response.status, 200, env);
          assert.match(await response.text(), /gp_graphql_requests_total/);
        }
      } finally {
        await instance.close();
      }
    }
  });

  it("requires the bearer token when METRICS_TOKEN is set", async () => {
    process.env.METRICS_TOKEN = "metrics-secret-for-test";
    const guarded = await startTestServer();
    delete process.env.METRICS_TOKEN;
    try {
      assert.equal((await fetch(`${guarded.base}/metrics`)).status, 401);
      assert.equal((await fetch(`${guarded.base}/metrics`, { headers: { authorization: "Bearer wrong" } })).status, 401);
      assert.ok((await scrape(guarded, { authorization: "Bearer metrics-secret-for-test" })).length > 0);
    } finally {
      await guarded.close();
    }
  });
});
