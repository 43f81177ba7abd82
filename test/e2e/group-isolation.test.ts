import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, errorCodes, type FixtureTenant, twoTenants } from "../support/fixtures";
import { codes, createGroup, type MutationCall, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

describe("tenant isolation of groups", () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  let groupId: string;
  let invitationId: string;
  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 5, policyOverrides: { directAddLimit: 4 } });
    const created = await createGroup(server, a.users[0], a.users.slice(1));
    groupId = created.id;
    invitationId = created.invitations[0].id;
  });
  after(() => server.close());

  it("every group mutation with another tenant's group answers NOT_FOUND and changes nothing", async () => {
    const [, bUser] = b.users;
    const calls: MutationCall[] = [
      ["inviteMembers", { groupId, userIds: [bUser.id] }],
      ["removeMember", { groupId, userId: a.users[1].id }],
      ["leaveGroup", { groupId }],
      ["renameGroup", { groupId, name: "Taken over" }],
      ["setMuteNotifications", { groupId, muted: true }],
      ["setMemberRole", { groupId, userId: a.users[1].id, role: "ADMIN" }],
      ["transferOwnership", { groupId, userId: a.users[1].id }],
      ["dissolveGroup", { groupId }],
      ["respondToInvitation", { invitationId, accept: true }],
    ];
    for (const token of [b.users[0].token, b.apiKey]) {
      for (const [name, input] of calls) {
        const before = await snapshot(server);
        const payload = await mutate(server, name, input, token);
        const expected = token === b.apiKey && name === "respondToInvitation" ? "NOT_PERMITTED" : "NOT_FOUND";
        assert.deepEqual(codes(payload), [expected], `${name} as ${token === b.apiKey ? "tenant key" : "user"}`);
        assert.deepEqual(await snapshot(server), before, name);
      }
    }
  });

  it("another tenant's users are NOT_FOUND as targets inside one's own group", async () => {
    const [owner] = a.users;
    for (const [name, input] of [
      ["removeMember", { groupId, userId: b.users[1].id }],
      ["setMemberRole", { groupId, userId: b.users[1].id, role: "ADMIN" }],
      ["transferOwnership", { groupId, userId: b.users[1].id }],
      ["inviteMembers", { groupId, userIds: [b.users[1].id] }],
    ] as MutationCall[]) {
      const payload = await mutate(server, name, input, owner.token);
      assert.deepEqual(codes(payload), ["NOT_FOUND"], name);
    }
  });

  it("queries: group, node, members and invitations stay inside the tenant", async () => {
    for (const token of [b.users[0].token, b.apiKey]) {
      // group(id:): null with NOT_FOUND at its path, the rest of the request answered; node(id:): null, no error.
      // Exactly as for ids that never existed.
      const unknownGroup = Buffer.from(`Group:${randomUUID()}`).toString("base64url");
      const unknownInvitation = Buffer.from(`Invitation:${randomUUID()}`).toString("base64url");
      const GROUP = `query($id: ID!) { group(id: $id) { id name } viewer { __typename } }`;
      const foreign = await server.gql(GROUP, { id: groupId }, token);
      assert.equal(foreign.status, 200);
      assert.deepEqual(errorCodes(foreign), ["NOT_FOUND"]);
      assert.deepEqual(foreign.errors![0].path, ["group"]);
      assert.equal(foreign.data.group, null);
      const unknown = await server.gql(GROUP, { id: unknownGroup }, token);
      assert.deepEqual({ data: foreign.data, errors: foreign.errors, status: foreign.status }, { data: unknown.data, errors: unknown.errors, status: unknown.status });
      for (const [id, never] of [[groupId, unknownGroup], [invitationId, unknownInvitation]]) {
        const seen = await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, token);
        assert.equal(seen.status, 200);
        assert.equal(seen.errors, undefined);
        assert.deepEqual(seen.data, { node: null });
        const control = await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: never }, token);
        assert.deepEqual({ data: seen.data, errors: seen.errors }, { data: control.data, errors: control.errors });
      }
    }
    assert.equal(dataOf(await server.gql(`{ groups { totalCount } }`, {}, b.apiKey)).groups.totalCount, 0);
    assert.equal(dataOf(await server.gql(`{ groups { totalCount } }`, {}, a.apiKey)).groups.totalCount, 1);
    assert.equal(dataOf(await server.gql(`{ myGroups { totalCount } }`, {}, b.users[0].token)).myGroups.totalCount, 0);
    // The tenant operator reads its own groups' members; a non-member user of the same tenant does not.
    const members = dataOf(await server.gql(`query($id: ID!) { group(id: $id) { members { totalCount } } }`, { id: groupId }, a.apiKey)).group.members;
    assert.equal(members.totalCount, 4);
    const outsider = a.users[4];
    assert.deepEqual(errorCodes(await server.gql(`query($id: ID!) { group(id: $id) { id } }`, { id: groupId }, outsider.token)), ["NOT_FOUND"]);
    // The invitee sees the group's name through the invitation, not its members.
    const invited = dataOf(await server.gql(`{ myInvitations { edges { node { group { name members { totalCount } } } } } }`, {}, outsider.token)).myInvitations;
    assert.deepEqual(invited.edges[0].node.group, { name: "Weekend hikers", members: null });
  });
});
