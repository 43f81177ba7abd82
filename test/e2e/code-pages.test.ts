import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { engine, serverMode, startTestServer, type TestServer } from "../support/server";

const HOSTILE = `<script>alert("x")</script> & 'Friends' <img src=x onerror=alert(1)>`;
const ESCAPED = `&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Friends&#39; &lt;img src=x onerror=alert(1)&gt;`;
const CREATE_CODE = `mutation($input: CreateGroupCodeInput!) { createGroupCode(input: $input) { code { id token url } userErrors { code message field } } }`;
const REVOKE = `mutation($input: RevokeGroupCodeInput!) { revokeGroupCode(input: $input) { code { status } userErrors { code message field } } }`;
const CREATE_LIVE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id token url } userErrors { code message field } } }`;
const UPDATE_LIVE = `mutation($input: UpdateLiveCodeInput!) { updateLiveCode(input: $input) { liveCode { status } userErrors { code message field } } }`;

interface Page {
  status: number;
  headers: Headers;
  text: string;
}

async function get(url: string): Promise<Page> {
  const response = await fetch(url, { redirect: "manual" });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** An HTML page, with the security headers and not a byte of script or JSON. */
function assertSafeHtml(page: Page, status: number): void {
  assert.equal(page.status, status, page.text.slice(0, 300));
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(page.text, /^<!doctype html>/);
  const csp = page.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /script-src|unsafe-inline|unsafe-eval/);
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  assert.equal(page.headers.get("referrer-policy"), "no-referrer", "the URL carries the token");
  assert.doesNotMatch(page.text, /\bat .*\.js:\d+|"errors"/i, "no stack trace, no JSON");
  // Whatever the data, the markup is the page's own: no script, image or event-handler attribute.
  for (const tag of page.text.match(/<[^>]*>/g) ?? []) {
    assert.doesNotMatch(tag, /^<\/?(script|img|iframe|object)\b|\son\w+\s*=/i, `unexpected markup ${tag}`);
  }
}

describe(`code pages: /join/<token> and /live/<token> (${engine}, ${serverMode})`, () => {
  let server: TestServer;
  let t: FixtureTenant;
  let groupId: string;

  before(async () => {
    server = await startTestServer();
    t = await createTenant(server, { plan: "ENTERPRISE", users: 4, qualifications: { dataUsageRulesUrl: "https://corp.example/rules" } });
    groupId = (await createGroup(server, t.users[0], [t.users[1], t.users[2]], { name: HOSTILE })).id;
  });
  after(() => server.close());

  it("a group code's url is a page with the group's preview and how to join; the name is escaped", async () => {
    const { code } = ok(dataOf(await server.gql(CREATE_CODE, { input: { groupId, type: "PERMANENT" } }, t.users[0].token)).createGroupCode);
    assert.equal(code.url, `${server.base}/join/${code.token}`);
    const page = await get(code.url);
    assertSafeHtml(page, 200);
    assert.ok(page.text.includes(`<h1>${ESCAPED}</h1>`), page.text);
    assert.ok(!page.text.includes(HOSTILE));
    assert.match(page.text, /3 members/);
    assert.match(page.text, /data-joinable="true"/);
    assert.match(page.text, /joinGroupByCode\(input: \{ token: &quot;[A-Za-z0-9_-]+&quot; \}\)/);
    assert.ok(page.text.includes(code.token));
    // The same facts as the preview query.
    const preview = dataOf(await server.gql(`query($token: String!) { groupCode(token: $token) { groupName memberCount joinable } }`, { token: code.token }, t.users[3].token)).groupCode;
    assert.deepEqual(preview, { groupName: HOSTILE, memberCount: 3, joinable: true });
    // HEAD: the headers, no body.
    const head = await fetch(code.url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");

    ok(dataOf(await server.gql(REVOKE, { input: { codeId: code.id } }, t.users[0].token)).revokeGroupCode);
    const revoked = await get(code.url);
    assertSafeHtml(revoked, 200);
    assert.match(revoked.text, /data-joinable="false"/);
    assert.match(revoked.text, /switched off/);
    assert.match(revoked.text, /CODE_REVOKED/);
  });

  it("a live code's url is a page with the code's name and whether it is joinable", async () => {
    const { liveCode } = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: `Live ${HOSTILE}`.slice(0, 100), groupIds: [groupId] } }, t.users[0].token)).createLiveCode);
    assert.equal(liveCode.url, `${server.base}/live/${liveCode.token}`);
    const page = await get(liveCode.url);
    assertSafeHtml(page, 200);
    assert.ok(page.text.includes(`<h1>Live ${ESCAPED}</h1>`), page.text);
    assert.match(page.text, /data-joinable="true"/);
    assert.match(page.text, /joinByLiveCode/);

    ok(dataOf(await server.gql(UPDATE_LIVE, { input: { liveCodeId: liveCode.id, enabled: false } }, t.users[0].token)).updateLiveCode);
    const off = await get(liveCode.url);
    assertSafeHtml(off, 200);
    assert.match(off.text, /data-joinable="false"/);
    assert.match(off.text, /CODE_REVOKED/);
    // A live code's token is not a group code's, nor the other way round.
    assertSafeHtml(await get(`${server.base}/join/${liveCode.token}`), 404);
  });

  it("unknown, malformed and empty tokens are a 404 page, never a stack trace or JSON", async () => {
    const unknown = randomBytes(24).toString("base64url");
    for (const path of [
      `/join/${unknown}`,
      `/live/${unknown}`,
      "/join/",
      "/live/",
      "/join/short",
      "/join/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      `/join/${"a".repeat(5000)}`,
      "/join/..%2F..%2Fetc%2Fpasswd",
      "/join/%E0%A4%A",
    ]) {
      const page = await get(`${server.base}${path}`);
      assertSafeHtml(page, 404);
      assert.match(page.text, /does not lead to a group/, path);
      assert.ok(!page.text.includes("script&gt;") && !page.text.includes(unknown), "the page does not echo the token");
    }
  });
});
