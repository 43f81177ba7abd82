import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup, membersOf, mutate, permanentCode } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const ERR = "userErrors { code message field }";
const REQUEST = "id status requester { id } inviter { id } source { kind state inviter { id } } group { id } createdAt";
const JOIN_CODE = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { group { id } member { user { id } joinSource { kind } } joinRequest { ${REQUEST} } ${ERR} } }`;
const INVITE = `mutation($input: InviteMembersInput!) { inviteMembers(input: $input) { added { user { id } } invitations { id } joinRequests { ${REQUEST} } ${ERR} } }`;
const ANSWER = `mutation($input: AnswerJoinRequestInput!) { answerJoinRequest(input: $input) { joinRequest { id status } member { role user { id } joinSource { kind inviter { id } } } ${ERR} } }`;
const QUEUE = `query($id: ID!, $status: JoinRequestStatus) { group(id: $id) { joinRequests(first: 50, status: $status) { totalCount edges { node { id status requester { id } } } } codes { token uses } } }`;
const MINE = `{ myJoinRequests(first: 10) { totalCount edges { node { id status group { id } } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on JoinRequest { status } } }`;
const ENTER = `mutation($input: EnterFaceToFaceInput!) { enterFaceToFace(input: $input) { session { id } ${ERR} } }`;
const JOIN_F2F = `mutation($input: JoinFaceToFaceGroupInput!) { joinFaceToFaceGroup(input: $input) { group { id } member { user { id } } joinRequest { ${REQUEST} } ${ERR} } }`;
const CREATE_LIVE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id token joinCount } ${ERR} } }`;
const JOIN_LIVE = `mutation($input: JoinByLiveCodeInput!) { joinByLiveCode(input: $input) { group { id } member { user { id } } joinRequest { ${REQUEST} } ${ERR} } }`;
const MESSAGES = `query($id: ID!) { group(id: $id) { messages(first: 50) { edges { node { kind text } } } } }`;
const DAY = 24 * 3600_000;

/**
 * Join approval (群聊邀请确认): codes, live codes, face to face and plain members' invitations make
 * join requests; owners and admins answer them; capacity is checked at approval. Two tenants.
 */
describe("join requests", () => {
  const clock = new ManualClock();
  let server: TestServer;
  let t: FixtureTenant;
  let other: FixtureTenant;
  let O: FixtureUser, A: FixtureUser, M: FixtureUser, X: FixtureUser, Y: FixtureUser, Z: FixtureUser;

  before(async () => {
    server = await startTestServer({ clock });
    const options = { users: 8, policyOverrides: { dailyGroupCreationLimit: 100 } };
    t = await createTenant(server, options);
    other = await createTenant(server, options);
    [O, A, M, X, Y, Z] = t.users;
  });
  after(() => server.close());

  /** A group with owner O, admin A, member M, join approval on, and a permanent code. */
  async function approvalGroup(): Promise<{ groupId: string; token: string }> {
    const groupId = (await createGroup(server, O, [A, M])).id;
    ok(await mutate(server, "setMemberRole", { groupId, userId: A.id, role: "ADMIN" }, O.token));
    ok(await mutate(server, "updateGroupSettings", { groupId, joinApproval: true }, O.token));
    return { groupId, token: (await permanentCode(server, O, groupId)).token };
  }
  const joinCode = async (token: string, user: FixtureUser) => dataOf(await server.gql(JOIN_CODE, { input: { token } }, user.token)).joinGroupByCode;
  const answer = async (joinRequestId: string, approve: boolean, bearer: string) => dataOf(await server.gql(ANSWER, { input: { joinRequestId, approve } }, bearer)).answerJoinRequest;
  const queue = async (groupId: string, bearer: string, status: string | null = "PENDING") => dataOf(await server.gql(QUEUE, { id: groupId, status }, bearer)).group;

  async function refusedUnchanged(run: () => Promise<any>, code: string, what: string) {
    const before = await snapshot(server);
    const payload = await run();
    assert.deepEqual(codes(payload), [code], `${what}: ${JSON.stringify(payload.userErrors)}`);
    assert.deepEqual(await snapshot(server), before, `${what}: refused with ${code}, nothing written`);
    return payload;
  }

  it("a code join becomes a request; asking again returns it; the code is used once", async () => {
    const { groupId, token } = await approvalGroup();
    const first = ok(await joinCode(token, X));
    assert.equal(first.member, null);
    assert.equal(first.joinRequest.status, "PENDING");
    assert.equal(first.joinRequest.requester.id, X.id);
    assert.deepEqual(first.joinRequest.source, { kind: "GROUP_CODE", state: null, inviter: null });
    const again = ok(await joinCode(token, X));
    assert.equal(again.joinRequest.id, first.joinRequest.id);
    const seen = await queue(groupId, O.token);
    assert.equal(seen.codes[0].uses, 1);
    assert.deepEqual(seen.joinRequests.edges.map((e: any) => e.node.requester.id), [X.id]);
    assert.equal((await queue(groupId, A.token)).joinRequests.totalCount, 1, "admins see the queue");
    assert.equal((await queue(groupId, t.apiKey)).joinRequests.totalCount, 1, "so does the tenant key");
    assert.equal((await queue(groupId, M.token)).joinRequests, null, "plain members do not");
    const mine = dataOf(await server.gql(MINE, {}, X.token)).myJoinRequests;
    assert.ok(mine.edges.some((e: any) => e.node.id === first.joinRequest.id && e.node.group.id === groupId));
    assert.equal(dataOf(await server.gql(NODE, { id: first.joinRequest.id }, X.token)).node.status, "PENDING");
    assert.equal(dataOf(await server.gql(NODE, { id: first.joinRequest.id }, M.token)).node, null);
    assert.equal(dataOf(await server.gql(NODE, { id: first.joinRequest.id }, other.apiKey)).node, null);
    assert.deepEqual(await membersOf(server, groupId, O.token).then((m) => m.map(([id]) => id)), [O.id, A.id, M.id], "nobody joined yet");
  });

  it("an EDUCATION group (minor protection) always has join approval: a code join waits even with the setting off", async () => {
    const groupId = (await createGroup(server, O, [A, M], { category: "EDUCATION", minorProtection: true })).id;
    const settings = `query($id: ID!) { group(id: $id) { settings { joinApproval } } }`;
    assert.equal(dataOf(await server.gql(settings, { id: groupId }, O.token)).group.settings.joinApproval, true);
    const payload = ok(await joinCode((await permanentCode(server, O, groupId)).token, Z));
    assert.equal(payload.member, null);
    assert.equal(payload.joinRequest.status, "PENDING");
    assert.equal(ok(await answer(payload.joinRequest.id, true, O.token)).member.user.id, Z.id);
  });

  it("owners and admins answer; everyone else is refused and nothing changes", async () => {
    const { groupId, token } = await approvalGroup();
    const request = ok(await joinCode(token, X)).joinRequest;
    await refusedUnchanged(() => answer(request.id, true, M.token), "NOT_PERMITTED", "a plain member");
    await refusedUnchanged(() => answer(request.id, true, X.token), "NOT_FOUND", "the requester (no member)");
    await refusedUnchanged(() => answer(request.id, true, t.apiKey), "NOT_PERMITTED", "the tenant key");
    await refusedUnchanged(() => answer(request.id, true, other.apiKey), "NOT_FOUND", "another tenant's key");
    await refusedUnchanged(() => answer(request.id, true, other.users[0].token), "NOT_FOUND", "another tenant's user");
    const approved = ok(await answer(request.id, true, A.token));
    assert.equal(approved.joinRequest.status, "APPROVED");
    assert.deepEqual(approved.member.joinSource, { kind: "GROUP_CODE", inviter: null });
    await refusedUnchanged(() => answer(request.id, false, O.token), "NOT_PERMITTED", "answering twice");
    const second = ok(await joinCode(token, Y)).joinRequest;
    assert.equal(ok(await answer(second.id, false, O.token)).joinRequest.status, "REJECTED");
    assert.deepEqual((await queue(groupId, O.token, null)).joinRequests.edges.map((e: any) => e.node.status), ["REJECTED", "APPROVED"]);
    assert.equal(ok(await joinCode(token, X)).member.user.id, X.id, "a member asking again gets the membership");
    await assertCountsConsistent(server);
  });

  it("a plain member's invitation becomes a request (inviter recorded); an admin's invitation adds directly", async () => {
    const { groupId } = await approvalGroup();
    const byMember = ok(dataOf(await server.gql(INVITE, { input: { groupId, userIds: [X.id] } }, M.token)).inviteMembers);
    assert.deepEqual(byMember.added, []);
    assert.equal(byMember.joinRequests[0].inviter.id, M.id);
    assert.deepEqual(byMember.joinRequests[0].source, { kind: "INVITATION", state: null, inviter: { id: M.id } });
    const again = ok(dataOf(await server.gql(INVITE, { input: { groupId, userIds: [X.id] } }, M.token)).inviteMembers);
    assert.equal(again.joinRequests[0].id, byMember.joinRequests[0].id, "one pending request per person");
    const approved = ok(await answer(byMember.joinRequests[0].id, true, O.token));
    assert.deepEqual(approved.member.joinSource, { kind: "INVITATION", inviter: { id: M.id } });
    const byAdmin = ok(dataOf(await server.gql(INVITE, { input: { groupId, userIds: [Y.id] } }, A.token)).inviteMembers);
    assert.deepEqual(byAdmin.added.map((m: any) => m.user.id), [Y.id]);
    assert.deepEqual(byAdmin.joinRequests, []);
  });

  it("capacity is checked at approval: GROUP_FULL and nothing written", async () => {
    const small = await createTenant(server, { users: 6, policyOverrides: { maxGroupSize: 4, directAddLimit: 4, codeJoinCap: 4, permanentCodeMaxMembers: 4 } });
    const [o, a, b, c, d] = small.users;
    const groupId = (await createGroup(server, o, [a, b])).id;
    ok(await mutate(server, "updateGroupSettings", { groupId, joinApproval: true }, o.token));
    const { token } = await permanentCode(server, o, groupId);
    const rc = ok(await joinCode(token, c)).joinRequest;
    const rd = ok(await joinCode(token, d)).joinRequest;
    ok(await answer(rc.id, true, o.token));
    await refusedUnchanged(() => answer(rd.id, true, o.token), "GROUP_FULL", "the last seat is taken");
  });

  it("requests expire like invitations; asking again opens a new one", async () => {
    const { groupId, token } = await approvalGroup();
    const request = ok(await joinCode(token, Z)).joinRequest;
    clock.advance(7 * DAY);
    for (const user of [O, A, M, X, Y, Z]) user.token = await reissue(user);
    assert.equal(dataOf(await server.gql(NODE, { id: request.id }, Z.token)).node.status, "EXPIRED");
    await refusedUnchanged(() => answer(request.id, true, O.token), "NOT_PERMITTED", "an expired request");
    assert.equal((await queue(groupId, O.token)).joinRequests.totalCount, 0, "no longer pending");
    const fresh = ok(await joinCode(token, Z)).joinRequest;
    assert.notEqual(fresh.id, request.id);
    assert.equal(fresh.status, "PENDING");
  });

  it("a banned user asking by code is BANNED, and a ban closes their pending request", async () => {
    const { groupId, token } = await approvalGroup();
    ok(await mutate(server, "removeMember", { groupId, userId: M.id, ban: true }, O.token));
    await refusedUnchanged(() => joinCode(token, M), "BANNED", "a banned requester");
    // Y asks by code, is then added directly by the owner while the request is open, and banned: the request is closed.
    const request = ok(await joinCode(token, Y)).joinRequest;
    ok(dataOf(await server.gql(INVITE, { input: { groupId, userIds: [Y.id] } }, O.token)).inviteMembers, "the owner adds Y directly");
    ok(await mutate(server, "removeMember", { groupId, userId: Y.id, ban: true }, O.token));
    assert.equal(dataOf(await server.gql(NODE, { id: request.id }, Y.token)).node.status, "REJECTED");
  });

  it("face to face with join approval: later participants ask", async () => {
    const here = { latitude: 31.2304, longitude: 121.4737 };
    const session = ok(dataOf(await server.gql(ENTER, { input: { digits: "8642", ...here } }, O.token)).enterFaceToFace).session;
    ok(dataOf(await server.gql(ENTER, { input: { digits: "8642", ...here } }, X.token)).enterFaceToFace);
    const { group } = ok(dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, O.token)).joinFaceToFaceGroup);
    ok(await mutate(server, "updateGroupSettings", { groupId: group.id, joinApproval: true }, O.token));
    const asked = ok(dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, X.token)).joinFaceToFaceGroup);
    assert.equal(asked.member, null);
    assert.equal(asked.joinRequest.source.kind, "FACE_TO_FACE");
    assert.equal(ok(await answer(asked.joinRequest.id, true, O.token)).member.user.id, X.id);
  });

  it("live codes with join approval: the request waits; approval counts the join and posts the code's welcome", async () => {
    const ent = await createTenant(server, { plan: "ENTERPRISE", users: 4, qualifications: { dataUsageRulesUrl: "https://corp.example/rules" } });
    const [o, a, b, j] = ent.users;
    const groupId = (await createGroup(server, o, [a, b])).id;
    ok(await mutate(server, "updateGroupSettings", { groupId, joinApproval: true }, o.token));
    const live = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "Promo", groupIds: [groupId], welcomeMessage: "Welcome aboard", state: "spring" } }, o.token)).createLiveCode).liveCode;
    const asked = ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: live.token } }, j.token)).joinByLiveCode);
    assert.equal(asked.member, null);
    assert.deepEqual(asked.joinRequest.source, { kind: "LIVE_CODE", state: "spring", inviter: null });
    const again = ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: live.token } }, j.token)).joinByLiveCode);
    assert.equal(again.joinRequest.id, asked.joinRequest.id);
    const approved = ok(await answer(asked.joinRequest.id, true, o.token));
    assert.equal(approved.member.joinSource.kind, "LIVE_CODE");
    const texts = dataOf(await server.gql(MESSAGES, { id: groupId }, o.token)).group.messages.edges.map((e: any) => e.node.text);
    assert.ok(texts.includes("Welcome aboard"));
  });

  async function reissue(user: FixtureUser): Promise<string> {
    const query = `mutation($input: IssueUserTokenInput!) { issueUserToken(input: $input) { token userErrors { code } } }`;
    return ok(dataOf(await server.gql(query, { input: { userId: user.id, ttlSeconds: 30 * 24 * 3600 } }, t.apiKey)).issueUserToken).token;
  }
});
