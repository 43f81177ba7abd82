import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addContacts, createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup, mutate } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";

const INVITE = `mutation($input: InviteMembersInput!) { inviteMembers(input: $input) { joinRequests { id requester { id } } userErrors { code message field } } }`;
const ANSWER = `mutation($input: AnswerJoinRequestInput!) { answerJoinRequest(input: $input) { joinRequest { id status } member { user { id } } userErrors { code message field } } }`;

describe(`join-request approval is capped by the database (${engine})`, () => {
  let server: TestServer;
  let t: FixtureTenant;
  let other: FixtureTenant;
  before(
    async () => {
      server = await startTestServer();
      const overrides = { maxGroupSize: 20, directAddLimit: 10, codeJoinCap: 20, permanentCodeMaxMembers: 20, bulkActionThreshold: 1000 };
      t = await createTenant(server, { users: 311, allContacts: false, policyOverrides: overrides });
      other = await createTenant(server, { users: 3, policyOverrides: overrides });
      const [owner, admin, inviter, ...rest] = t.users;
      await addContacts(server, t, [...[admin, inviter, ...rest.slice(0, 7)].map((u) => [owner, u] as [typeof owner, typeof u]), ...rest.slice(7).map((u) => [inviter, u] as [typeof owner, typeof u])]);
    },
    { timeout: 600_000 },
  );
  after(() => server.close());

  it("300 concurrent approvals for 10 free seats: exactly 10 join, the rest get GROUP_FULL and stay pending", { timeout: 600_000 }, async () => {
    const [owner, admin, inviter, ...rest] = t.users;
    const { id } = await createGroup(server, owner, [admin, inviter, ...rest.slice(0, 7)]);
    ok(await mutate(server, "setMemberRole", { groupId: id, userId: admin.id, role: "ADMIN" }, owner.token));
    ok(await mutate(server, "updateGroupSettings", { groupId: id, joinApproval: true }, owner.token));
    const invitees = rest.slice(7, 307);
    const { joinRequests } = ok(dataOf(await server.gql(INVITE, { input: { groupId: id, userIds: invitees.map((u) => u.id) } }, inviter.token)).inviteMembers);
    assert.equal(joinRequests.length, 300);

    // Owner and admin answer at once, half each.
    const results = await Promise.all(
      joinRequests.map(async (request: any, i: number) =>
        dataOf(await server.gql(ANSWER, { input: { joinRequestId: request.id, approve: true } }, (i % 2 ? admin : owner).token)).answerJoinRequest,
      ),
    );
    const joined = results.filter((p) => p.member);
    const refusals = results.filter((p) => !p.member).flatMap(codes);
    assert.equal(joined.length, 10);
    assert.equal(refusals.length, 290);
    assert.deepEqual([...new Set(refusals)], ["GROUP_FULL"]);

    const group = dataOf(await server.gql(`query($id: ID!) { group(id: $id) { memberCount members(first: 100) { edges { node { user { id } } } } joinRequests(first: 1) { totalCount } } }`, { id }, owner.token)).group;
    assert.equal(group.memberCount, 20);
    assert.equal(new Set(group.members.edges.map((e: any) => e.node.user.id)).size, 20, "no duplicated membership");
    assert.equal(group.joinRequests.totalCount, 290, "the refused requests stay pending");
    const approved = await server.sql("SELECT COUNT(*) AS n FROM join_requests WHERE status = 'APPROVED'");
    assert.equal(Number(approved[0].n), 10);
    await assertCountsConsistent(server);
    // The other tenant's users and key cannot answer what is left.
    const left = joinRequests.find((r: any) => !joined.some((j) => j.joinRequest.id === r.id));
    for (const bearer of [other.apiKey, other.users[0].token]) {
      assert.deepEqual(codes(dataOf(await server.gql(ANSWER, { input: { joinRequestId: left.id, approve: true } }, bearer)).answerJoinRequest), ["NOT_FOUND"]);
    }
  });
});
