import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshotAll, snapshotDiff } from "../support/snapshot";

/** Control characters (C0, DEL, C1) and bidi embeddings, overrides and isolates. */
const FORBIDDEN = ["\u0000", "\u0007", "\u001b", "\u007f", "\u0085", "\u202a", "\u202e", "\u2066", "\u2069"];

describe("string inputs: one rule against control and bidi-override characters, on every mutation", () => {
  let server: TestServer;
  let a: FixtureTenant;
  let groupId: string;
  before(async () => {
    server = await startTestServer();
    [a] = await twoTenants(server, { users: 4, plan: "ENTERPRISE", qualifications: { dataUsageRulesUrl: "https://example.com/data-rules" } });
    groupId = (await createGroup(server, a.users[0], a.users.slice(1, 3))).id;
  });
  after(() => server.close());

  interface Case {
    label: string;
    mutation: string;
    inputType: string;
    input: (bad: string) => Record<string, unknown>;
    field: string[];
    token: () => string;
  }
  const cases: Case[] = [
    { label: "moderation keyword", mutation: "setModerationKeywords", inputType: "SetModerationKeywordsInput", input: (x) => ({ keywords: [{ term: "fine", action: "BLOCK" }, { term: `bad${x}word`, action: "REVIEW" }] }), field: ["input", "keywords", "1", "term"], token: () => a.apiKey },
    { label: "platform keyword", mutation: "setPlatformModerationKeywords", inputType: "SetPlatformModerationKeywordsInput", input: (x) => ({ keywords: [{ term: `bad${x}word`, action: "BLOCK" }] }), field: ["input", "keywords", "0", "term"], token: () => server.platformToken },
    { label: "user tag", mutation: "setUserTags", inputType: "SetUserTagsInput", input: (x) => ({ userId: a.users[1].id, tags: ["ok", `v${x}ip`] }), field: ["input", "tags", "1"], token: () => a.apiKey },
    { label: "live code tag", mutation: "createLiveCode", inputType: "CreateLiveCodeInput", input: (x) => ({ name: "Live", groupIds: [groupId], tags: [`${x}promo`] }), field: ["input", "tags", "0"], token: () => a.users[0].token },
    { label: "group code state", mutation: "createGroupCode", inputType: "CreateGroupCodeInput", input: (x) => ({ groupId, type: "PERMANENT", state: `spring${x}` }), field: ["input", "state"], token: () => a.users[0].token },
    { label: "live code state", mutation: "createLiveCode", inputType: "CreateLiveCodeInput", input: (x) => ({ name: "Live", groupIds: [groupId], state: `${x}fall` }), field: ["input", "state"], token: () => a.users[0].token },
    { label: "live code name", mutation: "createLiveCode", inputType: "CreateLiveCodeInput", input: (x) => ({ name: `Li${x}ve`, groupIds: [groupId] }), field: ["input", "name"], token: () => a.users[0].token },
    { label: "group name", mutation: "renameGroup", inputType: "RenameGroupInput", input: (x) => ({ groupId, name: `Team${x}` }), field: ["input", "name"], token: () => a.users[0].token },
    { label: "new group name", mutation: "createGroup", inputType: "CreateGroupInput", input: (x) => ({ name: `${x}New`, memberIds: [a.users[1].id, a.users[2].id] }), field: ["input", "name"], token: () => a.users[0].token },
    { label: "externalId", mutation: "upsertUsers", inputType: "UpsertUsersInput", input: (x) => ({ users: [{ externalId: `ext${x}`, displayName: "Someone" }] }), field: ["input", "users", "0", "externalId"], token: () => a.apiKey },
    { label: "message text", mutation: "sendMessage", inputType: "SendMessageInput", input: (x) => ({ groupId, text: `hello${x}` }), field: ["input", "text"], token: () => a.users[1].token },
    { label: "tenant name", mutation: "updateTenant", inputType: "UpdateTenantInput", input: (x) => ({ tenantId: a.id, name: `Acme${x}` }), field: ["input", "name"], token: () => server.platformToken },
    { label: "financial licence", mutation: "updateTenant", inputType: "UpdateTenantInput", input: (x) => ({ tenantId: a.id, qualifications: { financialLicense: `L${x}1` } }), field: ["input", "qualifications", "financialLicense"], token: () => server.platformToken },
    { label: "an id", mutation: "issueUserToken", inputType: "IssueUserTokenInput", input: (x) => ({ userId: `${a.users[0].id}${x}` }), field: ["input", "userId"], token: () => a.apiKey },
  ];

  for (const c of cases) {
    it(`${c.mutation}: ${c.label} with a control or bidi character is INVALID_INPUT at its path, and nothing changes`, async () => {
      const before = await snapshotAll(server);
      for (const bad of FORBIDDEN) {
        const response = await server.gql(`mutation($input: ${c.inputType}!) { ${c.mutation}(input: $input) { userErrors { code field message } } }`, { input: c.input(bad) }, c.token());
        const payload = dataOf(response)[c.mutation];
        const label = `${c.label} with U+${bad.codePointAt(0)!.toString(16).padStart(4, "0")}`;
        assert.equal(payload.userErrors.length, 1, `${label}: ${JSON.stringify(payload.userErrors)}`);
        assert.equal(payload.userErrors[0].code, "INVALID_INPUT", label);
        assert.deepEqual(payload.userErrors[0].field, c.field, label);
      }
      assert.deepEqual(snapshotDiff(before, await snapshotAll(server)), [], "refusals changed the database");
    });
  }

  it("a payload whose list is non-null (transferUserGroups { transferred }) is refused with an empty list, not an error (found by the fuzz test)", async () => {
    const before = await snapshotAll(server);
    const response = await server.gql(
      `mutation($input: TransferUserGroupsInput!) { transferUserGroups(input: $input) { transferred { id } userErrors { code field } } }`,
      { input: { fromUserId: a.users[0].id, toUserId: "\u0000a%s'; DROP TABLE users; --", keepMembership: false } },
      a.apiKey,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(dataOf(response).transferUserGroups, { transferred: [], userErrors: [{ code: "INVALID_INPUT", field: ["input", "toUserId"] }] });
    assert.deepEqual(snapshotDiff(before, await snapshotAll(server)), [], "the refusal changed the database");
  });

  it("every offending input is reported, each at its own path", async () => {
    const response = await server.gql(
      `mutation($input: SetModerationKeywordsInput!) { setModerationKeywords(input: $input) { userErrors { code field } } }`,
      { input: { keywords: [{ term: "a\u0000", action: "BLOCK" }, { term: "ok", action: "BLOCK" }, { term: "\u202eb", action: "BLOCK" }] } },
      a.apiKey,
    );
    assert.deepEqual(dataOf(response).setModerationKeywords.userErrors, [
      { code: "INVALID_INPUT", field: ["input", "keywords", "0", "term"] },
      { code: "INVALID_INPUT", field: ["input", "keywords", "2", "term"] },
    ]);
  });

  it("multi-line texts (messages, welcome messages) keep tab, line feed and CR LF; a lone CR is refused; names refuse them all", async () => {
    const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { text } userErrors { code field } } }`;
    const sent = ok(dataOf(await server.gql(SEND, { input: { groupId, text: "line one\n\tline two\r\nline three" } }, a.users[1].token)).sendMessage);
    assert.equal(sent.message.text, "line one\n\tline two\r\nline three");
    const lone = dataOf(await server.gql(SEND, { input: { groupId, text: "over\rwrite" } }, a.users[1].token)).sendMessage;
    assert.deepEqual(lone.userErrors, [{ code: "INVALID_INPUT", field: ["input", "text"] }]);
    const LIVE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id } userErrors { code field } } }`;
    ok(dataOf(await server.gql(LIVE, { input: { name: "Welcome", groupIds: [groupId], welcomeMessage: "Hi!\nRead the rules." } }, a.users[0].token)).createLiveCode);
    for (const whitespace of ["\n", "\t", "\r\n"]) {
      const renamed = dataOf(await server.gql(`mutation($input: RenameGroupInput!) { renameGroup(input: $input) { userErrors { code field } } }`, { input: { groupId, name: `Two${whitespace}lines` } }, a.users[0].token)).renameGroup;
      assert.deepEqual(renamed.userErrors, [{ code: "INVALID_INPUT", field: ["input", "name"] }]);
    }
    // Ordinary text with zero-width joiners, emoji and CJK is fine.
    ok(dataOf(await server.gql(SEND, { input: { groupId, text: "群聊 👨‍👩‍👧‍👦 Zoë" } }, a.users[1].token)).sendMessage);
  });
});
