import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { createTenant, type FixtureTenant } from "../support/fixtures";
import { browserSkipReason, launchChromium } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

/**
 * A browser app on another origin: a page whose script POSTs a query to the API, with the bearer
 * token and an Idempotency-Key-free JSON body (so the browser sends a preflight first), and writes
 * what happened into the page.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>other origin</title><pre id="out">running</pre>
<script>
  const params = new URLSearchParams(location.search);
  fetch(params.get("api"), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer " + params.get("token"), "x-request-id": "from-browser-1" },
    body: JSON.stringify({ query: "{ viewer { displayName } }" }),
  }).then(
    async (r) => { document.getElementById("out").textContent = JSON.stringify({ status: r.status, requestId: r.headers.get("x-request-id"), body: await r.json() }); },
    (e) => { document.getElementById("out").textContent = "blocked: " + e.name; },
  );
</script>`;

async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("CORS from another origin in Chromium", () => {
  let api: TestServer;
  let listed: { server: Server; origin: string };
  let unlisted: { server: Server; origin: string };
  let tenant: FixtureTenant;
  let browser: Browser;

  before(async () => {
    if (browserSkipReason) return;
    listed = await pageServer();
    unlisted = await pageServer();
    api = await startTestServer({ config: { corsOrigins: [listed.origin] } });
    tenant = await createTenant(api, { users: 1 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    // Without Chromium `before` returns before the pages exist: nothing to close then.
    for (const page of [listed, unlisted]) if (page) await new Promise((resolve) => page.server.close(resolve));
  });

  async function run(origin: string): Promise<string> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/?api=${encodeURIComponent(api.url)}&token=${encodeURIComponent(tenant.users[0].token)}`);
    const out = page.locator("#out");
    await out.filter({ hasNotText: "running" }).waitFor();
    const text = await out.innerText();
    await context.close();
    return text;
  }

  it("a page on a listed origin gets data (and can read x-request-id)", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    assert.notEqual(new URL(listed.origin).port, new URL(api.base).port, "the page and the API are different origins");
    const result = JSON.parse(await run(listed.origin));
    assert.equal(result.status, 200);
    assert.equal(result.requestId, "from-browser-1");
    assert.deepEqual(result.body.data, { viewer: { displayName: tenant.users[0].displayName } });
  });

  it("a page on an unlisted origin is blocked by the browser", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    assert.equal(await run(unlisted.origin), "blocked: TypeError");
  });
});
