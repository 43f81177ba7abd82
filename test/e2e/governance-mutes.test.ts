import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { dataOf, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id text } userErrors { code message field } } }`;
const MEMBERS = `query($id: ID!) { group(id: $id) { settings { joinApproval muteAll welcomeMessage } members(first: 10) { edges { node { user { id } mutedUntil } } } } }`;
const KEYWORDS = `mutation($input: SetModerationKeywordsInput!) { setModerationKeywords(input: $input) { userErrors { code } } }`;
const HOUR = 3600_000;

/** Muting (禁言) per member with an end, mute-all, and the settings that switch it; two tenants. */
describe("muting and group settings", () => {
  const clock = new ManualClock();
  let server: TestServer;
  let t: FixtureTenant;
  let other: FixtureTenant;
  let O: FixtureUser, A: FixtureUser, M1: FixtureUser, M2: FixtureUser;
  let groupId: string;

  before(async () => {
    server = await startTestServer({ clock });
    [t, other] = await twoTenants(server, { users: 5 });
    [O, A, M1, M2] = t.users;
    groupId = (await createGroup(server, O, [A, M1, M2])).id;
    ok(await mutate(server, "setMemberRole", { groupId, userId: A.id, role: "ADMIN" }, O.token));
  });
  after(() => server.close());

  const send = async (user: FixtureUser, text: string) => dataOf(await server.gql(SEND, { input: { groupId, text } }, user.token)).sendMessage;

  async function refusedUnchanged(run: () => Promise<any>, code: string, what: string) {
    const before = await snapshot(server);
    const payload = await run();
    assert.deepEqual(codes(payload), [code], `${what}: ${JSON.stringify(payload.userErrors)}`);
    assert.deepEqual(await snapshot(server), before, `${what}: refused with ${code}, nothing written`);
    return payload;
  }

  it("a muted member's messages are refused with MEMBER_MUTED and nothing is written, until the mute ends", async () => {
    const until = new Date(clock.now() + HOUR).toISOString();
    const muted = ok(await mutate(server, "muteMember", { groupId, userId: M1.id, until }, A.token));
    assert.equal(muted.member.mutedUntil, until);
    const members = dataOf(await server.gql(MEMBERS, { id: groupId }, M2.token)).group.members.edges;
    assert.equal(members.find((e: any) => e.node.user.id === M1.id).node.mutedUntil, until, "every member sees who is muted");
    await refusedUnchanged(() => send(M1, "spam spam spam"), "MEMBER_MUTED", "a muted sender");
    ok(await send(M2, "others still talk"));
    clock.advance(HOUR);
    const after = dataOf(await server.gql(MEMBERS, { id: groupId }, O.token)).group.members.edges;
    assert.equal(after.find((e: any) => e.node.user.id === M1.id).node.mutedUntil, null, "a mute that ended reads as null");
    ok(await send(M1, "back again"));
  });

  it("unmuteMember ends a mute at once; unmuting someone not muted changes nothing", async () => {
    ok(await mutate(server, "muteMember", { groupId, userId: M2.id, until: new Date(clock.now() + HOUR).toISOString() }, O.token));
    await refusedUnchanged(() => send(M2, "hello?"), "MEMBER_MUTED", "muted");
    assert.equal(ok(await mutate(server, "unmuteMember", { groupId, userId: M2.id }, O.token)).member.mutedUntil, null);
    ok(await send(M2, "thanks"));
    const before = await snapshot(server);
    ok(await mutate(server, "unmuteMember", { groupId, userId: M2.id }, O.token));
    assert.deepEqual(await snapshot(server), before);
  });

  it("mute all: only the owner and admins post; switching it off lets everyone talk again", async () => {
    const payload = ok(await mutate(server, "updateGroupSettings", { groupId, muteAll: true }, A.token));
    assert.deepEqual(payload.group.settings, { joinApproval: false, muteAll: true, welcomeMessage: null });
    await refusedUnchanged(() => send(M1, "can I?"), "MEMBER_MUTED", "a plain member under mute all");
    ok(await send(O, "owner speaks"));
    ok(await send(A, "admin speaks"));
    ok(await mutate(server, "updateGroupSettings", { groupId, muteAll: false }, O.token));
    ok(await send(M1, "now I can"));
  });

  it("settings: fields left out are kept, an empty welcome message removes it, no change writes nothing", async () => {
    ok(await mutate(server, "updateGroupSettings", { groupId, welcomeMessage: "  Welcome %NICKNAME% to %GROUP%!  " }, O.token));
    let settings = dataOf(await server.gql(MEMBERS, { id: groupId }, M1.token)).group.settings;
    assert.deepEqual(settings, { joinApproval: false, muteAll: false, welcomeMessage: "Welcome %NICKNAME% to %GROUP%!" });
    const before = await snapshot(server);
    ok(await mutate(server, "updateGroupSettings", { groupId, muteAll: false, welcomeMessage: "Welcome %NICKNAME% to %GROUP%!" }, O.token));
    assert.deepEqual(await snapshot(server), before, "nothing changed, nothing written");
    ok(await mutate(server, "updateGroupSettings", { groupId, welcomeMessage: "" }, O.token));
    settings = dataOf(await server.gql(MEMBERS, { id: groupId }, M1.token)).group.settings;
    assert.equal(settings.welcomeMessage, null);
    await refusedUnchanged(() => mutate(server, "updateGroupSettings", { groupId, welcomeMessage: "x".repeat(501) }, O.token), "INVALID_INPUT", "too long");
  });

  it("a welcome message with a blocked term is CONTENT_BLOCKED and the settings stay", async () => {
    ok(dataOf(await server.gql(KEYWORDS, { input: { keywords: [{ term: "casino", action: "BLOCK" }] } }, t.apiKey)).setModerationKeywords);
    const before = await snapshot(server, ["risk_events"]);
    const payload = await mutate(server, "updateGroupSettings", { groupId, welcomeMessage: "Visit our casino" }, O.token);
    assert.deepEqual(codes(payload), ["CONTENT_BLOCKED"]);
    assert.deepEqual(await snapshot(server, ["risk_events"]), before, "only the risk event is recorded");
  });

  it("another tenant's key and users cannot mute or change settings (NOT_FOUND)", async () => {
    const until = new Date(clock.now() + HOUR).toISOString();
    await refusedUnchanged(() => mutate(server, "muteMember", { groupId, userId: M1.id, until }, other.apiKey), "NOT_FOUND", "foreign key");
    await refusedUnchanged(() => mutate(server, "muteMember", { groupId, userId: M1.id, until }, other.users[0].token), "NOT_FOUND", "foreign user");
    await refusedUnchanged(() => mutate(server, "updateGroupSettings", { groupId, muteAll: true }, other.users[0].token), "NOT_FOUND", "foreign settings");
  });
});
