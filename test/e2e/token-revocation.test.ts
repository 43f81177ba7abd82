import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { Authenticator } from "../../src/auth/authenticator";
import { signUserToken } from "../../src/auth/credentials";
import { ManualClock } from "../../src/common/clock";
import { IssueTokenDocument, MyTenantIdDocument, RevokeTokensDocument, RotateKeyDocument, RotateSigningSecretDocument, ViewerIdDocument } from "../generated/graphql";
import { createTenant, dataOf, errorCodes, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

const VIEWER = ViewerIdDocument;
const ISSUE = IssueTokenDocument;
const REVOKE = RevokeTokensDocument;
const ROTATE_SECRET = RotateSigningSecretDocument;
const ROTATE_KEY = RotateKeyDocument;

describe("user token revocation", () => {
  // Half-way through a second: a second-granular `iat` alone could not tell the tokens below apart.
  const clock = new ManualClock(Date.parse("2026-07-01T00:00:00.500Z"));
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  before(async () => {
    server = await startTestServer({ clock });
    [a, b] = await twoTenants(server, { users: 3 });
  });
  after(() => server.close());

  const issue = async (tenant: FixtureTenant, userId: string) =>
    ok(dataOf(await server.gql(ISSUE, { input: { userId, ttlSeconds: 30 * 24 * 3600 } }, tenant.apiKey)).issueUserToken).token!;
  const works = async (token: string) => {
    const response = await server.gql(VIEWER, {}, token);
    return response.status === 200 && response.data?.viewer?.id !== undefined;
  };
  const refused = async (token: string) => {
    const response = await server.gql(VIEWER, {}, token);
    return response.status === 401 && errorCodes(response).join() === "UNAUTHENTICATED";
  };

  it("revokeUserTokens ends the user's earlier tokens at once (even cached ones); a token issued in the same millisecond afterwards works", async () => {
    const [alice, bob] = a.users;
    const older = await issue(a, alice.id);
    assert.ok(await works(older), "verified and cached before the revocation");
    assert.ok(await works(alice.token));
    const payload = ok(dataOf(await server.gql(REVOKE, { input: { userId: alice.id } }, a.apiKey)).revokeUserTokens);
    assert.equal(payload.user!.id, alice.id);
    assert.ok(await refused(older), "a cached token is refused at once on this instance");
    assert.ok(await refused(alice.token));
    // Same clock reading as the revocation: issued after it, so it works.
    const newer = await issue(a, alice.id);
    assert.ok(await works(newer));
    clock.advance(2000);
    assert.ok(await works(newer), "still works later");
    assert.ok(await refused(older));
    // Other users, and the other tenant, are untouched.
    assert.ok(await works(bob.token));
    assert.ok(await works(b.users[0].token));
    alice.token = newer;
  });

  it("revokeUserTokens is the tenant's: unknown and foreign users are NOT_FOUND, user tokens are NOT_PERMITTED; nothing changes", async () => {
    const foreign = dataOf(await server.gql(REVOKE, { input: { userId: b.users[0].id } }, a.apiKey)).revokeUserTokens;
    assert.deepEqual(foreign.userErrors, [{ code: "NOT_FOUND", field: ["input", "userId"] }]);
    assert.equal(foreign.user, null);
    assert.ok(await works(b.users[0].token), "the foreign user's tokens still work");
    const unknown = dataOf(await server.gql(REVOKE, { input: { userId: "nope" } }, a.apiKey)).revokeUserTokens;
    assert.deepEqual(unknown.userErrors, [{ code: "NOT_FOUND", field: ["input", "userId"] }]);
    assert.deepEqual(errorCodes(await server.gql(REVOKE, { input: { userId: a.users[1].id } }, a.users[1].token)), ["NOT_PERMITTED"]);
    assert.ok(await works(a.users[1].token));
  });

  it("rotating the API key does not end user tokens", async () => {
    const rotated = ok(dataOf(await server.gql(ROTATE_KEY, { input: { tenantId: a.id } }, server.platformToken)).rotateTenantApiKey);
    assert.ok(await refused(a.apiKey), "the old key is revoked");
    a.apiKey = rotated.apiKey!;
    for (const user of a.users) assert.ok(await works(user.token), `${user.externalId}'s token still works`);
  });

  it("rotateTokenSigningSecret (tenant key) ends every user token of the tenant, cached or not; API keys and the other tenant are untouched", async () => {
    const tokens = a.users.map((u) => u.token);
    for (const token of tokens) assert.ok(await works(token));
    const payload = ok(dataOf(await server.gql(ROTATE_SECRET, { input: {} }, a.apiKey)).rotateTokenSigningSecret);
    assert.equal(payload.tenant!.id, a.id);
    for (const token of tokens) assert.ok(await refused(token), "ended at once on this instance");
    assert.equal(dataOf(await server.gql(MyTenantIdDocument, {}, a.apiKey)).myTenant!.id, a.id, "the API key still works");
    for (const user of b.users) assert.ok(await works(user.token), "tenant B is untouched");
    const fresh = await issue(a, a.users[0].id);
    assert.ok(await works(fresh), "tokens signed with the new secret work");
    a.users[0].token = fresh;
  });

  it("rotateTokenSigningSecret: a tenant key names only its own tenant; the platform operator names any", async () => {
    const foreign = dataOf(await server.gql(ROTATE_SECRET, { input: { tenantId: b.id } }, a.apiKey)).rotateTokenSigningSecret;
    assert.deepEqual(foreign.userErrors, [{ code: "NOT_FOUND", field: ["input", "tenantId"] }]);
    assert.ok(await works(b.users[0].token));
    const unnamed = dataOf(await server.gql(ROTATE_SECRET, { input: {} }, server.platformToken)).rotateTokenSigningSecret;
    assert.deepEqual(unnamed.userErrors, [{ code: "INVALID_INPUT", field: ["input", "tenantId"] }]);
    assert.deepEqual(errorCodes(await server.gql(ROTATE_SECRET, { input: {} }, b.users[0].token)), ["NOT_PERMITTED"]);
    ok(dataOf(await server.gql(ROTATE_SECRET, { input: { tenantId: b.id } }, server.platformToken)).rotateTokenSigningSecret);
    for (const user of b.users) assert.ok(await refused(user.token));
    assert.ok(await works(a.users[0].token), "tenant A is untouched");
  });

  it("tokens checked together are each checked against their own user: one burst of several users and tenants, a revoked user, a user of another tenant under this tenant's secret", async () => {
    const rowId = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1]!;
    const [x, y, z] = a.users;
    const fresh = { x: await issue(a, x.id), y: await issue(a, y.id), other: await issue(b, b.users[1].id), revoked: await issue(a, z.id) };
    ok(dataOf(await server.gql(REVOKE, { input: { userId: z.id } }, a.apiKey)).revokeUserTokens);
    clock.advance(1000);
    // Signed with tenant a's own secret, naming a user who exists, but in tenant b.
    const [tenant] = await server.sql("SELECT jwt_secret FROM tenants WHERE id = ?", [rowId(a.id)]);
    const forged = (await signUserToken(String(tenant.jwt_secret), { tenantId: rowId(a.id), userId: rowId(b.users[2].id) }, clock.now(), 3600)).token;
    const burst = [fresh.x, fresh.y, fresh.other, fresh.revoked, forged].flatMap((token) => [token, token, token]);
    const answers = await Promise.all(burst.map((token) => server.gql(VIEWER, {}, token)));
    const seen = answers.map((r) => (r.status === 200 ? r.data?.viewer?.id : r.status));
    assert.deepEqual(seen, [x.id, x.id, x.id, y.id, y.id, y.id, b.users[1].id, b.users[1].id, b.users[1].id, 401, 401, 401, 401, 401, 401]);
  });

  it("users first seen while a revocation lookup runs are looked up together once it is done: one lookup at a time, also after one fails", async () => {
    const c = await createTenant(server, { users: 8 });
    const tokens = await Promise.all(c.users.map((user) => issue(c, user.id)));
    const { app } = server.server;
    // The database's reads are watched (and slowed, so that the lookups below all begin while the
    // first runs), not replaced.
    const real = app.db.rows.bind(app.db);
    const lookups: number[] = [];
    let running = 0;
    let most = 0;
    let failFirst = false;
    Object.assign(app.db, {
      rows: async (sql: string, params: readonly unknown[]) => {
        if (!sql.includes("FROM users u")) return real(sql, params);
        lookups.push(params.length);
        most = Math.max(most, ++running);
        try {
          await sleep(200);
          if (lookups.length === 1 && failFirst) throw new Error("the first lookup fails");
          return await real(sql, params);
        } finally {
          running--;
        }
      },
    });
    const userIdOf = (result: Awaited<ReturnType<Authenticator["authenticate"]>>) => (result.principal.kind === "USER" ? result.principal.userId : null);
    const rowIdOf = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1]!;
    try {
      for (const fail of [false, true]) {
        failFirst = fail;
        lookups.length = 0;
        most = 0;
        // A fresh instance each time: nothing cached.
        const fresh = new Authenticator(app.db, "", clock);
        const first = fresh.authenticate(`Bearer ${tokens[0]}`).then(userIdOf, (error: unknown) => error);
        const deadline = Date.now() + 10_000;
        while (lookups.length === 0) {
          assert.ok(Date.now() < deadline, "the first lookup began");
          await nextTurn();
        }
        // Each in a turn of the event loop of its own, while the first lookup runs.
        const rest = [];
        for (const token of tokens.slice(1)) {
          rest.push(fresh.authenticate(`Bearer ${token}`).then(userIdOf));
          await nextTurn();
        }
        const [firstUser, ...others] = await Promise.all([first, ...rest]);
        if (fail) assert.ok(firstUser instanceof Error, "the failed lookup's caller sees the failure");
        else assert.equal(firstUser, rowIdOf(c.users[0].id));
        assert.deepEqual(others, c.users.slice(1).map((user) => rowIdOf(user.id)));
        assert.deepEqual(lookups, [1, tokens.length - 1], "the first user alone, then the other seven together");
        assert.equal(most, 1, "never two lookups at once");
      }
    } finally {
      delete (app.db as { rows?: unknown }).rows;
    }
  });
});
