import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { createGroup, mutate, permanentCode } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";

const ERR = "userErrors { code message field }";
const MESSAGES = `query($id: ID!) { group(id: $id) { messages(first: 100) { edges { node { kind text } } } } }`;
const JOIN_CODE = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { member { user { id } } joinRequest { id } ${ERR} } }`;
const ANSWER = `mutation($input: AnswerJoinRequestInput!) { answerJoinRequest(input: $input) { member { user { id } } ${ERR} } }`;
const CREATE_LIVE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { token } ${ERR} } }`;
const JOIN_LIVE = `mutation($input: JoinByLiveCodeInput!) { joinByLiveCode(input: $input) { member { user { id } } ${ERR} } }`;
const ENTER = `mutation($input: EnterFaceToFaceInput!) { enterFaceToFace(input: $input) { session { id } ${ERR} } }`;
const JOIN_F2F = `mutation($input: JoinFaceToFaceGroupInput!) { joinFaceToFaceGroup(input: $input) { group { id name } member { user { id } } ${ERR} } }`;
const TEMPLATE = "Hi %NICKNAME%, welcome to %GROUP%! (%NICKNAME%)";

/** Welcome messages on every join path, %NICKNAME% and %GROUP% filled in; two tenants. */
describe("welcome messages", () => {
  let server: TestServer;
  let t: FixtureTenant;
  let other: FixtureTenant;
  let O: FixtureUser;

  before(async () => {
    server = await startTestServer();
    const options = { plan: "ENTERPRISE" as const, users: 12, qualifications: { dataUsageRulesUrl: "https://corp.example/rules" }, policyOverrides: { directAddLimit: 4 } };
    t = await createTenant(server, options);
    other = await createTenant(server, options);
    O = t.users[0];
  });
  after(() => server.close());

  const welcomes = async (groupId: string) =>
    dataOf(await server.gql(MESSAGES, { id: groupId }, O.token))
      .group.messages.edges.filter((e: any) => e.node.kind === "WELCOME")
      .map((e: any) => e.node.text)
      .reverse(); // messages come newest first
  const expected = (user: FixtureUser, group = "Weekend hikers") => `Hi ${user.displayName}, welcome to ${group}! (${user.displayName})`;

  async function welcomingGroup(members: FixtureUser[]): Promise<string> {
    const groupId = (await createGroup(server, O, members)).id;
    ok(await mutate(server, "updateGroupSettings", { groupId, welcomeMessage: TEMPLATE }, O.token));
    assert.deepEqual(await welcomes(groupId), [], "founders are not welcomed");
    return groupId;
  }

  it("direct add, invitation, code and an approved join request each post the group's welcome", async () => {
    const [, a, b, c, d, e, f] = t.users;
    const groupId = await welcomingGroup([a, b]);
    ok(await mutate(server, "inviteMembers", { groupId, userIds: [c.id] }, O.token), "direct add (3 of 4)");
    const invitation = ok(await mutate(server, "inviteMembers", { groupId, userIds: [d.id] }, O.token)).invitations![0];
    ok(await mutate(server, "respondToInvitation", { invitationId: invitation.id, accept: true }, d.token));
    const { token } = await permanentCode(server, O, groupId);
    ok(dataOf(await server.gql(JOIN_CODE, { input: { token } }, e.token)).joinGroupByCode);
    ok(await mutate(server, "updateGroupSettings", { groupId, joinApproval: true }, O.token));
    const request = ok(dataOf(await server.gql(JOIN_CODE, { input: { token } }, f.token)).joinGroupByCode).joinRequest;
    assert.deepEqual(await welcomes(groupId), [c, d, e].map((u) => expected(u)), "a pending request is not welcomed yet");
    ok(dataOf(await server.gql(ANSWER, { input: { joinRequestId: request.id, approve: true } }, O.token)).answerJoinRequest);
    assert.deepEqual(await welcomes(groupId), [c, d, e, f].map((u) => expected(u)));
  });

  it("face to face posts the group's welcome to later joiners", async () => {
    const [, , , , , , , g, h] = t.users;
    const here = { latitude: 31.2304, longitude: 121.4737 };
    const session = ok(dataOf(await server.gql(ENTER, { input: { digits: "1357", ...here } }, g.token)).enterFaceToFace).session;
    ok(dataOf(await server.gql(ENTER, { input: { digits: "1357", ...here } }, h.token)).enterFaceToFace);
    const { group } = ok(dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, g.token)).joinFaceToFaceGroup);
    ok(await mutate(server, "updateGroupSettings", { groupId: group.id, welcomeMessage: TEMPLATE }, g.token));
    ok(dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, h.token)).joinFaceToFaceGroup);
    const texts = dataOf(await server.gql(MESSAGES, { id: group.id }, g.token)).group.messages.edges.filter((e: any) => e.node.kind === "WELCOME").map((e: any) => e.node.text);
    assert.deepEqual(texts, [expected(h, group.name)]);
  });

  it("a live code posts its own welcome (placeholders filled) instead of the group's; without one, the group's", async () => {
    const [, a, b, , , , , , , i, j] = t.users;
    const groupId = await welcomingGroup([a, b]);
    const own = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "Own", groupIds: [groupId], welcomeMessage: "Campaign hello, %NICKNAME% in %GROUP%" } }, O.token)).createLiveCode).liveCode;
    const plain = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "Plain", groupIds: [groupId] } }, O.token)).createLiveCode).liveCode;
    ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: own.token } }, i.token)).joinByLiveCode);
    ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: plain.token } }, j.token)).joinByLiveCode);
    assert.deepEqual(await welcomes(groupId), [`Campaign hello, ${i.displayName} in Weekend hikers`, expected(j)]);
  });

  it("no welcome message, no welcome; another tenant cannot set one", async () => {
    const [, a, b, c] = t.users;
    const groupId = (await createGroup(server, O, [a, b])).id;
    ok(await mutate(server, "inviteMembers", { groupId, userIds: [c.id] }, O.token));
    assert.deepEqual(await welcomes(groupId), []);
    const refused = await mutate(server, "updateGroupSettings", { groupId, welcomeMessage: TEMPLATE }, other.users[0].token);
    assert.deepEqual(refused.userErrors.map((e: any) => e.code), ["NOT_FOUND"]);
  });
});
