import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { ManualClock } from "../../src/common/clock";
import { browserSkipReason, launchChromium, type OfflinePage, offlinePage, screenshot } from "../support/browser";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";

const SET_KEYWORDS = `mutation($input: SetModerationKeywordsInput!) { setModerationKeywords(input: $input) { userErrors { code } } }`;
const CREATE_CODE = `mutation($input: CreateGroupCodeInput!) { createGroupCode(input: $input) { code { token } userErrors { code } } }`;
const JOIN_BY_CODE = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { userErrors { code } } }`;
const CREATE_LIVE_CODE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { token } userErrors { code } } }`;
const JOIN_BY_LIVE_CODE = `mutation($input: JoinByLiveCodeInput!) { joinByLiveCode(input: $input) { userErrors { code } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { userErrors { code } } }`;
const DAY_MS = 24 * 3600 * 1000;

/**
 * What an operator of an active tenant has to look at: a group held for review, a refused (risk)
 * group, a group whose members came in by every common path, a live code, and messages.
 */
async function populate(server: TestServer, tenant: FixtureTenant, clock: ManualClock): Promise<{ reviewedGroupId: string }> {
  const [alice, bob, carol, dave, erin, frank] = tenant.users;
  const nextDay = () => clock.advance(DAY_MS);
  ok(dataOf(await server.gql(SET_KEYWORDS, { input: { keywords: [{ term: "crypto", action: "REVIEW" }, { term: "gamble", action: "BLOCK" }] } }, tenant.apiKey)).setModerationKeywords);
  const reviewed = await createGroup(server, alice, [bob, carol], { name: "Crypto chat" });
  assert.equal(reviewed.group.status, "PENDING_REVIEW");
  assert.equal((await mutate(server, "createGroup", { name: "Gamble night", memberIds: [bob.id, carol.id] }, alice.token)).userErrors[0].code, "CONTENT_BLOCKED");
  nextDay();
  const hikers = await createGroup(server, alice, [bob, carol], { name: "Weekend hikers" });
  nextDay();
  ok(await mutate(server, "inviteMembers", { groupId: hikers.id, userIds: [dave.id] }, bob.token));
  const say = async (user: FixtureUser, text: string) => ok(dataOf(await server.gql(SEND, { input: { groupId: hikers.id, text } }, user.token)).sendMessage);
  await say(alice, "Saturday 8am at the trailhead?");
  await say(bob, "Works for me");
  nextDay();
  const code = ok(dataOf(await server.gql(CREATE_CODE, { input: { groupId: hikers.id, type: "PERMANENT", state: "spring-poster" } }, alice.token)).createGroupCode).code;
  ok(dataOf(await server.gql(JOIN_BY_CODE, { input: { token: code.token } }, erin.token)).joinGroupByCode);
  await say(erin, "Found you on the poster, hi all");
  nextDay();
  const live = ok(
    dataOf(await server.gql(CREATE_LIVE_CODE, { input: { name: "Spring fair", groupIds: [hikers.id], perGroupCap: 50, state: "fair-booth" } }, alice.token))
      .createLiveCode,
  ).liveCode;
  ok(dataOf(await server.gql(JOIN_BY_LIVE_CODE, { input: { token: live.token } }, frank.token)).joinByLiveCode);
  nextDay();
  for (const [user, text] of [
    [frank, "Hello from the fair"],
    [carol, "Welcome Frank"],
    [dave, "Bring water, it will be hot"],
    [alice, "See you all"],
  ] as const) {
    await say(user, text);
  }
  return { reviewedGroupId: reviewed.id };
}

async function signIn(page: Page, base: string, apiKey: string): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByLabel("Tenant API key").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("tenant-name").waitFor();
}

/** The parts of the DOM the page functions use (this project compiles without the DOM library). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}

/** How many pixels the canvas has drawn (Chart.js draws nothing for a chart without data). */
const canvasHasInk = (page: Page, testId: string) =>
  page.getByTestId(testId).locator("canvas").evaluate((canvas: Canvas) => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
    return inked;
  });

describe("operator console in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let enterprise: FixtureTenant;
  let personal: FixtureTenant;
  let reviewedGroupId: string;
  let session: OfflinePage;

  before(async () => {
    if (browserSkipReason) return;
    // The history is written over five days (a clock moved by hand), so the charts have a shape.
    const clock = new ManualClock(Date.now() - 5 * DAY_MS);
    server = await startTestServer({ clock });
    enterprise = await createTenant(server, {
      plan: "ENTERPRISE_CERTIFIED",
      users: 6,
      qualifications: { dataUsageRulesUrl: "https://example.com/data-usage" },
    });
    personal = await createTenant(server, { plan: "PERSONAL", users: 3 });
    ({ reviewedGroupId } = await populate(server, enterprise, clock));
    clock.set(Date.now());
    await createGroup(server, personal.users[0], personal.users.slice(1), { name: "Personal tenant's group" });
    browser = await launchChromium();
    session = await offlinePage(browser, server.base);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("refuses bad keys and user tokens, then signs in with the tenant API key (kept in sessionStorage)", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    const { page } = session;
    await page.goto(`${server.base}/console`);
    await page.getByLabel("Tenant API key").waitFor();
    await screenshot(page, "console-sign-in");
    await page.getByLabel("Tenant API key").fill("gpk_not_a_real_key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
    session.problems.length = 0; // the browser logs the 401 this deliberately provoked
    await page.getByLabel("Tenant API key").fill(enterprise.users[0].token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "user token" }).waitFor();

    await signIn(page, server.base, enterprise.apiKey);
    assert.match(await page.getByTestId("tenant-name").innerText(), new RegExp(`${enterprise.name} · enterprise certified plan`));
    assert.equal(await page.evaluate(`sessionStorage.getItem("gp-console-api-key")`), enterprise.apiKey);
    await page.reload();
    await page.getByTestId("tenant-name").waitFor();
  });

  it("approves a review item, and the group becomes active", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    const { page } = session;
    await page.goto(`${server.base}/console#review`);
    const row = page.locator("tr", { hasText: "Crypto chat" });
    await row.waitFor();
    assert.match(await row.innerText(), /crypto/i);
    await screenshot(page, "console-review-queue");
    await row.getByRole("button", { name: "Approve" }).click();
    await page.getByRole("status").filter({ hasText: "Approved" }).waitFor();
    await page.getByText("Nothing pending.").waitFor();
    const group = dataOf(await server.gql(`query($id: ID!) { group(id: $id) { status } }`, { id: reviewedGroupId }, enterprise.apiKey)).group;
    assert.equal(group.status, "ACTIVE");
    await page.getByLabel("Review status").selectOption("APPROVED");
    await page.locator("tr", { hasText: "Crypto chat" }).getByText(/approved/i).waitFor();
  });

  it("lists risk events, groups with members and join sources, and live codes with QR images", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    const { page } = session;
    await page.getByRole("link", { name: "Risk events" }).click();
    await page.locator("tr", { hasText: "blocked content" }).first().waitFor();

    await page.getByRole("link", { name: "Groups" }).click();
    await page.getByRole("button", { name: /Weekend hikers/ }).click();
    const members = page.getByTestId("members");
    await members.locator("tr", { hasText: "User 5" }).waitFor();
    const row = (externalId: string) => members.locator("tr", { hasText: `(${externalId})` }).innerText();
    assert.match(await row("u1"), /owner[\s\S]*creator/i);
    assert.match(await row("u3"), /member[\s\S]*direct add/i);
    assert.match(await row("u4"), /direct add[\s\S]*invited by User 2/i);
    assert.match(await row("u5"), /group code[\s\S]*permanent code · state “spring-poster”/i);
    assert.match(await row("u6"), /live code[\s\S]*live code “Spring fair” · state “fair-booth”/i);
    await screenshot(page, "console-groups");

    // The CRM tag filter: only members with the tag, their tags shown.
    const setTags = `mutation($input: SetUserTagsInput!) { setUserTags(input: $input) { userErrors { code } } }`;
    ok(dataOf(await server.gql(setTags, { input: { userId: enterprise.users[2].id, tags: ["vip", "north"] } }, enterprise.apiKey)).setUserTags);
    await members.getByLabel("Member tag").fill("vip");
    await members.locator("tr", { hasText: "(u5)" }).waitFor({ state: "detached" });
    assert.match(await row("u3"), /north[\s\S]*vip/);
    assert.equal(await members.locator("tbody tr").count(), 1);
    await members.getByLabel("Member tag").fill("");
    await members.locator("tr", { hasText: "(u5)" }).waitFor();

    await page.getByRole("link", { name: "Live codes" }).click();
    const card = page.locator("[data-live-code='Spring fair']");
    await card.waitFor();
    assert.match(await card.innerText(), /Weekend hikers — 6 members/);
    const qrWidth = await card.locator("img.qr").evaluate((img: { complete: boolean; naturalWidth: number }) => (img.complete ? img.naturalWidth : 0));
    assert.ok(qrWidth > 0, "the QR image loads");
    await screenshot(page, "console-live-codes");
  });

  it("draws join and message charts from tenantStats", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    const { page } = session;
    await page.getByRole("link", { name: "Statistics" }).click();
    const bySource = page.getByTestId("chart-joins-by-source");
    await bySource.waitFor();
    // Two creators, five direct adds (one of them by a member's invitation), one code join, one live-code join.
    assert.equal(await bySource.getAttribute("data-total"), "9");
    assert.equal(await page.getByTestId("chart-joins-by-day").getAttribute("data-points"), "30");
    assert.equal(await page.getByTestId("chart-joins-by-day").getAttribute("data-total"), "9");
    assert.equal(await page.getByTestId("chart-messages-by-day").getAttribute("data-total"), "7");
    for (const chart of ["chart-joins-by-source", "chart-joins-by-day", "chart-messages-by-day"]) {
      assert.ok((await canvasHasInk(page, chart)) > 100, `${chart} is drawn`);
    }
    await page.getByLabel("Statistics window").selectOption("7");
    await page.locator("[data-testid='chart-joins-by-day'][data-points='7']").waitFor();
    await screenshot(page, "console-stats");
    assert.deepEqual(session.foreignRequests, [], "the console loads nothing from other origins");
    assert.deepEqual(session.problems, []);
  });

  it("on the PERSONAL plan explains that statistics are not included, and shows only that tenant's data", async (t) => {
    if (browserSkipReason) return t.skip(browserSkipReason);
    const { page } = await offlinePage(browser, server.base);
    await signIn(page, server.base, personal.apiKey);
    await page.getByRole("link", { name: "Statistics" }).click();
    assert.match(await page.getByTestId("stats-not-in-plan").innerText(), /not part of the personal plan/);
    await page.getByRole("link", { name: "Groups" }).click();
    await page.getByRole("button", { name: /Personal tenant's group/ }).waitFor();
    assert.equal(await page.getByText("Weekend hikers").count(), 0);
    await page.getByRole("link", { name: "Review queue" }).click();
    await page.getByText("Nothing pending.").waitFor();
    await page.context().close();
  });
});
