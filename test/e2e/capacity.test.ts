import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GroupMemberIdsDocument } from "../generated/graphql";
import { addContacts, createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup, mutate } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";

describe(`capacity is a database guarantee (${engine})`, () => {
  let server: TestServer;
  let t: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    t = await createTenant(server, { users: 310, allContacts: false, policyOverrides: { maxGroupSize: 20, directAddLimit: 10, codeJoinCap: 20, permanentCodeMaxMembers: 20, bulkActionThreshold: 1000 } });
    const [owner, ...rest] = t.users;
    await addContacts(server, t, rest.map((u) => [owner, u]));
  });
  after(() => server.close());

  it("300 concurrent acceptances for 10 free seats: exactly 10 join, the rest get GROUP_FULL", { timeout: 600_000 }, async () => {
    const [owner, ...rest] = t.users;
    const { id, group } = await createGroup(server, owner, rest.slice(0, 9));
    assert.equal(group.memberCount, 10);
    const invited = rest.slice(9, 309);
    const invitations = ok(await mutate(server, "inviteMembers", { groupId: id, userIds: invited.map((u) => u.id) }, owner.token)).invitations!;
    assert.equal(invitations.length, 300);

    const results = await Promise.all(
      invitations.map((invitation, i) => mutate(server, "respondToInvitation", { invitationId: invitation.id, accept: true }, invited[i].token)),
    );
    const joined = results.filter((p) => p.member);
    const refusals = results.filter((p) => !p.member).flatMap(codes);
    assert.equal(joined.length, 10);
    assert.equal(refusals.length, 290);
    assert.deepEqual([...new Set(refusals)], ["GROUP_FULL"]);

    const after = dataOf(await server.gql(GroupMemberIdsDocument, { id }, owner.token)).group!;
    assert.equal(after.memberCount, 20);
    assert.equal(after.members!.edges.length, 20);
    assert.equal(new Set(after.members!.edges.map((e) => e.node.user.id)).size, 20, "no duplicated membership");
    const rows = await server.sql("SELECT COUNT(*) AS n FROM group_members WHERE group_id IN (SELECT id FROM chat_groups WHERE name = 'Weekend hikers')");
    assert.equal(Number(rows[0].n), 20);
    const accepted = await server.sql("SELECT COUNT(*) AS n FROM invitations WHERE status = 'ACCEPTED'");
    assert.equal(Number(accepted[0].n), 10, "only the winners' invitations are accepted; the rest stay open");
    await assertCountsConsistent(server);
  });
});
