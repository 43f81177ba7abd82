import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { browserSkipReason, launchChromium, type OfflinePage, offlinePage, screenshot } from "../support/browser";
import { createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { type LoopbackCertificate, loopbackCertificate, type Receiver, startReceiver, testWebhookConfig } from "../support/webhooks";

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } secret userErrors { code } } }`;
const DELIVERIES = `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 10) { edges { node { status } } } } } }`;

describe("operator console: webhooks in Chromium", { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let tls: LoopbackCertificate;
  let receiver: Receiver;
  let tenant: FixtureTenant;
  let session: OfflinePage;
  let endpointId: string;
  let healthy = false;

  before(async () => {
    if (browserSkipReason) return;
    tls = loopbackCertificate();
    server = await startTestServer({ config: { webhooks: testWebhookConfig(tls) } });
    receiver = await startReceiver(tls);
    receiver.answer = () => (healthy ? 200 : 503);
    tenant = await createTenant(server, { users: 3 });
    await createTenant(server, { users: 3 }); // a second tenant, whose nothing shows
    const created = ok(dataOf(await server.gql(CREATE, { input: { url: receiver.url, eventTypes: ["group.renamed"], description: "CRM sync" } }, tenant.apiKey)).createWebhookEndpoint);
    endpointId = created.endpoint.id;
    receiver.secret = created.secret;
    const group = await createGroup(server, tenant.users[0], tenant.users.slice(1));
    ok(await mutate(server, "renameGroup", { groupId: group.id, name: "Renamed for the console" }, tenant.users[0].token));
    // The receiver keeps answering 503: after the (shortened) retry span the delivery is FAILED.
    await deliveryRecordedAs("FAILED");
    browser = await launchChromium();
    session = await offlinePage(browser, server.base);
  });
  /** Waits (up to a minute) until the endpoint's latest delivery has `status` in the API. */
  async function deliveryRecordedAs(status: string): Promise<void> {
    for (let i = 0; ; i++) {
      const edges = dataOf(await server.gql(DELIVERIES, { id: endpointId }, tenant.apiKey)).node.deliveries.edges;
      if (edges[0]?.node.status === status) return;
      assert.ok(i < 1200, `the delivery is not recorded as ${status} (status ${edges[0]?.node.status})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  after(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
    tls?.dispose();
  });

  it("lists endpoints and their deliveries with status, and redelivers a failed one", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    const { page } = session;
    await page.goto(`${server.base}/console`);
    await page.getByLabel("Tenant API key").fill(tenant.apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("tenant-name").waitFor();
    await page.goto(`${server.base}/console#webhooks`);
    const row = page.locator("tr", { hasText: "CRM sync" });
    await row.waitFor();
    assert.match(await row.innerText(), /group\.renamed/);
    assert.match(await row.innerText(), /enabled/i);
    await row.getByRole("button", { name: "Deliveries" }).click();
    const delivery = page.getByTestId("webhook-deliveries").locator("tr", { hasText: "group.renamed" });
    await delivery.waitFor();
    assert.match(await delivery.innerText(), /failed/i);
    assert.match(await delivery.innerText(), /503/);
    await screenshot(page, "console-webhooks");

    healthy = true;
    const before = receiver.received.length;
    await delivery.getByRole("button", { name: "Redeliver" }).click();
    await page.getByRole("status").filter({ hasText: "Redelivering group.renamed" }).waitFor();
    await receiver.until(() => receiver.received.some((r, i) => i >= before && r.status === 200), "the redelivery");
    // The receiver counts the 200 when it answers; the dispatcher records DELIVERED only after it reads that
    // answer. Wait for the record before refreshing the console, which shows what is recorded.
    await deliveryRecordedAs("DELIVERED");
    await page.getByTestId("webhook-deliveries").getByRole("button", { name: "Refresh" }).click();
    await page.getByTestId("webhook-deliveries").locator("tr", { hasText: "group.renamed" }).getByText(/delivered/i).waitFor();
    await page.getByLabel("Delivery status").selectOption("FAILED");
    await page.getByText("No deliveries.").waitFor();
    assert.deepEqual(session.problems, []);
  });
});
