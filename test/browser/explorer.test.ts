import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { seedDemo } from "../../src/dev-seed";
import { browserSkipReason, launchChromium, offlinePage, screenshot } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

const EXAMPLES = readdirSync(join(__dirname, "../../../examples")).filter((f) => f.endsWith(".graphql"));

/** Runs the active tab's operation and returns the response editor's text once it has an answer. */
async function execute(page: Page): Promise<string> {
  const response = page.locator(".graphiql-response");
  await page.locator(".graphiql-execute-button").click();
  await response.locator(".view-lines").filter({ hasText: /"data"|"errors"/ }).waitFor();
  // Monaco renders spaces as no-break spaces.
  return (await response.locator(".view-lines").innerText()).replace(/\u00a0/g, " ");
}

/** Switches to an example's tab and waits until GraphiQL will run that tab's operation. */
async function openTab(page: Page, name: string, keyword: "query" | "mutation"): Promise<void> {
  await page.getByRole("tab", { name, exact: true }).click();
  await page.locator(".graphiql-query-editor .view-lines").filter({ hasText: `${keyword} ${name}` }).waitFor();
  // GraphiQL re-reads the operation name 100 ms (debounced) after the editor changes; until then it
  // would send the previous tab's operationName.
  await page.waitForTimeout(400);
}

describe("API explorer in Chromium", () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    if (browserSkipReason) return;
    // The explorer is a development feature: outside production mode even in the production pass.
    server = await startTestServer({ config: { env: "test" } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("loads offline with the example operations and explains `npm run seed` when it has no credentials", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    const { page, context, foreignRequests, problems } = await offlinePage(browser, server.base);
    await page.goto(`${server.base}/`);
    await page.getByTestId("seed-hint").filter({ hasText: "npm run seed" }).waitFor();
    await page.locator(".graphiql-query-editor .view-lines").filter({ hasText: "query Viewer" }).waitFor();
    assert.equal(await page.locator(".graphiql-tab").count(), EXAMPLES.length);
    assert.deepEqual(foreignRequests, [], "nothing is loaded from the internet");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("signs the example tabs in with the demo credentials this process seeded, and runs them", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    const demo = await seedDemo(server.server.app);
    const { page, context, foreignRequests, problems } = await offlinePage(browser, server.base);
    await page.goto(`${server.base}/`);
    await page.getByTestId("demo-credentials").waitFor();

    const viewer = await execute(page);
    assert.match(viewer, /"displayName": "Alice"/);
    assert.match(viewer, /"totalCount": 4/, "Alice's four contacts");

    // The CreateGroup tab has Bob's and Carol's ids filled in for the {{bob}} and {{carol}} placeholders.
    await openTab(page, "CreateGroup", "mutation");
    const created = await execute(page);
    assert.match(created, /"name": "Weekend hikers"/);
    assert.match(created, /"memberCount": 3/);
    assert.match(created, /"userErrors": \[\]/);

    // The review-queue tab runs with the tenant API key.
    await openTab(page, "ReviewQueue", "query");
    assert.match(await execute(page), /"reviewQueue": \{/);
    await openTab(page, "CreateGroup", "mutation");
    await page.getByTestId("demo-credentials").click();
    await page.getByText(demo.apiKey).waitFor();
    await screenshot(page, "explorer");
    assert.deepEqual(foreignRequests, [], "nothing is loaded from the internet");
    assert.deepEqual(problems, []);
    await context.close();
  });
});
