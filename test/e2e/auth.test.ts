import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { dataOf, errorCodes, ok, twoTenants, type FixtureTenant } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

const VIEWER = `{ viewer { id displayName } }`;

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decodePart(token: string, index: number): any {
  return JSON.parse(Buffer.from(token.split(".")[index], "base64url").toString("utf8"));
}

describe("authentication", () => {
  const clock = new ManualClock(Date.parse("2026-06-01T00:00:00Z"));
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  before(async () => {
    server = await startTestServer({ clock });
    [a, b] = await twoTenants(server, { users: 2 });
  });
  after(() => server.close());

  it("accepts each of the three principals", async () => {
    assert.equal(dataOf(await server.gql(`{ tenants(first: 1) { totalCount } }`, {}, server.platformToken)).tenants.totalCount, 2);
    assert.equal(dataOf(await server.gql(`{ myTenant { id } }`, {}, a.apiKey)).myTenant.id, a.id);
    assert.equal(dataOf(await server.gql(VIEWER, {}, a.users[0].token)).viewer.id, a.users[0].id);
    assert.equal(dataOf(await server.gql(VIEWER, {}, a.apiKey)).viewer, null, "a tenant key has no viewer user");
  });

  it("answers UNAUTHENTICATED for missing, malformed, forged and unknown credentials", async () => {
    const token = a.users[0].token;
    const [header, payload, signature] = token.split(".");
    const claims = decodePart(token, 1);
    const forgedSub = `${header}.${b64({ ...claims, sub: a.users[1].id.replace(/./g, "A") })}.${signature}`;
    const otherUser = `${header}.${b64({ ...claims, sub: decodePart(a.users[1].token, 1).sub })}.${signature}`;
    const algNone = `${b64({ alg: "none", typ: "JWT" })}.${payload}.`;
    // Signed correctly, but with tenant B's claims and tenant A's signature: the key is B's, so it fails.
    const crossTenant = `${header}.${b64({ ...claims, tid: decodePart(b.users[0].token, 1).tid, aud: decodePart(b.users[0].token, 1).aud })}.${signature}`;
    const hs256WithWrongKey = (() => {
      const body = `${header}.${payload}`;
      return `${body}.${createHmac("sha256", "not-the-secret").update(body).digest("base64url")}`;
    })();
    const cases: Array<[string, Record<string, string>]> = [
      ["no header", {}],
      ["empty bearer", { authorization: "Bearer " }],
      ["basic auth", { authorization: "Basic dXNlcjpwYXNz" }],
      ["garbage", { authorization: "Bearer hello" }],
      ["truncated api key", { authorization: `Bearer ${a.apiKey.slice(0, -2)}` }],
      ["api key with a wrong secret", { authorization: `Bearer ${a.apiKey.slice(0, -4)}AAAA` }],
      ["forged subject", { authorization: `Bearer ${forgedSub}` }],
      ["claims swapped to another user", { authorization: `Bearer ${otherUser}` }],
      ["alg none", { authorization: `Bearer ${algNone}` }],
      ["cross-tenant claims", { authorization: `Bearer ${crossTenant}` }],
      ["wrong HMAC key", { authorization: `Bearer ${hs256WithWrongKey}` }],
      ["wrong platform token", { authorization: `Bearer ${server.platformToken}x` }],
    ];
    for (const [name, headers] of cases) {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query: VIEWER }),
      });
      const body: any = await response.json();
      assert.deepEqual(body.errors?.map((e: any) => e.extensions?.code), ["UNAUTHENTICATED"], name);
      assert.equal(body.data?.viewer ?? null, null, name);
      assert.ok(!JSON.stringify(body).includes("stack"), name);
    }
  });

  it("expires user tokens by the server's clock", async () => {
    const issued = ok(
      dataOf(
        await server.gql(
          `mutation($input: IssueUserTokenInput!) { issueUserToken(input: $input) { token expiresAt userErrors { code message field } } }`,
          { input: { userId: a.users[1].id, ttlSeconds: 120 } },
          a.apiKey,
        ),
      ).issueUserToken,
    );
    assert.equal(issued.expiresAt, new Date(Math.floor(clock.now() / 1000) * 1000 + 120_000).toISOString());
    assert.equal(decodePart(issued.token, 0).alg, "HS256");
    assert.equal(dataOf(await server.gql(VIEWER, {}, issued.token)).viewer.id, a.users[1].id);
    clock.advance(119_000);
    assert.equal(dataOf(await server.gql(VIEWER, {}, issued.token)).viewer.id, a.users[1].id);
    clock.advance(2_000);
    assert.deepEqual(errorCodes(await server.gql(VIEWER, {}, issued.token)), ["UNAUTHENTICATED"]);
  });

  it("refuses token lifetimes outside 60 s … 30 days", async () => {
    for (const ttlSeconds of [0, 59, 30 * 24 * 3600 + 1]) {
      const payload = dataOf(
        await server.gql(
          `mutation($input: IssueUserTokenInput!) { issueUserToken(input: $input) { token userErrors { code field } } }`,
          { input: { userId: a.users[0].id, ttlSeconds } },
          a.apiKey,
        ),
      ).issueUserToken;
      assert.equal(payload.token, null);
      assert.deepEqual(payload.userErrors, [{ code: "INVALID_INPUT", field: ["input", "ttlSeconds"] }]);
    }
  });

  it("a tenant cannot issue tokens for another tenant's users", async () => {
    const payload = dataOf(
      await server.gql(
        `mutation($input: IssueUserTokenInput!) { issueUserToken(input: $input) { token userErrors { code field } } }`,
        { input: { userId: b.users[0].id } },
        a.apiKey,
      ),
    ).issueUserToken;
    assert.equal(payload.token, null);
    assert.deepEqual(payload.userErrors, [{ code: "NOT_FOUND", field: ["input", "userId"] }]);
  });

  it("user tokens cannot call tenant operations", async () => {
    const response = await server.gql(
      `mutation { upsertUsers(input: { users: [{ externalId: "x", displayName: "X" }] }) { userErrors { code } } }`,
      {},
      a.users[0].token,
    );
    assert.deepEqual(errorCodes(response), ["NOT_PERMITTED"]);
  });
});
