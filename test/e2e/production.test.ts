import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, errorCodes } from "../support/fixtures";
import { type ApiProcess, gqlAt, startApiProcess } from "../support/processes";
import { freshDatabaseUrl, testEvidenceKey } from "../support/server";

const ADMIN = "production-test-platform-token";

/**
 * The real entry point with NODE_ENV=production, whatever mode the rest of the suite runs in:
 * every refusal keeps its code and HTTP status, under graphql-jit (the default) and graphql-js.
 * (graphql-armor's suggestion blocker once assigned `error.message`, read-only on graphql-jit's
 * errors, so in production every resolver error became a 500 with its partial data dropped.)
 */
for (const jit of ["true", "false"]) {
  describe(`refusals in production (NODE_ENV=production, GRAPHQL_JIT=${jit})`, () => {
    let api: ApiProcess;
    let database: ReturnType<typeof freshDatabaseUrl>;
    let apiKey: string;
    const gql = (query: string, variables: Record<string, unknown> = {}, token = ADMIN) => gqlAt(api.url, query, variables, token);

    before(async () => {
      database = freshDatabaseUrl();
      api = await startApiProcess({ NODE_ENV: "production", GRAPHQL_JIT: jit, DATABASE_URL: database.url, PLATFORM_ADMIN_TOKEN: ADMIN, EVIDENCE_SIGNING_KEY: testEvidenceKey });
      const created = dataOf(await gql(`mutation { createTenant(input: { name: "Prod", plan: PERSONAL }) { apiKey userErrors { code } } }`)).createTenant;
      apiKey = created.apiKey;
    });
    after(async () => {
      await api?.stop();
      await database?.drop();
    });

    it("a missing or bad credential is 401 UNAUTHENTICATED", async () => {
      for (const token of ["", "gpk_not_a_key", "eyJhbGciOiJub25lIn0.e30."]) {
        const response = await gql(`{ viewer { id } }`, {}, token);
        assert.equal(response.status, 401, `token ${JSON.stringify(token)}`);
        assert.deepEqual(errorCodes(response), ["UNAUTHENTICATED"]);
      }
    });

    it("a resolver's refusal is a 200 with its code at its path, and the other fields are still answered", async () => {
      const response = await gql(`{ tenants(first: 1) { totalCount } viewer { id } }`);
      assert.equal(response.status, 200);
      assert.deepEqual(errorCodes(response), ["NOT_PERMITTED"]);
      assert.deepEqual(response.errors[0].path, ["viewer"]);
      assert.equal(response.data.tenants.totalCount, 1);
      const notFound = await gql(`{ group(id: "R3JvdXA6bm9wZQ") { id } }`, {}, apiKey);
      assert.equal(notFound.status, 200);
      assert.deepEqual(errorCodes(notFound), ["NOT_FOUND"]);
    });

    it("a domain refusal is a userError with HTTP 200", async () => {
      const response = await gql(`mutation { createTenant(input: { name: "", plan: PERSONAL }) { tenant { id } userErrors { code field } } }`);
      assert.equal(response.status, 200);
      assert.deepEqual(dataOf(response).createTenant.userErrors.map((e: any) => e.code), ["INVALID_INPUT"]);
    });

    it("bad variables and unknown fields are 400s, without suggestions", async () => {
      const bad = await gql(`query($n: Int!) { tenants(first: $n) { totalCount } }`, { n: "many" });
      assert.equal(bad.status, 400);
      assert.deepEqual(errorCodes(bad), ["BAD_USER_INPUT"]);
      const unknown = await gql(`{ tenantz(first: 1) { totalCount } }`);
      assert.equal(unknown.status, 400);
      assert.deepEqual(errorCodes(unknown), ["GRAPHQL_VALIDATION_FAILED"]);
      assert.doesNotMatch(unknown.errors[0].message, /Did you mean/);
    });

    it("a subscription sent over HTTP is a 400 that says where subscriptions are served, not a 500", async () => {
      const response = await gql(`subscription { viewerActivity { type } }`);
      assert.equal(response.status, 400);
      assert.deepEqual(errorCodes(response), ["BAD_REQUEST"]);
      assert.match(response.errors[0].message, /WebSocket/);
    });
  });
}
