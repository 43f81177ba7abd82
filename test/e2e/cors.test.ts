import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createTenant, type FixtureTenant } from "../support/fixtures";
import { engine, serverMode, startTestServer, type TestServer } from "../support/server";

const APP = "http://app.example.test:5173";
const OTHER = "http://evil.example.test";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, not fetch: a browser's `Origin` and `Access-Control-Request-*` headers sent exactly as given. */
function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const preflight = (url: string, origin: string) =>
  raw(url, "OPTIONS", {
    origin,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type, authorization, idempotency-key, x-request-id, apollo-require-preflight",
  });

describe(`CORS on /graphql (${engine}, ${serverMode})`, () => {
  let server: TestServer;
  let tenant: FixtureTenant;

  before(async () => {
    server = await startTestServer({ config: { corsOrigins: [APP, "https://admin.example.test"] } });
    tenant = await createTenant(server, { users: 1 });
  });
  after(() => server.close());

  it("answers a preflight from a listed origin with what a GraphQL client needs", async () => {
    const response = await preflight(server.url, APP);
    assert.equal(response.status, 204);
    assert.equal(response.headers["access-control-allow-origin"], APP);
    assert.equal(response.headers.vary, "Origin");
    assert.match(String(response.headers["access-control-allow-methods"]), /\bPOST\b/);
    const allowed = String(response.headers["access-control-allow-headers"]).split(/,\s*/);
    for (const header of ["content-type", "authorization", "idempotency-key", "x-request-id", "apollo-require-preflight"]) {
      assert.ok(allowed.includes(header), `${header} is allowed`);
    }
    assert.equal(response.body, "");
  });

  it("gives a listed origin the answer, with x-request-id and retry-after readable", async () => {
    const response = await raw(
      server.url,
      "POST",
      { origin: APP, "content-type": "application/json", authorization: `Bearer ${tenant.users[0].token}` },
      JSON.stringify({ query: "{ viewer { displayName } }" }),
    );
    assert.equal(response.status, 200);
    assert.equal(JSON.parse(response.body).data.viewer.displayName, tenant.users[0].displayName);
    assert.equal(response.headers["access-control-allow-origin"], APP);
    assert.equal(response.headers.vary, "Origin");
    assert.deepEqual(String(response.headers["access-control-expose-headers"]).split(/,\s*/).sort(), ["retry-after", "x-request-id"]);
  });

  it("gives an unlisted origin no Access-Control headers, on the preflight or the request", async () => {
    const pre = await preflight(server.url, OTHER);
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.vary, "Origin");
    for (const name of Object.keys(pre.headers)) assert.ok(!name.startsWith("access-control-"), `no ${name}`);
    const actual = await raw(server.url, "POST", { origin: OTHER, "content-type": "application/json" }, JSON.stringify({ query: "{ __typename }" }));
    for (const name of Object.keys(actual.headers)) assert.ok(!name.startsWith("access-control-"), `no ${name}`);
    // A same-site look-alike (another port, a prefix) is another origin.
    for (const lookalike of ["http://app.example.test:5174", "http://app.example.test", `${APP}.evil.test`]) {
      const response = await preflight(server.url, lookalike);
      assert.equal(response.headers["access-control-allow-origin"], undefined, lookalike);
    }
  });

  it("keeps Apollo's CSRF prevention: a simple cross-origin GET without a preflight header is refused", async () => {
    const response = await raw(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, "GET", { origin: APP });
    assert.equal(response.status, 400);
    assert.match(response.body, /CSRF|preflight/i);
    const allowed = await raw(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, "GET", { origin: APP, "apollo-require-preflight": "true" });
    assert.equal(allowed.status, 200);
  });

  it("without CORS_ORIGINS, a preflight is answered but allows nothing", async () => {
    const plain = await startTestServer();
    try {
      const response = await preflight(plain.url, APP);
      assert.equal(response.status, 204);
      assert.equal(response.headers["access-control-allow-origin"], undefined);
    } finally {
      await plain.close();
    }
  });

  it("refuses CORS_ORIGINS=* at start-up in production, with a clear message", async () => {
    const child = spawn(process.execPath, [join(__dirname, "../../src/main.js")], {
      env: { ...process.env, NODE_ENV: "production", CORS_ORIGINS: "*", PLATFORM_ADMIN_TOKEN: "x".repeat(32), PORT: "0", DATABASE_URL: "sqlite::memory:" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    // "close": its stderr is all read by then ("exit" may come first).
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    assert.equal(code, 1);
    assert.match(stderr, /CORS_ORIGINS=\* is not allowed in production/);
  });
});
