import { generateKeyPairSync } from "node:crypto";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "../support/server";

describe("HTTP surface", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("GET /healthz is 200 while the database answers", async () => {
    const response = await fetch(`${server.base}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "ok" });
  });

  it("an unexpected failure is logged and answered as INTERNAL_SERVER_ERROR, with no message, stack or SQL", async () => {
    const app = server.server.app;
    const original = app.tenants.listTenants;
    const logged: unknown[] = [];
    const originalError = app.log.error;
    app.tenants.listTenants = async () => {
      throw new Error("ER_PARSE_ERROR near 'SELECT * FROM tenants WHERE secret'");
    };
    app.log.error = ((...args: unknown[]) => void logged.push(args)) as typeof app.log.error;
    try {
      const response = await server.gql(`{ tenants(first: 1) { totalCount } }`, {}, server.platformToken);
      assert.deepEqual(response.errors, [{ message: "Internal server error", locations: [{ line: 1, column: 3 }], path: ["tenants"], extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
      assert.ok(!JSON.stringify(response).includes("SELECT"));
      assert.equal(logged.length, 1, "the real error is logged once, with its request id");
    } finally {
      app.tenants.listTenants = original;
      app.log.error = originalError;
    }
  });

  it("echoes a request id, or makes one", async () => {
    const given = await fetch(`${server.base}/healthz`, { headers: { "x-request-id": "abc-123" } });
    assert.equal(given.headers.get("x-request-id"), "abc-123");
    const made = await fetch(`${server.base}/healthz`, { headers: { "x-request-id": "bad id with spaces" } });
    assert.match(made.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  it("refuses oversized bodies, invalid JSON and CSRF-prone requests with clear 4xx errors", async () => {
    const big = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ viewer { id } }`, variables: { pad: "x".repeat(2_000_000) } }),
    });
    assert.equal(big.status, 413);
    const invalid = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    assert.equal(invalid.status, 400);
    assert.equal(((await invalid.json()) as any).errors[0].extensions.code, "BAD_REQUEST");
    // A "simple" cross-site GET without a preflight header is blocked by Apollo's CSRF prevention.
    const csrf = await fetch(`${server.url}?query=${encodeURIComponent("{ viewer { id } }")}`);
    assert.equal(csrf.status, 400);
    const missing = await fetch(`${server.base}/nope`);
    assert.equal(missing.status, 404);
  });
});

describe("process lifecycle", () => {
  // Production too: outside NODE_ENV=test Apollo would register SIGTERM handlers of its own, which
  // once raced ours and left the process running forever after "draining".
  for (const nodeEnv of ["test", "production"]) {
    it(`npm start's entry point serves, then drains and exits 0 on SIGTERM (NODE_ENV=${nodeEnv})`, { timeout: 600_000 }, async () => {
      const scratch = await startTestServer();
      const databaseUrl = scratch.databaseUrl;
      await scratch.server.stop();
      const evidenceKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      const child = spawn(process.execPath, [join(__dirname, "../../src/main.js")], {
        env: { ...process.env, PORT: "0", DATABASE_URL: databaseUrl, NODE_ENV: nodeEnv, EVIDENCE_SIGNING_KEY: evidenceKey, LOG_LEVEL: "info", PLATFORM_ADMIN_TOKEN: "platform-token-for-lifecycle-test" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
        child.stdout.on("data", () => {
          const match = /"url":"([^"]+)"/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const health = await fetch(url.replace(/\/graphql$/, "/healthz"));
      assert.equal(health.status, 200);
      // Start a request and hold its body back, so it is genuinely in flight when SIGTERM lands.
      const body = JSON.stringify({ query: "{ tenants { totalCount } }" });
      const request = httpRequest(url, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: "Bearer platform-token-for-lifecycle-test" },
      });
      const responded = new Promise<{ status: number; text: string }>((resolve, reject) => {
        request.on("response", (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        request.on("error", reject);
      });
      request.write(body.slice(0, 10));
      await sleep(300);
      child.kill("SIGTERM");
      await sleep(300);
      request.end(body.slice(10));
      const response = await responded;
      assert.equal(response.status, 200, "a request in flight at SIGTERM still completes");
      assert.match(response.text, /"totalCount":0/);
      const [code] = await once(child, "close"); // "close": its output is all read by then ("exit" may come first)
      assert.equal(code, 0, output);
      assert.match(output, /draining in-flight requests/);
      await scratch.close();
    });
  }
});
