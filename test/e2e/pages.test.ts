import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { seedDemo } from "../../src/dev-seed";
import { type RunningServer, startServer } from "../../src/http/server";
import { createLogger } from "../../src/logger";
import { startTestServer, type TestServer } from "../support/server";

describe("browser pages outside production: explorer at /, console at /console", () => {
  let server: TestServer;
  before(async () => {
    // Development features, so outside production mode even in the production pass.
    server = await startTestServer({ config: { env: "test" } });
  });
  after(() => server.close());

  it("serves the explorer and the console from the build, under a strict content security policy", async () => {
    for (const path of ["/", "/console", "/console/"]) {
      const response = await fetch(`${server.base}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
      const csp = response.headers.get("content-security-policy") ?? "";
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /connect-src 'self'/);
      assert.doesNotMatch(csp, /https?:/, "no other origin is allowed");
      const html = await response.text();
      assert.doesNotMatch(html, /https?:\/\//, `${path} references no other origin`);
    }
    for (const asset of ["/console/assets/console.js", "/explorer/assets/explorer.js", "/explorer/assets/editor.worker.js", "/explorer/assets/graphql.worker.js"]) {
      const response = await fetch(`${server.base}${asset}`);
      assert.equal(response.status, 200, asset);
      assert.match(response.headers.get("content-type") ?? "", /^text\/javascript/);
      const etag = response.headers.get("etag")!;
      assert.equal((await fetch(`${server.base}${asset}`, { headers: { "if-none-match": etag } })).status, 304);
    }
  });

  it("stays inside the build directory and 404s what is not there", async () => {
    for (const path of ["/console/assets/..%2f..%2fsrc%2fapp.js", "/console/assets/../../src/app.js", "/console/assets/%00", "/console/assets/%E0%A4%A", "/explorer/assets/nope.js", "/console/nope"]) {
      const response = await fetch(`${server.base}${path}`);
      assert.equal(response.status, 404, path);
    }
    assert.equal((await fetch(`${server.base}/console`, { method: "POST" })).status, 404);
  });

  it("hands the explorer the demo credentials only after this process seeded them", async () => {
    const before = (await (await fetch(`${server.base}/explorer/session.json`)).json()) as any;
    assert.equal(before.demo, null);
    assert.match(before.hint, /npm run seed/);
    const demo = await seedDemo(server.server.app);
    const after = (await (await fetch(`${server.base}/explorer/session.json`)).json()) as any;
    assert.equal(after.hint, null);
    assert.equal(after.demo.apiKey, demo.apiKey);
    assert.deepEqual(Object.keys(after.demo.tokens), ["alice", "bob"]);
    assert.deepEqual(Object.keys(after.demo.userIds).sort(), ["alice", "bob", "carol", "dave", "erin"]);
    assert.match(after.generation, /^[0-9a-f]{12}$/);
    // Reseeding rotates the key, and the generation with it (the page then opens fresh tabs).
    await seedDemo(server.server.app);
    const again = (await (await fetch(`${server.base}/explorer/session.json`)).json()) as any;
    assert.notEqual(again.generation, after.generation);
    // A rotation this process did not make (`npm run seed` elsewhere) is noticed, not handed out.
    const rotated = await server.gql(
      `mutation($input: RotateTenantApiKeyInput!) { rotateTenantApiKey(input: $input) { userErrors { code } } }`,
      { input: { tenantId: demo.tenantId } },
      server.platformToken,
    );
    assert.deepEqual(rotated.data.rotateTenantApiKey.userErrors, []);
    const stale = (await (await fetch(`${server.base}/explorer/session.json`)).json()) as any;
    assert.equal(stale.demo, null);
    assert.match(stale.hint, /rotated/);
  });
});

describe("browser pages in production", () => {
  let scratch: TestServer;
  let running: RunningServer;
  let base: string;
  before(async () => {
    // A migrated database of its own, then a production instance on it.
    scratch = await startTestServer();
    const databaseUrl = scratch.databaseUrl;
    await scratch.server.stop();
    const config = loadConfig({
      env: "production",
      port: 0,
      databaseUrl,
      platformAdminToken: "platform-token-for-production-pages",
      evidenceSigningKey: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      logLevel: "silent",
    });
    running = await startServer(await createApp({ config, log: createLogger("silent") }), 0, "127.0.0.1");
    base = running.url.replace(/\/graphql$/, "");
  });
  after(async () => {
    await running.stop(1000);
    await scratch.close();
  });

  it("keeps / as the JSON service description and serves no explorer, but does serve the console", async () => {
    const root = await fetch(`${base}/`);
    assert.equal(root.status, 200);
    assert.deepEqual(await root.json(), { service: "group-platform", graphql: "/graphql", health: "/healthz" });
    for (const path of ["/explorer/session.json", "/explorer/assets/explorer.js"]) assert.equal((await fetch(`${base}${path}`)).status, 404, path);
    assert.equal((await fetch(`${base}/console`)).status, 200);
  });
});
