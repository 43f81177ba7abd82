import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTenant, type FixtureTenant } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { engine, serverMode, startTestServer, testEvidenceKey, type TestServer } from "../support/server";

/*
 * The fast lane (src/http/fast-lane.ts) answers a query or mutation Apollo has seen before without
 * Apollo's pipeline. Two servers on one database, the lane on and off, get the same requests, each
 * twice (the lane takes a query from its second sight on): every answer must be the same — status,
 * headers, body bytes — whether the lane answered, handed the request to Apollo, or was off.
 */
const METRICS_TOKEN = "fast-lane-test-metrics";
const READ = `query($groups: Int!, $members: Int!) { myGroups(first: $groups) { edges { node { owner { displayName } members(first: $members) { edges { node { user { displayName } } } } } } } }`;
const FRAGMENTS = `query Mine($n: Int!) {
  mine: myGroups(first: $n) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...G } } }
  me: viewer { id displayName }
}
fragment G on Group { id name memberCount maxMembers owner { id displayName } viewerMembership { role }
  members(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id role joinedAt joinSource { kind } who: user { id displayName } } } } }`;
const TWO_OPERATIONS = `query Names { viewer { displayName } } query Ids { viewer { id } myGroups(first: 1) { edges { node { id } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id __typename ... on Group { name members(first: 1) { edges { node { user { displayName } } } } } ... on User { displayName } } }`;
const GROUP = `query($id: ID!) { group(id: $id) { id name } }`;
/** Priced at 1 + n × (3 + 3m) points: n = 10, m = 100 is 3,031, above the test's MAX_QUERY_COST of 3,000. */
const PRICED = `query($n: Int!, $m: Int!) { myGroups(first: $n) { edges { node { members(first: $m) { edges { node { user { displayName } } } } } } } }`;
/** The same price plus one, and a NOT_FOUND error: the lane runs it, then hands it to Apollo. */
const PRICED_WITH_ERROR = `query($n: Int!, $m: Int!) { group(id: "R3JvdXA6bm9wZQ") { id } myGroups(first: $n) { edges { node { members(first: $m) { edges { node { user { displayName } } } } } } } }`;

const RENAME = `mutation($input: RenameGroupInput!) { renameGroup(input: $input) { group { name } userErrors { code } } }`;
/** A message sent, and a field the caller may not use (NOT_PERMITTED): a mutation whose result has an error. */
const SEND_AND_FAIL = `mutation($g: ID!, $text: String!) {
  sent: sendMessage(input: { groupId: $g, text: $text }) { message { text } userErrors { code } }
  users: upsertUsers(input: { users: [] }) { users { id } userErrors { code } }
}`;
const SEND = `mutation($g: ID!, $text: String!) { sendMessage(input: { groupId: $g, text: $text }) { message { text } userErrors { code } } }`;
const MESSAGES = `query($id: ID!) { group(id: $id) { messages(first: 100) { edges { node { text } } } } }`;

interface Exchange {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

interface Request {
  name: string;
  token: "viewer" | "spender" | "prober" | "tenant" | "owner";
  method?: "GET" | "POST";
  accept?: string;
  /** The JSON body (POST) or the search parameters (GET). */
  body: unknown;
  headers?: Record<string, string>;
}

async function send(server: TestServer, request: Request, token: string): Promise<Exchange> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, "x-request-id": "fast-lane-test" };
  if (request.accept) headers.accept = request.accept;
  Object.assign(headers, request.headers);
  let response: Response;
  if (request.method === "GET") {
    const search = new URLSearchParams(request.body as Record<string, string>);
    response = await fetch(`${server.url}?${search}`, { headers: { ...headers, "apollo-require-preflight": "true" } });
  } else {
    response = await fetch(server.url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(request.body) });
  }
  const body = await response.text();
  return { status: response.status, headers: [...response.headers].filter(([name]) => name !== "date"), body };
}

async function fastLaneCount(server: TestServer, outcome: string): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith(`gp_graphql_fast_lane_total{outcome="${outcome}"}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

for (const mode of [...new Set([serverMode, "production"] as const)]) {
  describe(`query fast lane: the same answers with the lane on and off (${engine}, ${mode})`, () => {
    let on: TestServer;
    let off: TestServer;
    let t: FixtureTenant;
    let groupIds: string[] = [];
    // owner: the owner of groupIds[1] (users[2], see before).
    const tokens = () => ({ viewer: t.users[0]!.token, spender: t.users[5]!.token, prober: t.users[4]!.token, tenant: t.apiKey, owner: t.users[2]!.token });

    before(async () => {
      const config = {
        ...(mode === "production" ? { env: "production" as const, evidenceSigningKey: testEvidenceKey } : {}),
        metricsToken: METRICS_TOKEN,
        maxQueryCost: 3000,
        // A slow leak: a spender's second request of 2,551 points finds the bucket still full.
        rateLimit: { enabled: true, capacity: 5000, leakPerSecond: 1 },
      };
      on = await startTestServer({ config: { ...config, queryFastLane: true } });
      off = await startTestServer({ config: { ...config, queryFastLane: false }, databaseUrl: on.databaseUrl, platformToken: on.platformToken });
      t = await createTenant(on, { users: 6 });
      const [viewer, ...others] = t.users;
      for (let g = 0; g < 3; g++) {
        const created = await createGroup(on, others[g]!, [viewer!, ...others.filter((_, i) => i !== g).slice(0, 2 + g)], { name: `Group ${g}` });
        groupIds.push(created.id);
      }
    });
    after(async () => {
      await off?.close();
      await on?.close();
      groupIds = [];
    });

    it("answers every request as Apollo does, and takes the repeated known queries itself", async () => {
      const requests: Request[] = [
        { name: "the benchmark's read", token: "viewer", body: { query: READ, variables: { groups: 5, members: 3 } } },
        { name: "the same read, other variables", token: "viewer", body: { query: READ, variables: { groups: 2, members: 1 } } },
        { name: "the read, Accept: application/json", token: "viewer", accept: "application/json", body: { query: READ, variables: { groups: 5, members: 3 } } },
        { name: "the read, Accept: application/graphql-response+json", token: "viewer", accept: "application/graphql-response+json", body: { query: READ, variables: { groups: 5, members: 3 } } },
        { name: "the read, Accept: both with weights", token: "viewer", accept: "application/json;q=0.5, application/graphql-response+json", body: { query: READ, variables: { groups: 5, members: 3 } } },
        { name: "the read, Accept: text/html (406)", token: "viewer", accept: "text/html", body: { query: READ, variables: { groups: 5, members: 3 } } },
        { name: "fragments, aliases, cursors, counts", token: "viewer", body: { query: FRAGMENTS, variables: { n: 10 }, operationName: "Mine" } },
        { name: "fragments, no operationName", token: "viewer", body: { query: FRAGMENTS, variables: { n: 2 } } },
        { name: "one of two operations", token: "viewer", body: { query: TWO_OPERATIONS, operationName: "Ids" } },
        { name: "the other one", token: "viewer", body: { query: TWO_OPERATIONS, operationName: "Names", variables: null } },
        { name: "two operations, none named (400)", token: "viewer", body: { query: TWO_OPERATIONS } },
        { name: "an abstract type with inline fragments", token: "viewer", body: { query: NODE, variables: { id: groupIds[0] } } },
        { name: "a user by node id", token: "tenant", body: { query: NODE, variables: { id: t.users[1]!.id } } },
        { name: "a tenant key on a user-only field (NOT_PERMITTED)", token: "tenant", body: { query: READ, variables: { groups: 1, members: 1 } } },
        { name: "a group that is not there (NOT_FOUND)", token: "viewer", body: { query: GROUP, variables: { id: "R3JvdXA6bm9wZQ" } } },
        { name: "a group the caller is in", token: "viewer", body: { query: GROUP, variables: { id: groupIds[1] } } },
        { name: "bad variables (BAD_USER_INPUT)", token: "viewer", body: { query: READ, variables: { groups: "many", members: 3 } } },
        { name: "a missing variable", token: "viewer", body: { query: READ, variables: { groups: 1 } } },
        { name: "a page size out of range", token: "viewer", body: { query: READ, variables: { groups: -1, members: 1 } } },
        { name: "priced within the maximum", token: "viewer", body: { query: PRICED, variables: { n: 2, m: 3 } } },
        { name: "priced above it (QUERY_TOO_COMPLEX)", token: "viewer", body: { query: PRICED, variables: { n: 10, m: 100 } } },
        { name: "spending 2,551 points (the second time RATE_LIMITED)", token: "spender", body: { query: PRICED, variables: { n: 10, m: 84 } } },
        { name: "GET", token: "viewer", method: "GET", body: { query: READ, variables: JSON.stringify({ groups: 2, members: 2 }) } },
        { name: "extensions", token: "viewer", body: { query: READ, variables: { groups: 2, members: 2 }, extensions: {} } },
        { name: "a batch", token: "viewer", body: [{ query: READ, variables: { groups: 2, members: 2 } }] },
        { name: "a mutation", token: "viewer", body: { query: RENAME, variables: { input: { groupId: groupIds[0], name: "Renamed" } } } },
        { name: "a mutation refused in userErrors (NOT_FOUND)", token: "viewer", body: { query: RENAME, variables: { input: { groupId: "R3JvdXA6bm9wZQ", name: "Renamed" } } } },
        { name: "a mutation, Accept: application/graphql-response+json", token: "viewer", accept: "application/graphql-response+json", body: { query: RENAME, variables: { input: { groupId: groupIds[0], name: "Renamed" } } } },
        { name: "a mutation with bad variables (BAD_USER_INPUT)", token: "viewer", body: { query: RENAME, variables: { input: { groupId: groupIds[0] } } } },
        { name: "a mutation whose result has an error (NOT_PERMITTED)", token: "viewer", body: { query: SEND_AND_FAIL, variables: { g: groupIds[2], text: "sent once per request" } } },
        { name: "a mutation by a tenant key on a user-only field", token: "tenant", body: { query: SEND, variables: { g: groupIds[2], text: "never sent" } } },
        { name: "a subscription over HTTP", token: "viewer", body: { query: `subscription($id: ID!) { groupActivity(groupId: $id) { seq } }`, variables: { id: groupIds[0] } } },
        { name: "the read again, after all that", token: "viewer", body: { query: READ, variables: { groups: 5, members: 3 } } },
        // Strings the compiled serialiser must escape as JSON.stringify does: quotes, backslashes, tab and
        // line feed, non-ASCII, U+2028, a long one (fast-json-stringify's other branches).
        { name: "a rename to a name with quotes and a backslash", token: "owner", body: { query: RENAME, variables: { input: { groupId: groupIds[1], name: 'The "Q" \\ 中文\u2028😀' } } } },
        { name: "that name read", token: "viewer", body: { query: GROUP, variables: { id: groupIds[1] } } },
        { name: "a message to escape", token: "viewer", body: { query: SEND, variables: { g: groupIds[1], text: `say "hi"\tthen\nC:\\dir ${"long ".repeat(12)}é😀` } } },
        { name: "the messages read", token: "viewer", body: { query: MESSAGES, variables: { id: groupIds[1] } } },
      ];
      const answeredBefore = await fastLaneCount(on, "answered");
      for (const request of requests) {
        for (const sight of ["first", "second"]) {
          const withLane = await send(on, request, tokens()[request.token]);
          const without = await send(off, request, tokens()[request.token]);
          assert.deepEqual(withLane, without, `${request.name} (${sight} sight)`);
        }
      }
      // The lane did answer: the repeated successful queries, in every Accept flavour Apollo answered before.
      const answered = (await fastLaneCount(on, "answered")) - answeredBefore;
      assert.ok(answered >= 14, `the lane answered ${answered} requests`);
      // The mutation with an error ran once per request (twice on each server), whoever answered it.
      const messages = await send(on, { name: "messages", token: "viewer", body: { query: MESSAGES, variables: { id: groupIds[2] } } }, tokens().viewer);
      const texts = (JSON.parse(messages.body).data.group.messages.edges as Array<{ node: { text: string } }>).map((e) => e.node.text);
      assert.equal(texts.filter((text) => text === "sent once per request").length, 4, messages.body);
      assert.equal(texts.filter((text) => text === "never sent").length, 0);
      // The strings to escape were stored, so the answers compared above carried them.
      const named = await send(on, { name: "renamed", token: "viewer", body: { query: GROUP, variables: { id: groupIds[1] } } }, tokens().viewer);
      assert.equal(JSON.parse(named.body).data.group.name, 'The "Q" \\ 中文\u2028😀', named.body);
      const escaped = await send(on, { name: "escaped", token: "viewer", body: { query: MESSAGES, variables: { id: groupIds[1] } } }, tokens().viewer);
      assert.ok((JSON.parse(escaped.body).data.group.messages.edges as Array<{ node: { text: string } }>).some((e) => e.node.text.startsWith('say "hi"\tthen\nC:\\dir')), escaped.body);
      assert.ok((await fastLaneCount(on, "handed_over")) >= 5, "errors, bad variables and refusals were handed to Apollo");
      assert.equal(await fastLaneCount(off, "answered"), 0);
    });

    it("a known mutation under an Idempotency-Key runs once: the retry is replayed, not run by the lane", async () => {
      const viewer = tokens().viewer;
      const known: Request = { name: "send", token: "viewer", body: { query: SEND, variables: { g: groupIds[1], text: "known" } } };
      await send(on, known, viewer);
      await send(on, known, viewer);
      const keyed: Request = { ...known, body: { query: SEND, variables: { g: groupIds[1], text: "idempotent" } }, headers: { "idempotency-key": `lane-${mode}` } };
      const first = await send(on, keyed, viewer);
      const retry = await send(on, keyed, viewer);
      assert.equal(first.status, 200, first.body);
      assert.equal(retry.body, first.body);
      assert.ok(retry.headers.some(([name, value]) => name === "idempotent-replayed" && value === "true"), "the retry is the stored answer");
      const messages = await send(on, { name: "messages", token: "viewer", body: { query: MESSAGES, variables: { id: groupIds[1] } } }, viewer);
      const texts = (JSON.parse(messages.body).data.group.messages.edges as Array<{ node: { text: string } }>).map((e) => e.node.text);
      assert.deepEqual([texts.filter((t) => t === "known").length, texts.filter((t) => t === "idempotent").length], [2, 1]);
    });

    it("a request handed over to Apollo is charged once: the prober's budget runs out when the lane-off server's does", async () => {
      // 1,352 points a time in a bucket of 5,000: the third request fits (4,056) unless a handed-over
      // request had been charged twice (5,408).
      const request: Request = { name: "a priced read with an error", token: "prober", body: { query: PRICED_WITH_ERROR, variables: { n: 10, m: 44 } } };
      for (const time of [1, 2, 3]) {
        const withLane = await send(on, request, tokens().prober);
        const without = await send(off, request, tokens().prober);
        assert.equal(withLane.status, 200, `time ${time}: ${withLane.body.slice(0, 300)}`);
        assert.deepEqual(withLane, without, `time ${time}`);
        assert.match(withLane.body, /"requestedQueryCost":1352/);
      }
      const fourth = await send(on, request, tokens().prober);
      assert.equal(fourth.status, 429, "the fourth is past the budget");
    });
  });
}
