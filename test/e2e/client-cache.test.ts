import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { dataOf, errorCodes, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { createGroup, mutate } from "../support/groups";
import { engine, serverMode, startTestServer, type TestServer } from "../support/server";

/*
 * What Apollo Client and Relay need to normalise the graph: every object with an id, `node(id:)`
 * answering null (not an error) for an id it cannot resolve, and one missing group not blanking the
 * rest of a response.
 */
const MEMBERS = `query($id: ID!) { group(id: $id) { id members(first: 10) { edges { node { id role user { id } group { id name } } } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Member { role user { id } group { id } } } }`;

describe(`client caches: ids, node(id:) and partial answers (${engine}, ${serverMode})`, () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  let groupId: string;
  let memberIds: Map<string, string>;

  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 5 });
    groupId = (await createGroup(server, a.users[0], [a.users[1], a.users[2]])).id;
    const edges = dataOf(await server.gql(MEMBERS, { id: groupId }, a.users[0].token)).group.members.edges;
    memberIds = new Map(edges.map((e: any) => [e.node.user.id, e.node.id]));
  });
  after(() => server.close());

  it("a Member has its own opaque global id and its group", async () => {
    const edges = dataOf(await server.gql(MEMBERS, { id: groupId }, a.users[1].token)).group.members.edges;
    assert.equal(edges.length, 3);
    const ids = edges.map((e: any) => e.node.id);
    assert.equal(new Set(ids).size, 3, "one id per membership");
    for (const edge of edges) {
      assert.equal(edge.node.id, memberIds.get(edge.node.user.id), "the same id whoever reads it");
      assert.notEqual(edge.node.id, edge.node.user.id, "not the user's id");
      assert.notEqual(edge.node.id, groupId, "not the group's id");
      assert.deepEqual(edge.node.group, { id: groupId, name: "Weekend hikers" });
      assert.match(edge.node.id, /^[A-Za-z0-9_-]+$/);
    }
  });

  it("a role change reaches a cached member list: the mutation's member carries the list entry's id", async () => {
    const target = a.users[1];
    const payload = ok(
      dataOf(
        await server.gql(
          `mutation($input: SetMemberRoleInput!) { setMemberRole(input: $input) { member { id role group { id } } userErrors { code message field } } }`,
          { input: { groupId, userId: target.id, role: "ADMIN" } },
          a.users[0].token,
        ),
      ).setMemberRole,
    );
    assert.deepEqual(payload.member, { id: memberIds.get(target.id), role: "ADMIN", group: { id: groupId } });
    const again = dataOf(await server.gql(NODE, { id: memberIds.get(target.id) }, a.users[2].token)).node;
    assert.deepEqual(again, { __typename: "Member", id: memberIds.get(target.id), role: "ADMIN", user: { id: target.id }, group: { id: groupId } });
    ok(await mutate(server, "setMemberRole", { groupId, userId: target.id, role: "MEMBER" }, a.users[0].token));
  });

  it("node(id:) resolves a Member for whoever may see the group's members, and is null for anyone else", async () => {
    const id = memberIds.get(a.users[2].id)!;
    for (const token of [a.users[0].token, a.users[2].token, a.apiKey]) {
      assert.equal(dataOf(await server.gql(NODE, { id }, token)).node.id, id);
    }
    const unknown = Buffer.from(`Member:${randomUUID()}:${randomUUID()}`).toString("base64url");
    const malformed = Buffer.from(`Member:${randomUUID()}`).toString("base64url");
    // A user of the tenant outside the group; the other tenant's user and key.
    for (const token of [a.users[3].token, b.users[0].token, b.apiKey]) {
      for (const probe of [id, unknown, malformed]) {
        const response = await server.gql(NODE, { id: probe }, token);
        assert.equal(response.status, 200);
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        assert.deepEqual(response.data, { node: null });
      }
    }
  });

  it("node(id:) with one unknown id answers the rest of the request (Relay)", async () => {
    const response = await server.gql(
      `query($bad: ID!, $good: ID!) { missing: node(id: $bad) { id } found: node(id: $good) { id } viewer { id } }`,
      { bad: Buffer.from(`Group:${randomUUID()}`).toString("base64url"), good: groupId },
      a.users[0].token,
    );
    assert.equal(response.status, 200);
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data, { missing: null, found: { id: groupId }, viewer: { id: a.users[0].id } });
  });

  it("group(id:) of an unknown or foreign id is null with NOT_FOUND at its path; the other fields are answered", async () => {
    const DOC = `query($id: ID!, $own: ID!) { group(id: $id) { id name } mine: group(id: $own) { id } viewer { id } }`;
    const foreign = groupId; // tenant A's group, asked for by tenant B
    const unknown = Buffer.from(`Group:${randomUUID()}`).toString("base64url");
    const ownOfB = (await createGroup(server, b.users[0], [b.users[1], b.users[2]])).id;
    const answers = [];
    for (const id of [foreign, unknown, "not-an-id"]) {
      const response = await server.gql(DOC, { id, own: ownOfB }, b.users[0].token);
      assert.equal(response.status, 200);
      assert.deepEqual(errorCodes(response), ["NOT_FOUND"]);
      assert.deepEqual(response.errors![0].path, ["group"]);
      assert.deepEqual(response.data, { group: null, mine: { id: ownOfB }, viewer: { id: b.users[0].id } });
      answers.push({ data: response.data, errors: response.errors });
    }
    assert.deepEqual(answers[0], answers[1], "a foreign id is answered exactly like an unknown one");
  });
});
