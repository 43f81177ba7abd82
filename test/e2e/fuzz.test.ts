import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import fc from "fast-check";
import { buildSchema } from "graphql";
import { hostileInt, hostileString, type IdPool, operationFor } from "../support/arbitraries";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { assertHygienic, postGraphQL, type RawResponse, rawRequest, stringsIn } from "../support/hygiene";
import { assertInvariants, databaseInvariantProblems, evidenceProblems, grownGroups, type InvariantTenant, logSizes } from "../support/invariants";
import { call } from "../support/populate";
import { ManualClock } from "../../src/common/clock";
import { engine, startTestServer, type TestServer } from "../support/server";
import { snapshotAll, snapshotDiff } from "../support/snapshot";
import { testWebhookConfig } from "../support/webhooks";

/*
 * Property-based fuzzing of the running server over HTTP with fast-check: schema-driven operations
 * with hostile arguments from every kind of principal, malformed HTTP requests and credentials, and
 * random sequences of group operations by the users of two tenants. Whatever arrives, the server
 * answers without a 5xx, a stack trace, SQL or an uncoded error, and the database keeps its
 * invariants (test/support/invariants.ts).
 *
 * One seed per run, printed; FUZZ_SEED=<n> replays a run, FUZZ_SCALE=<x> multiplies the run counts,
 * FUZZ_SHRINK=1 shrinks a failure to a minimal case (slow: every replay talks to the server).
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (sqlite: number, mysql: number) => Math.max(1, Math.round((engine === "mysql" ? mysql : sqlite) * SCALE));
/** Strings of a counterexample cut short, so a failure report stays readable. */
const clip = (value: unknown): unknown =>
  typeof value === "string"
    ? value.length > 300
      ? `${value.slice(0, 300)}…(${value.length} chars)`
      : value
    : Array.isArray(value)
      ? value.map(clip)
      : value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clip(v)]))
        : value;
const settings = <T>(offset: number, numRuns: number): fc.Parameters<T> => ({
  seed: SEED + offset,
  numRuns,
  endOnFailure: process.env.FUZZ_SHRINK !== "1",
  asyncReporter: async (details) => {
    if (!details.failed) return;
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `Property failed after ${details.numRuns} run(s), ${details.numShrinks} shrink(s) — replay with FUZZ_SEED=${SEED}` +
        ` (fast-check { seed: ${details.seed}, path: "${details.counterexamplePath}" })\n` +
        `Counterexample: ${JSON.stringify(clip(details.counterexample)).slice(0, 3000)}\n${error.slice(0, 3000)}`,
    );
  },
});

const gid = (type: string, rowId: string) => Buffer.from(`${type}:${rowId}`, "utf8").toString("base64url");
const rowId = (globalId: string) => Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];
const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

interface FuzzTenant extends FixtureTenant {
  rowId: string;
  /** A user nobody has as a contact. */
  loner: FixtureUser;
}

const KEYWORDS = [
  { term: "review me", action: "REVIEW" },
  { term: "forbidden", action: "BLOCK" },
  { term: "禁止", action: "BLOCK" },
];

async function fuzzTenant(server: TestServer, options: Parameters<typeof createTenant>[1]): Promise<FuzzTenant> {
  const tenant = await createTenant(server, options);
  const [loner] = (await call(server, "upsertUsers", "UpsertUsersInput", "users { id externalId displayName }", { users: [{ externalId: "loner", displayName: "Loner" }] }, tenant.apiKey)).users;
  const { token } = await call(server, "issueUserToken", "IssueUserTokenInput", "token", { userId: loner.id, ttlSeconds: 30 * 24 * 3600 }, tenant.apiKey);
  await call(server, "setModerationKeywords", "SetModerationKeywordsInput", "keywords { term }", { keywords: KEYWORDS }, tenant.apiKey);
  return { ...tenant, rowId: rowId(tenant.id), loner: { ...loner, token } };
}

/** Time moves only when a sequence says so ("tick"), at most this far in all: user tokens live 30 days. */
const MAX_CLOCK_ADVANCE_MS = 25 * 24 * 3600_000;

describe(`fuzzing over HTTP (${engine})`, () => {
  const clock = new ManualClock(Date.parse("2026-09-01T08:00:00Z"));
  let advanced = 0;
  let server: TestServer;
  let a: FuzzTenant;
  let b: FuzzTenant;
  let spare: FixtureTenant;
  const schema = buildSchema(readFileSync(join(__dirname, "../../../schema/schema.graphql"), "utf8"));
  const pool: IdPool = { ids: {}, tokens: [] };
  let principals: Array<{ label: string; token: string | null }>;
  /** Tenants with groups, whose rows the invariants are checked on. */
  const checked: InvariantTenant[] = [];
  const tenants = (): InvariantTenant[] => [a, b, ...checked];

  /** Re-reads the live ids and tokens the generators draw from. */
  async function refreshPool(): Promise<void> {
    const ids = async (type: string, sql: string) => (pool.ids[type] = (await server.sql<{ id: string }>(sql)).map((r) => gid(type, r.id)));
    await ids("User", `SELECT id FROM users WHERE tenant_id IN ('${a.rowId}', '${b.rowId}')`);
    await ids("Group", `SELECT id FROM chat_groups`);
    await ids("Invitation", `SELECT id FROM invitations`);
    await ids("GroupCode", `SELECT id FROM group_codes`);
    await ids("LiveCode", `SELECT id FROM live_codes`);
    await ids("FaceToFaceSession", `SELECT id FROM face_to_face_sessions`);
    await ids("Message", `SELECT id FROM group_log ORDER BY created_at DESC LIMIT 200`);
    await ids("ReviewItem", `SELECT id FROM review_items`);
    await ids("RiskEvent", `SELECT id FROM risk_events ORDER BY created_at DESC LIMIT 50`);
    // The platform operator's targets: never the two tenants the rest of the file works in.
    pool.ids.Tenant = [spare.id];
    pool.tokens = [
      ...(await server.sql<{ token: string }>(`SELECT token FROM group_codes`)).map((r) => r.token),
      ...(await server.sql<{ token: string }>(`SELECT token FROM live_codes`)).map((r) => r.token),
    ];
  }

  before(
    async () => {
      // Bad credentials are part of the fuzzing, all from one address: a failure budget to match.
      // The clock is the test's, so buckets barely leak: a budget no property exhausts (the hostile
      // operations ask for the dearest fields), or later properties would meet RATE_LIMITED only.
      server = await startTestServer({
        clock,
        // Fuzzed webhook endpoints may name any public host: nothing is sent (no dispatcher), so no
        // request leaves the machine and delivery rows change only by the operations under test.
        config: {
          authFailures: { limit: 100_000, refillPerMinute: 60 },
          rateLimit: { enabled: true, capacity: 1_000_000_000, leakPerSecond: 2000 },
          webhooks: testWebhookConfig(null, { allowPrivateTargets: false, dispatcherEnabled: false }),
        },
      });
      a = await fuzzTenant(server, {
        name: "Fuzz personal",
        users: 7,
        policyOverrides: { maxGroupSize: 8, directAddLimit: 5, codeJoinCap: 7, permanentCodeMaxMembers: 6, maxAdmins: 2, dailyGroupCreationLimit: 100000, bulkActionThreshold: 40 },
      });
      b = await fuzzTenant(server, {
        name: "Fuzz enterprise",
        plan: "ENTERPRISE",
        users: 7,
        qualifications: { dataUsageRulesUrl: "https://fuzz.example/rules" },
        policyOverrides: { maxGroupSize: 10, directAddLimit: 6, codeJoinCap: 9, liveCodeGroupCap: 5, maxAdmins: 3, dailyGroupCreationLimit: 100000 },
      });
      spare = await createTenant(server, { name: "Fuzz spare", users: 0 });
      for (const t of [a, b]) {
        const g = (await call(server, "createGroup", "CreateGroupInput", "group { id }", { name: "Seed group", memberIds: t.users.slice(1, 4).map((u) => u.id) }, t.users[0].token)).group;
        // Every group is born with a permanent code: the seed group's is the one the fuzzing joins by.
        await call(server, "sendMessage", "SendMessageInput", "message { id }", { groupId: g.id, text: "hello" }, t.users[1].token);
      }
      const liveGroup = (await call(server, "createGroup", "CreateGroupInput", "group { id }", { name: "Live seed", memberIds: [b.users[1].id, b.users[2].id] }, b.users[0].token)).group;
      await call(server, "createLiveCode", "CreateLiveCodeInput", "liveCode { token }", { name: "Live", groupIds: [liveGroup.id], perGroupCap: 4, autoCreateGroups: true }, b.users[0].token);
      principals = [
        ...[a, b].flatMap((t, i) => [
          ...[...t.users, t.loner].map((u) => ({ label: `${"AB"[i]}:${u.externalId}`, token: u.token })),
          { label: `${"AB"[i]}:key`, token: t.apiKey },
        ]),
        { label: "platform", token: server.platformToken },
        { label: "anonymous", token: null },
      ];
      await refreshPool();
    },
    { timeout: 600_000 },
  );
  after(() => server?.close());

  const shortHostile = hostileString.map((s) => s.slice(0, 200));
  /** A bearer that is not quite right: forged, tampered, expired-looking, or plain garbage. */
  const badToken = () =>
    fc.oneof(
      fc
        .record({
          alg: fc.constantFrom("HS256", "none", "RS256", "HS512", ""),
          tid: fc.oneof(fc.constantFrom(a.rowId, b.rowId, rowId(spare.id)), fc.uuid(), shortHostile, fc.constant(undefined)),
          sub: fc.oneof(fc.constantFrom(...a.users.map((u) => rowId(u.id)), ...b.users.map((u) => rowId(u.id))), fc.uuid(), shortHostile),
          aud: fc.oneof(fc.constantFrom(`tenant:${a.rowId}`, `tenant:${b.rowId}`), shortHostile, fc.constant(undefined)),
          iss: fc.constantFrom("group-platform", "evil", undefined),
          exp: fc.oneof(fc.constant(4102444800), fc.constant(1), hostileInt, fc.constant(undefined)),
          signature: fc.oneof(fc.constant(""), fc.constant(a.users[0].token.split(".")[2]), fc.base64String({ maxLength: 60 })),
        })
        .map(({ alg, signature, ...claims }) => `${b64json({ alg, typ: "JWT" })}.${b64json(claims)}.${signature}`),
      fc.tuple(fc.constantFrom(a.users[0].token, b.users[1].token, a.apiKey, b.apiKey, server.platformToken), fc.nat(), fc.constantFrom("A", "z", "-", "_", "."))
        .map(([t, i, c]) => t.slice(0, i % t.length) + c + t.slice((i % t.length) + 1))
        .filter((t) => t !== a.users[0].token && t !== b.users[1].token && t !== a.apiKey && t !== b.apiKey && t !== server.platformToken),
      fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 80 }).map((s) => s.replace(/[^\x21-\x7e]/g, "x")),
      fc.constantFrom("gpk_", "gpk_AAAAAAAAAAAA_" + "A".repeat(43), "x".repeat(4097), "a.b.c", "..", "eyJ.eyJ.", `${server.platformToken}x`),
    );

  const principal = () =>
    fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...principals) },
      { weight: 1, arbitrary: badToken().map((token) => ({ label: `bad token ${token.slice(0, 60)}`, token })) },
    );

  /** Sends one GraphQL request and checks the response's hygiene; returns the parsed body. */
  async function send(query: string, variables: Record<string, unknown>, token: string | null, label: string): Promise<RawResponse> {
    const response = await postGraphQL(server, { query, variables }, token);
    assertHygienic(response, stringsIn([query, variables]), `${label}\n  ${query.slice(0, 400)}\n  variables ${JSON.stringify(variables).slice(0, 400)}`);
    return response;
  }

  it("schema-driven operations with hostile arguments, from every kind of principal", { timeout: 600_000 }, async (t: TestContext) => {
    const numRuns = runs(4000, 3000);
    t.diagnostic(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${numRuns} operations`);
    let n = 0;
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(operationFor(schema, pool), principal(), async (op, who) => {
        if (++n % 250 === 0) await refreshPool();
        const response = await send(op.query, op.variables, who.token, `${op.kind} ${op.field} as ${who.label}`);
        const payload = response.json?.data?.[op.field];
        const outcome = response.json?.errors?.[0]?.extensions?.code ?? payload?.userErrors?.[0]?.code ?? (response.status === 200 ? "ok" : `HTTP ${response.status}`);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      settings(1, numRuns),
    );
    t.diagnostic(`outcomes: ${[...outcomes].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    await assertInvariants(server, tenants());
  });

  it("malformed HTTP: bodies, numbers JSON cannot carry, content types, methods, paths and credentials", { timeout: 600_000 }, async (t: TestContext) => {
    const numRuns = runs(1500, 1000);
    t.diagnostic(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${numRuns} requests`);
    const operation = operationFor(schema, pool).map((op) => JSON.stringify({ query: op.query, variables: op.variables }));
    const numberTricks = fc.constantFrom("NaN", "-NaN", "Infinity", "-Infinity", "1e999", "-1e999", "-0", "00012", "0x10", "12345678901234567890123", "1.0", "1e2", ".5", "+1", "1_000");
    const body = fc.oneof(
      { weight: 5, arbitrary: operation },
      {
        weight: 3,
        // A valid request whose first number (or first string value) is replaced by a JSON trick.
        arbitrary: fc.tuple(operation, numberTricks).map(([json, trick]) => (/-?\d+(\.\d+)?(e[+-]?\d+)?/.test(json) ? json.replace(/(?<=[:[,])-?\d+(\.\d+)?(e[+-]?\d+)?/, trick) : json.replace(/(?<=:)"[^"]*"/, trick))),
      },
      { weight: 1, arbitrary: fc.tuple(operation, fc.nat()).map(([json, cut]) => json.slice(0, cut % json.length)) },
      { weight: 1, arbitrary: operation.map((json) => `[${json},${json}]`) },
      { weight: 1, arbitrary: operation.map((json) => `\ufeff${json}`) },
      { weight: 1, arbitrary: operation.map((json) => json.replace(/^\{/, '{"query":1,"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}},')) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          "",
          "{}",
          "null",
          "[]",
          "true",
          '"{ viewer { id } }"',
          "{ viewer { id } }",
          '{"query":null}',
          '{"query":"{ viewer { id } }","variables":"{}"}',
          '{"query":"{ viewer { id } }","variables":[1]}',
          '{"query":"{ viewer { id } }","operationName":7}',
          '{"query":"query A { viewer { id } } query B { myTenant { id } }"}',
          '{"query":"query A { viewer { id } } query B { myTenant { id } }","operationName":"C"}',
          '{"query":"{ viewer { id } }","extensions":{"persistedQuery":{"version":2,"sha256Hash":"x"}}}',
          '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000"}}}',
          '{"query":"{ viewer { id } }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000"}}}',
          '{"query":"{ viewer { id } }","variables":{"__proto__":{"polluted":true}}}',
          '{"query":"mutation($i: EnterFaceToFaceInput!) { enterFaceToFace(input: $i) { userErrors { code } } }","variables":{"i":{"digits":"1234","latitude":1e999,"longitude":-0}}}',
          `{"query":"query($id: ID!) { group(id: $id) { id } }","variables":{"id":${"[".repeat(5000)}${"]".repeat(5000)}}}`,
          `{"query":"${"{".repeat(2000)}"}`,
          `{"query":"{ ${Array.from({ length: 40 }, (_, i) => `a${i}: viewer { id }`).join(" ")} }"}`,
          `{"query":"{ viewer { id } }","variables":${JSON.stringify({ x: "y".repeat(2_000_000) })}}`,
        ),
      },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("latin1")) },
    );
    const authorization = fc.oneof(
      { weight: 6, arbitrary: principal().map((p) => (p.token ? `Bearer ${p.token}` : undefined)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom("Bearer", "Bearer ", "bearer x", "Basic dXNlcjpwYXNz", "Bearer  a", "Bearer a b", "Token abc", "Bearer \u00e9\u00ff", `Bearer ${"x".repeat(5000)}`, "Bearer \t"),
      },
      { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, "").trim()) },
    );
    const request = fc.record({
      method: fc.constantFrom("POST", "POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS"),
      path: fc.oneof(
        { weight: 6, arbitrary: fc.constant("/graphql") },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            "/graphql?query=%7Bviewer%7Bid%7D%7D",
            "/graphql?query=mutation%7BleaveGroup(input:%7BgroupId:%22x%22%7D)%7BuserErrors%7Bcode%7D%7D%7D",
            "/graphql?query=%7B__typename%7D&variables=%5B%5D",
            "/graphql?query=%7B__typename%7D&extensions=%7B",
            "/graphql?query=%",
            "/graphql/",
            "/GRAPHQL",
            "//graphql",
            "/healthz",
            "/evidence/public-key",
            "/",
            "/nope",
            "/join/not-a-token",
            "/live/%3Cscript%3E",
            "/join/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "/graphql?" + "a=1&".repeat(2000),
          ),
        },
      ),
      contentType: fc.constantFrom("application/json", "application/json", "application/json; charset=utf-8", "text/plain", "application/graphql", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "application/json; charset=latin1"),
      authorization,
      preflight: fc.boolean(),
      body,
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers["content-type"] = r.contentType;
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.preflight) headers["apollo-require-preflight"] = "true";
        const response = await rawRequest(server, { method: r.method, path: r.path, headers, body: r.body });
        assertHygienic(response, [r.body, r.path, r.authorization ?? ""], `${r.method} ${r.path.slice(0, 100)} (${r.contentType}; ${String(r.authorization).slice(0, 60)})\n  ${r.body.slice(0, 300)}`);
      }),
      settings(2, numRuns),
    );
  });

  /* Random sequences of group operations by random users of both tenants, some run concurrently. */

  type OpKind =
    | "create"
    | "invite"
    | "respond"
    | "remove"
    | "leave"
    | "rename"
    | "setRole"
    | "transfer"
    | "dissolve"
    | "createCode"
    | "joinCode"
    | "revokeCode"
    | "send"
    | "split"
    | "createLive"
    | "joinLive"
    | "enterF2F"
    | "joinF2F"
    | "chat"
    | "review"
    | "mute"
    | "keywords"
    | "read"
    | "tick";
  type Who = "owner" | "admin" | "member" | "any" | "key" | "stranger";
  interface Op {
    kind: OpKind;
    t: 0 | 1;
    who: Who;
    a: number;
    b: number;
    c: number;
    n: number;
    flag: boolean;
    text: string;
  }
  const WEIGHTS: Array<[OpKind, number]> = [
    ["create", 4],
    ["invite", 4],
    ["respond", 3],
    ["remove", 2],
    ["leave", 2],
    ["rename", 2],
    ["setRole", 3],
    ["transfer", 2],
    ["dissolve", 1],
    ["createCode", 2],
    ["joinCode", 3],
    ["revokeCode", 1],
    ["send", 4],
    ["split", 1],
    ["createLive", 1],
    ["joinLive", 2],
    ["enterF2F", 1],
    ["joinF2F", 1],
    ["chat", 1],
    ["review", 1],
    ["mute", 1],
    ["keywords", 1],
    ["read", 2],
    ["tick", 1],
  ];
  const opArbitrary: fc.Arbitrary<Op> = fc.record({
    kind: fc.oneof(...WEIGHTS.map(([kind, weight]) => ({ weight, arbitrary: fc.constant(kind) }))),
    t: fc.constantFrom(0 as const, 1 as const),
    who: fc.constantFrom<Who>("owner", "owner", "owner", "admin", "member", "member", "any", "key", "stranger"),
    a: fc.nat(),
    b: fc.nat(),
    c: fc.nat(),
    n: fc.integer({ min: 0, max: 20 }),
    flag: fc.boolean(),
    text: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("Hikers", "Book club", "Team 7", "周末爬山", "ｆｕｌｌ　ｗｉｄｔｈ", "please review me", "forbidden talk", "Ｆｏｒｂｉｄｄｅｎ") },
      { weight: 2, arbitrary: hostileString },
      // Names exactly at their limits (100 for groups, 80 for live-code base names) in astral characters.
      { weight: 1, arbitrary: fc.constantFrom("a" + "😀".repeat(99), "😀".repeat(100), "b" + "😀".repeat(79), "群".repeat(100), "x".repeat(99) + "😀") },
    ),
  });

  interface GroupView {
    id: string;
    status: string;
    members: Array<{ userId: string; role: string }>;
  }
  interface TenantView {
    groups: GroupView[];
    invitations: Array<{ id: string; invitee: string }>;
    codes: Array<{ id: string; token: string; groupId: string }>;
    liveCodes: Array<{ id: string; token: string; createdBy: string }>;
    sessions: Map<string, string[]>;
    reviews: string[];
  }

  /** What the tenant has now, read from the rows (to aim operations at things that exist). */
  async function viewOf(t: FuzzTenant): Promise<TenantView> {
    const groups = await server.sql(`SELECT id, status FROM chat_groups WHERE tenant_id = ? ORDER BY created_at DESC, id LIMIT 40`, [t.rowId]);
    const members = await server.sql(`SELECT group_id, user_id, role FROM group_members WHERE tenant_id = ? ORDER BY join_seq`, [t.rowId]);
    const sessions = new Map<string, string[]>();
    for (const p of await server.sql(`SELECT session_id, user_id FROM face_to_face_participants WHERE tenant_id = ? ORDER BY joined_at`, [t.rowId])) {
      sessions.set(p.session_id, [...(sessions.get(p.session_id) ?? []), p.user_id]);
    }
    return {
      groups: groups.map((g) => ({ id: g.id, status: g.status, members: members.filter((m) => m.group_id === g.id).map((m) => ({ userId: m.user_id, role: m.role })) })),
      invitations: (await server.sql(`SELECT id, invitee_id FROM invitations WHERE tenant_id = ? AND status = 'PENDING'`, [t.rowId])).map((i) => ({ id: i.id, invitee: i.invitee_id })),
      codes: (await server.sql(`SELECT id, token, group_id FROM group_codes WHERE tenant_id = ? ORDER BY created_at DESC LIMIT 30`, [t.rowId])).map((c) => ({ id: c.id, token: c.token, groupId: c.group_id })),
      liveCodes: (await server.sql(`SELECT id, token, created_by FROM live_codes WHERE tenant_id = ?`, [t.rowId])).map((c) => ({ id: c.id, token: c.token, createdBy: c.created_by })),
      sessions,
      reviews: (await server.sql(`SELECT id FROM review_items WHERE tenant_id = ? AND status = 'PENDING'`, [t.rowId])).map((r) => r.id),
    };
  }

  function planOp(op: Op, views: [TenantView, TenantView]): { query: string; variables: Record<string, unknown>; token: string | null } | null {
    if (op.kind === "tick") {
      // Invitations (7 days), temporary codes (3 days), sessions (10 minutes) and rolling windows expire.
      const step = [1_000, 60_000, 11 * 60_000, 3600_000, 24 * 3600_000, 4 * 24 * 3600_000][op.n % 6];
      if (advanced + step <= MAX_CLOCK_ADVANCE_MS) {
        clock.advance(step);
        advanced += step;
      }
      return null;
    }
    const tenant = op.t === 0 ? a : b;
    const other = op.t === 0 ? b : a;
    const view = views[op.t];
    const people = [...tenant.users, tenant.loner];
    const userByRow = (row: string) => people.find((u) => rowId(u.id) === row);
    const at = <T>(items: T[], i: number): T | undefined => (items.length ? items[i % items.length] : undefined);
    // Mostly groups still alive; now and then a dissolved one.
    const live = view.groups.filter((g) => g.status !== "DISSOLVED");
    const group = at(op.n % 7 === 0 || live.length === 0 ? view.groups : live, op.b);
    const groupId = group ? gid("Group", group.id) : gid("Group", "00000000-0000-7000-8000-000000000000");
    const member = (roles: string[] | null, i: number) => at((group?.members ?? []).filter((m) => !roles || roles.includes(m.role)), i);
    const actor = (): string => {
      switch (op.who) {
        case "key":
          return tenant.apiKey;
        case "stranger":
          return at(other.users, op.a)!.token;
        case "any":
          return at(people, op.a)!.token;
        default: {
          const roles = op.who === "owner" ? ["OWNER"] : op.who === "admin" ? ["ADMIN", "OWNER"] : null;
          const m = member(roles, op.a) ?? member(null, op.a);
          return (m && userByRow(m.userId)?.token) ?? at(people, op.a)!.token;
        }
      }
    };
    const someone = (i: number) => at(people, i)!;
    /** Distinct users other than `self`, the loner (no contacts) only now and then. */
    const others = (self: FixtureUser | null, count: number, from: number) => {
      const pool = (op.n % 5 === 0 ? people : tenant.users).filter((u) => u !== self);
      return Array.from({ length: Math.min(count, pool.length) }, (_, i) => pool[(from + i) % pool.length]);
    };
    const target = (roles: string[] | null) => {
      const m = member(roles, op.c) ?? member(null, op.c);
      return m ? gid("User", m.userId) : someone(op.c).id;
    };
    // Every mutation `fooBar` takes `FooBarInput!`; `_shape` documents the shared shape.
    const mutation = (field: string, _shape: string, selection: string, input: Record<string, unknown>, token = actor()) => ({
      query: `mutation($input: ${field[0].toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $input) { ${selection} userErrors { code message field } } }`,
      variables: { input },
      token,
    });
    const GROUP = "group { id name status memberCount owner { id } }";
    switch (op.kind) {
      case "create": {
        const creator = op.who === "key" ? null : op.who === "stranger" ? at(other.users, op.a)! : someone(op.a);
        const memberIds = [...others(creator, 2 + (op.n % 4), op.b).map((u) => u.id), ...(op.c % 9 === 0 ? [someone(op.c).id] : [])];
        const category = op.n % 11 === 0 ? "FINANCIAL" : op.n % 11 === 1 ? "EDUCATION" : "GENERAL";
        return mutation(
          "createGroup",
          "CreateGroupInput",
          `${GROUP} invitations { id status }`,
          { name: op.flag ? op.text : `Group ${op.n}`, memberIds, category, minorProtection: op.c % 2 === 0 },
          creator ? creator.token : tenant.apiKey,
        );
      }
      case "invite":
        return mutation("inviteMembers", "InviteMembersInput", "added { user { id } joinSource { kind } } invitations { id status }", {
          groupId,
          userIds: Array.from({ length: 1 + (op.n % 3) }, (_, i) => (op.who === "stranger" && i === 0 ? at(other.users, op.c)!.id : someone(op.c + i).id)),
        });
      case "respond": {
        const invitation = at(view.invitations, op.b);
        if (!invitation) return null;
        const invitee = userByRow(invitation.invitee);
        const token = op.who === "any" || op.who === "stranger" || op.who === "key" || !invitee ? actor() : invitee.token;
        return mutation("respondToInvitation", "RespondToInvitationInput", "invitation { id status } member { role joinSource { kind } }", { invitationId: gid("Invitation", invitation.id), accept: op.flag }, token);
      }
      case "remove":
        return mutation("removeMember", "GroupUserInput", GROUP, { groupId, userId: target(null) });
      case "leave":
        return mutation("leaveGroup", "GroupIdInput", GROUP, { groupId });
      case "rename":
        return mutation("renameGroup", "RenameGroupInput", GROUP, { groupId, name: op.text });
      case "setRole":
        return mutation("setMemberRole", "SetMemberRoleInput", "member { role user { id } }", { groupId, userId: target(op.flag ? ["MEMBER"] : ["ADMIN"]), role: op.flag ? "ADMIN" : "MEMBER" });
      case "transfer":
        return mutation("transferOwnership", "GroupUserInput", GROUP, { groupId, userId: target(op.flag || op.n % 3 ? ["ADMIN"] : null) });
      case "dissolve":
        return mutation("dissolveGroup", "GroupIdInput", GROUP, { groupId });
      case "createCode":
        return mutation("createGroupCode", "CreateGroupCodeInput", "code { id token status uses maxUses expiresAt }", {
          groupId,
          type: op.flag ? "PERMANENT" : "TEMPORARY",
          maxUses: op.n % 4 === 0 ? null : op.n % 4,
          ttlSeconds: op.flag || op.n % 3 !== 0 ? null : op.n * 3600,
          state: op.c % 2 ? op.text : null,
        });
      case "joinCode": {
        const code = at(view.codes, op.b);
        if (!code) return null;
        return mutation("joinGroupByCode", "JoinByTokenInput", `group { id memberCount } member { role joinSource { kind state } }`, { token: code.token }, op.who === "stranger" ? at(other.users, op.a)!.token : op.who === "key" ? tenant.apiKey : someone(op.a).token);
      }
      case "revokeCode": {
        const code = at(view.codes, op.b);
        if (!code) return null;
        return mutation("revokeGroupCode", "RevokeGroupCodeInput", "code { id status }", { codeId: gid("GroupCode", code.id) });
      }
      case "send":
        return mutation("sendMessage", "SendMessageInput", "message { id seq text status }", { groupId, text: op.text });
      case "split":
        return mutation("splitGroup", "SplitGroupInput", "coreGroup { id memberCount } subGroups { id memberCount name }", { groupId, maxMembersPerGroup: 3 + (op.n % 5 === 0 ? op.n % 4 : 0) });
      case "createLive": {
        // Only the enterprise plan has live codes: aim there mostly, as the owner of the groups.
        if (op.t === 0 && op.n % 4 !== 0) return planOp({ ...op, t: 1 }, views);
        const owner = member(["OWNER"], 0);
        const second = live.find((g) => g.id !== group?.id && g.members.some((m) => m.role === "OWNER" && m.userId === owner?.userId));
        return mutation("createLiveCode", "CreateLiveCodeInput", "liveCode { id token groups { id } }", {
          name: op.flag ? op.text : "Live",
          groupIds: [groupId, ...(op.c % 2 && second ? [gid("Group", second.id)] : [])],
          perGroupCap: 2 + (op.n % 5),
          autoCreateGroups: op.flag || op.n % 2 === 0,
          baseName: op.c % 3 === 0 ? null : op.text,
          welcomeMessage: op.n % 3 === 0 ? op.text : null,
        }, op.who === "owner" || op.who === "admin" || op.who === "member" ? ((owner && userByRow(owner.userId)?.token) ?? actor()) : actor());
      }
      case "joinLive": {
        const code = at(view.liveCodes, op.b);
        if (!code) return null;
        return mutation("joinByLiveCode", "JoinByTokenInput", "group { id name memberCount } member { role joinSource { kind } }", { token: code.token }, op.who === "stranger" ? at(other.users, op.a)!.token : someone(op.a).token);
      }
      case "enterF2F":
        return mutation(
          "enterFaceToFace",
          "EnterFaceToFaceInput",
          "session { id participants { id } group { id } }",
          { digits: ["1357", "2468", "0000"][op.n % 3], latitude: 31.2304 + (op.c % 10) * 0.0005, longitude: 121.4737 },
          op.who === "key" ? tenant.apiKey : someone(op.a).token,
        );
      case "joinF2F": {
        const sessions = [...view.sessions];
        const session = at(sessions, op.b);
        if (!session) return null;
        const participant = userByRow(at(session[1], op.a)!);
        return mutation("joinFaceToFaceGroup", "JoinFaceToFaceGroupInput", "group { id memberCount } member { role }", { sessionId: gid("FaceToFaceSession", session[0]) }, op.who === "any" || !participant ? someone(op.a).token : participant.token);
      }
      case "chat":
        return mutation(op.flag ? "deleteChat" : "restoreChat", "ChatInput", "group { id }", { groupId });
      case "review": {
        const item = at(view.reviews, op.b);
        if (!item) return null;
        return mutation("resolveReviewItem", "ResolveReviewItemInput", "reviewItem { id status }", { reviewItemId: gid("ReviewItem", item), decision: op.flag ? "APPROVE" : "REJECT" }, tenant.apiKey);
      }
      case "mute":
        return mutation("setMuteNotifications", "SetMuteNotificationsInput", "member { mutedNotifications }", { groupId, muted: op.flag });
      case "keywords":
        return mutation("setModerationKeywords", "SetModerationKeywordsInput", "keywords { term action }", { keywords: [...KEYWORDS, { term: op.text, action: op.flag ? "BLOCK" : "REVIEW" }] }, tenant.apiKey);
      case "read":
        return {
          query: `query($id: ID!) { group(id: $id) { id name status memberCount maxMembers owner { displayName }
            members(first: 20) { totalCount edges { node { role user { id displayName } joinSource { kind state inviter { id } code { token } liveCode { name } } } } }
            messages(first: 20) { totalCount edges { node { seq kind event text status sender { displayName } subject { displayName } } } }
            evidence { treeSize rootHash } codes { token status uses } parent { id } subGroups { id } viewerMembership { role } } }`,
          variables: { id: groupId },
          token: actor(),
        };
    }
  }

  it("random sequences of group operations by the users of two tenants keep every invariant", { timeout: 600_000 }, async (t: TestContext) => {
    const numRuns = runs(150, 100);
    t.diagnostic(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${numRuns} sequences`);
    // Earlier properties may have replaced the keyword lists with anything, and revoked the users'
    // tokens or rotated the tenants' signing secrets (revokeUserTokens, rotateTokenSigningSecret):
    // start from the known keywords and fresh tokens.
    for (const tenant of [a, b]) {
      for (const user of [...tenant.users, tenant.loner]) {
        user.token = (await call(server, "issueUserToken", "IssueUserTokenInput", "token", { userId: user.id, ttlSeconds: 30 * 24 * 3600 }, tenant.apiKey)).token;
      }
    }
    for (const tenant of [a, b]) ok(dataOf(await server.gql(`mutation($k: [KeywordInput!]!) { setModerationKeywords(input: { keywords: $k }) { userErrors { code } } }`, { k: KEYWORDS }, tenant.apiKey)).setModerationKeywords);
    let succeeded = 0;
    let attempted = 0;
    const tally = new Map<string, { tried: number; done: number }>();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArbitrary, { minLength: 1, maxLength: 3 }), { minLength: 4, maxLength: 16 }), async (batches) => {
        const sizes = await logSizes(server);
        for (const batch of batches) {
          const views: [TenantView, TenantView] = [await viewOf(a), await viewOf(b)];
          await Promise.all(
            batch.map(async (op) => {
              const planned = planOp(op, views);
              if (!planned) return;
              attempted++;
              const counts = tally.get(op.kind) ?? { tried: 0, done: 0 };
              tally.set(op.kind, counts);
              counts.tried++;
              const response = await send(planned.query, planned.variables, planned.token, `${op.kind} ${JSON.stringify({ ...op, text: op.text.slice(0, 60) })}`);
              const payload = response.json?.data && Object.values(response.json.data)[0];
              if (payload && !(payload as any).userErrors?.length && !response.json.errors) {
                succeeded++;
                counts.done++;
              }
            }),
          );
        }
        const problems = await databaseInvariantProblems(server, tenants());
        problems.push(...(await evidenceProblems(server, tenants(), grownGroups(sizes, await logSizes(server)))));
        assert.deepEqual(problems, [], `after ${JSON.stringify(batches.flat().map((o) => o.kind))}:\n  ${problems.join("\n  ")}`);
      }),
      settings(3, numRuns),
    );
    t.diagnostic(`${attempted} operations, ${succeeded} succeeded: ${[...tally].map(([kind, c]) => `${kind} ${c.done}/${c.tried}`).join(", ")}`);
    assert.ok(succeeded > attempted / 5, `only ${succeeded} of ${attempted} operations succeeded: the generator is not reaching the rules`);
    await assertInvariants(server, tenants());
  });

  it("regressions the fuzzing found, replayed exactly", { timeout: 600_000 }, async () => {
    const t = await createTenant(server, { plan: "ENTERPRISE", users: 8, qualifications: { dataUsageRulesUrl: "https://regress.example/rules" } });
    checked.push(t);
    const [owner, ...others] = t.users;
    const verify = async (groupId: string) => dataOf(await server.gql(`query($id: ID!) { verifyEvidence(groupId: $id) { valid firstBrokenSeq } }`, { id: groupId }, t.apiKey)).verifyEvidence;
    const wellFormed = (text: string, max: number) => !/\p{Cs}/u.test(text) && [...text].length <= max;

    // 1. A lone surrogate (JSON "\ud800") was stored as U+FFFD: the group's history no longer matched
    //    its signed Merkle leaves, and what the API had returned differed from what it stored.
    const group = (await call(server, "createGroup", "CreateGroupInput", "group { id }", { name: "Surrogates", memberIds: [others[0].id, others[1].id] }, owner.token)).group;
    const before = await snapshotAll(server);
    for (const [query, input] of [
      [`mutation($input: CreateGroupInput!) { createGroup(input: $input) { userErrors { code } } }`, { name: "bad\ud800name", memberIds: [others[0].id, others[1].id] }],
      [`mutation($input: SendMessageInput!) { sendMessage(input: $input) { userErrors { code } } }`, { groupId: group.id, text: "hi \udc00 there" }],
      [`mutation($input: RenameGroupInput!) { renameGroup(input: $input) { userErrors { code } } }`, { groupId: group.id, name: "😀\ud83d" }],
    ] as const) {
      const response = await postGraphQL(server, { query, variables: { input } }, owner.token);
      assertHygienic(response, stringsIn([query, input]), query);
      assert.equal(response.status, 400, query);
      assert.deepEqual(response.json.errors.map((e: any) => e.extensions.code), ["BAD_REQUEST"], query);
    }
    assert.deepEqual(snapshotDiff(before, await snapshotAll(server)), [], "refused requests wrote nothing");
    ok(dataOf(await server.gql(`mutation($input: SendMessageInput!) { sendMessage(input: $input) { userErrors { code } } }`, { input: { groupId: group.id, text: "pairs are fine: 😀 👨‍👩‍👧‍👦" } }, owner.token)).sendMessage);
    assert.deepEqual(await verify(group.id), { valid: true, firstBrokenSeq: null });

    // 2. A keyword whose NFKC folding outgrew moderation_keywords.folded (varchar 200) was a 500 on
    //    MariaDB and stored whole on SQLite: U+FDFA folds to 15 letters.
    const keywords = async (term: string) =>
      dataOf(await server.gql(`mutation($k: [KeywordInput!]!) { setModerationKeywords(input: { keywords: $k }) { keywords { term } userErrors { code field } } }`, { k: [{ term, action: "BLOCK" }] }, t.apiKey)).setModerationKeywords;
    assert.deepEqual((await keywords("\ufdfa".repeat(14))).userErrors, [{ code: "INVALID_INPUT", field: ["input", "keywords", "0", "term"] }]);
    assert.deepEqual((await keywords("\ufdfa".repeat(50))).userErrors, [{ code: "INVALID_INPUT", field: ["input", "keywords", "0", "term"] }]);
    assert.deepEqual(ok(await keywords("\ufdfa".repeat(13))).keywords, [{ term: "\ufdfa".repeat(13) }]);
    ok(await keywords("forbidden"));

    // 3. Names made by the server ("<name> (2)" for split sub-groups, "<baseName> <n>" for live-code
    //    groups) were cut at 100 UTF-16 units, leaving half a surrogate pair: stored as U+FFFD, so
    //    the new group's history failed verification from its first entry.
    const big = (await call(server, "createGroup", "CreateGroupInput", "group { id }", { name: "a" + "😀".repeat(99), memberIds: others.slice(0, 6).map((u) => u.id) }, owner.token)).group;
    const split = await call(server, "splitGroup", "SplitGroupInput", "coreGroup { id } subGroups { id name }", { groupId: big.id, maxMembersPerGroup: 4 }, owner.token);
    assert.ok(split.subGroups.length > 0);
    for (const sub of split.subGroups) {
      assert.ok(wellFormed(sub.name, 100), JSON.stringify(sub.name.slice(-4)));
      assert.deepEqual(await verify(sub.id), { valid: true, firstBrokenSeq: null });
    }
    assert.deepEqual(await verify(split.coreGroup.id), { valid: true, firstBrokenSeq: null });
    const first = (await call(server, "createGroup", "CreateGroupInput", "group { id }", { name: "Live first", memberIds: [others[0].id, others[1].id] }, owner.token)).group;
    const live = (
      await call(server, "createLiveCode", "CreateLiveCodeInput", "liveCode { token }", { name: "Live", groupIds: [first.id], perGroupCap: 3, autoCreateGroups: true, baseName: "b" + "😀".repeat(79) }, owner.token)
    ).liveCode;
    const joined = await call(server, "joinByLiveCode", "JoinByTokenInput", "group { id name }", { token: live.token }, others[5].token);
    assert.notEqual(joined.group.id, first.id, "the first group is full: a new one is opened");
    assert.ok(wellFormed(joined.group.name, 100), JSON.stringify(joined.group.name.slice(-4)));
    assert.deepEqual(await verify(joined.group.id), { valid: true, firstBrokenSeq: null });

    // 4. Apollo's own refusals without a code (persisted-query version or hash) reached clients as
    //    INTERNAL_SERVER_ERROR and were logged as unexpected. 5. Several operations and no (or an
    //    unknown) operationName crashed the graphql-jit executor: HTTP 500.
    for (const [body, code] of [
      [{ query: "{ viewer { id } }", extensions: { persistedQuery: { version: 2, sha256Hash: "x" } } }, "BAD_REQUEST"],
      [{ query: "{ viewer { id } }", extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, "BAD_REQUEST"],
      [{ query: "query A { viewer { id } } query B { myTenant { id } }" }, "OPERATION_RESOLUTION_FAILURE"],
      [{ query: "query A { viewer { id } } query B { myTenant { id } }", operationName: "C" }, "OPERATION_RESOLUTION_FAILURE"],
    ] as const) {
      const response = await postGraphQL(server, body, owner.token);
      assertHygienic(response, stringsIn(body), JSON.stringify(body));
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.deepEqual(response.json.errors.map((e: any) => e.extensions.code), [code], JSON.stringify(body));
    }
    const chosen = await postGraphQL(server, { query: "query A { viewer { id } } query B { myTenant { id } }", operationName: "B" }, owner.token);
    assert.deepEqual(chosen.json.data, { myTenant: { id: t.id } });
  });
});
