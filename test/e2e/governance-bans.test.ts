import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup, membersOf, mutate, permanentCode } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const RULES = { dataUsageRulesUrl: "https://corp.example/rules" };
const BANS = `query($id: ID!) { group(id: $id) { bans(first: 10) { totalCount edges { node { user { id } bannedBy { id } createdAt } } } } }`;
const JOIN_CODE = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { group { id } member { user { id } } userErrors { code message field } } }`;
const PREVIEW = `query($token: String!) { groupCode(token: $token) { joinable refusal } }`;
const CREATE_LIVE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id token } userErrors { code message field } } }`;
const JOIN_LIVE = `mutation($input: JoinByLiveCodeInput!) { joinByLiveCode(input: $input) { group { id name } member { user { id } } userErrors { code message field } } }`;
const ENTER = `mutation($input: EnterFaceToFaceInput!) { enterFaceToFace(input: $input) { session { id } userErrors { code message field } } }`;
const JOIN_F2F = `mutation($input: JoinFaceToFaceGroupInput!) { joinFaceToFaceGroup(input: $input) { group { id } member { user { id } } userErrors { code message field } } }`;
const HERE = { latitude: 31.2304, longitude: 121.4737 };

/**
 * Bans: removeMember with `ban: true`, unbanMember, Group.bans, and BANNED on every path into the
 * group (invitation, group code, live code, face to face). Two enterprise tenants, so every
 * fixture also exercises isolation.
 */
describe("bans", () => {
  const clock = new ManualClock();
  let server: TestServer;
  let t: FixtureTenant;
  let other: FixtureTenant;
  let O: FixtureUser, A: FixtureUser, M1: FixtureUser, M2: FixtureUser, S: FixtureUser, X: FixtureUser;

  before(async () => {
    server = await startTestServer({ clock });
    // directAddLimit 5: a group of five needs invitations for anyone more.
    const options = { plan: "ENTERPRISE" as const, users: 8, qualifications: RULES, policyOverrides: { directAddLimit: 5 } };
    t = await createTenant(server, options);
    other = await createTenant(server, options);
    [O, A, M1, M2, S, X] = t.users;
  });
  after(() => server.close());

  /** A group with owner O, admin A, members M1, M2 and the spammer S. */
  async function groupWithSpammer(): Promise<string> {
    const groupId = (await createGroup(server, O, [A, M1, M2, S])).id;
    ok(await mutate(server, "setMemberRole", { groupId, userId: A.id, role: "ADMIN" }, O.token));
    return groupId;
  }

  async function refusedUnchanged(run: () => Promise<any>, code: string, what: string) {
    const before = await snapshot(server);
    const payload = await run();
    assert.deepEqual(codes(payload), [code], `${what}: ${JSON.stringify(payload.userErrors)}`);
    assert.deepEqual(await snapshot(server), before, `${what}: refused with ${code}, changed nothing`);
    return payload;
  }

  const bansOf = async (groupId: string, token: string) => dataOf(await server.gql(BANS, { id: groupId }, token)).group?.bans;

  it("removeMember with ban removes and bans; Group.bans lists it to owners, admins and the tenant key only", async () => {
    const groupId = await groupWithSpammer();
    const payload = ok(await mutate(server, "removeMember", { groupId, userId: S.id, ban: true }, A.token));
    assert.equal(payload.group!.memberCount, 4);
    const bans = await bansOf(groupId, O.token);
    assert.equal(bans.totalCount, 1);
    assert.equal(bans.edges[0].node.user.id, S.id);
    assert.equal(bans.edges[0].node.bannedBy.id, A.id);
    assert.equal(bans.edges[0].node.createdAt, new Date(clock.now()).toISOString());
    assert.equal((await bansOf(groupId, t.apiKey)).totalCount, 1);
    assert.equal(await bansOf(groupId, M1.token), null, "plain members do not see the ban list");
    assert.equal((await server.gql(BANS, { id: groupId }, other.apiKey)).data.group, null, "another tenant: NOT_FOUND");
    // A removal without ban bans nobody.
    ok(await mutate(server, "removeMember", { groupId, userId: M2.id }, O.token));
    assert.equal((await bansOf(groupId, O.token)).totalCount, 1);
    ok(await mutate(server, "inviteMembers", { groupId, userIds: [M2.id] }, O.token), "M2 may come back");
  });

  it("a banned user fails on every path into the group, and nothing is written", async () => {
    const groupId = await groupWithSpammer();
    const code = await permanentCode(server, O, groupId);
    // X holds an invitation (the group is at its direct-add limit of 5), joins by code meanwhile, and is banned.
    const invitation = ok(await mutate(server, "inviteMembers", { groupId, userIds: [X.id] }, O.token)).invitations![0];
    assert.equal(invitation.status, "PENDING");
    ok(dataOf(await server.gql(JOIN_CODE, { input: { token: code.token } }, X.token)).joinGroupByCode);
    const live = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "Promo", groupIds: [groupId] } }, O.token)).createLiveCode).liveCode;
    ok(await mutate(server, "removeMember", { groupId, userId: S.id, ban: true }, O.token));
    ok(await mutate(server, "removeMember", { groupId, userId: X.id, ban: true }, t.apiKey));

    // Invitation: inviting a banned user (the field names which one), and accepting an invitation from before the ban.
    const invited = await refusedUnchanged(() => mutate(server, "inviteMembers", { groupId, userIds: [M1.id, S.id] }, O.token), "BANNED", "inviteMembers");
    assert.deepEqual(invited.userErrors[0].field, ["input", "userIds", "1"]);
    const accepted = await refusedUnchanged(() => mutate(server, "respondToInvitation", { invitationId: invitation.id, accept: true }, X.token), "BANNED", "respondToInvitation");
    assert.deepEqual(accepted.userErrors[0].field, ["input", "invitationId"]);
    // Group code, and its preview.
    await refusedUnchanged(async () => dataOf(await server.gql(JOIN_CODE, { input: { token: code.token } }, S.token)).joinGroupByCode, "BANNED", "joinGroupByCode");
    assert.deepEqual(dataOf(await server.gql(PREVIEW, { token: code.token }, S.token)).groupCode, { joinable: false, refusal: "BANNED" });
    assert.deepEqual(dataOf(await server.gql(PREVIEW, { token: code.token }, M2.token)).groupCode, { joinable: true, refusal: null }, "members see it joinable");
    // A live code whose only group banned the joiner, without auto-creation.
    await refusedUnchanged(async () => dataOf(await server.gql(JOIN_LIVE, { input: { token: live.token } }, S.token)).joinByLiveCode, "BANNED", "joinByLiveCode");
    assert.equal((await membersOf(server, groupId, O.token)).some(([id]) => id === S.id || id === X.id), false);
    await assertCountsConsistent(server);
  });

  it("a live code skips a group that banned the joiner and places them in the next one; with auto-creation it opens one", async () => {
    const g1 = await groupWithSpammer();
    const g2 = (await createGroup(server, O, [A, M1])).id;
    ok(await mutate(server, "removeMember", { groupId: g1, userId: S.id, ban: true }, O.token));
    const live = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "Two groups", groupIds: [g1, g2] } }, O.token)).createLiveCode).liveCode;
    const placed = ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: live.token } }, S.token)).joinByLiveCode);
    assert.equal(placed.group.id, g2, "skipped the banning group");
    const placedOther = ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: live.token } }, X.token)).joinByLiveCode);
    assert.equal(placedOther.group.id, g1, "everyone else still fills the first group");

    const g3 = await groupWithSpammer();
    ok(await mutate(server, "removeMember", { groupId: g3, userId: S.id, ban: true }, O.token));
    const auto = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "Auto", groupIds: [g3], autoCreateGroups: true, baseName: "Overflow" } }, O.token)).createLiveCode).liveCode;
    const opened = ok(dataOf(await server.gql(JOIN_LIVE, { input: { token: auto.token } }, S.token)).joinByLiveCode);
    assert.notEqual(opened.group.id, g3);
    assert.equal(opened.group.name, "Overflow 2");
    await assertCountsConsistent(server);
  });

  it("face to face: a banned participant cannot join the session's group", async () => {
    const session = ok(dataOf(await server.gql(ENTER, { input: { digits: "5150", ...HERE } }, O.token)).enterFaceToFace).session;
    ok(dataOf(await server.gql(ENTER, { input: { digits: "5150", ...HERE } }, S.token)).enterFaceToFace);
    ok(dataOf(await server.gql(ENTER, { input: { digits: "5150", ...HERE } }, M1.token)).enterFaceToFace);
    const { group } = ok(dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, O.token)).joinFaceToFaceGroup);
    ok(dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, S.token)).joinFaceToFaceGroup);
    ok(await mutate(server, "removeMember", { groupId: group.id, userId: S.id, ban: true }, O.token));
    await refusedUnchanged(async () => dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, S.token)).joinFaceToFaceGroup, "BANNED", "joinFaceToFaceGroup");
    ok(dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, M1.token)).joinFaceToFaceGroup, "others still join");
  });

  it("unbanMember: owners, admins and the tenant key lift a ban; then every path is open again", async () => {
    const groupId = await groupWithSpammer();
    const code = await permanentCode(server, O, groupId);
    ok(await mutate(server, "removeMember", { groupId, userId: S.id, ban: true }, O.token));
    await refusedUnchanged(() => mutate(server, "unbanMember", { groupId, userId: S.id }, M1.token), "NOT_PERMITTED", "a plain member");
    await refusedUnchanged(() => mutate(server, "unbanMember", { groupId, userId: S.id }, X.token), "NOT_FOUND", "a non-member");
    await refusedUnchanged(() => mutate(server, "unbanMember", { groupId, userId: S.id }, other.apiKey), "NOT_FOUND", "another tenant's key");
    await refusedUnchanged(() => mutate(server, "unbanMember", { groupId, userId: other.users[0].id }, O.token), "NOT_FOUND", "another tenant's user");
    ok(await mutate(server, "unbanMember", { groupId, userId: S.id }, A.token));
    assert.equal((await bansOf(groupId, O.token)).totalCount, 0);
    const before = await snapshot(server);
    ok(await mutate(server, "unbanMember", { groupId, userId: S.id }, t.apiKey), "lifting a ban that is not there");
    assert.deepEqual(await snapshot(server), before, "changes nothing");
    const joined = ok(dataOf(await server.gql(JOIN_CODE, { input: { token: code.token } }, S.token)).joinGroupByCode);
    assert.equal(joined.member.user.id, S.id);
    // The tenant operator bans too (bannedBy null).
    ok(await mutate(server, "removeMember", { groupId, userId: S.id, ban: true }, t.apiKey));
    const bans = await bansOf(groupId, t.apiKey);
    assert.deepEqual(bans.edges.map((e: any) => [e.node.user.id, e.node.bannedBy]), [[S.id, null]]);
  });

  it("a ban is per group: the banned user joins the tenant's other groups", async () => {
    const g1 = await groupWithSpammer();
    const g2 = (await createGroup(server, O, [A, M1])).id;
    ok(await mutate(server, "removeMember", { groupId: g1, userId: S.id, ban: true }, O.token));
    const code = await permanentCode(server, O, g2);
    ok(dataOf(await server.gql(JOIN_CODE, { input: { token: code.token } }, S.token)).joinGroupByCode);
  });
});
