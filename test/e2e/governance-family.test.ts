import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, membersOf, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const SPLIT = `mutation($input: SplitGroupInput!) { splitGroup(input: $input) { coreGroup { id } subGroups { id } userErrors { code message field } } }`;
const FAMILY = `query($id: ID!) { group(id: $id) { family { core { id } subGroups { id } } } }`;

/** A core group and its sub-groups act as one: admin changes in the core reach every sub-group; Group.family. Two tenants. */
describe("core group and sub-groups", () => {
  let server: TestServer;
  let t: FixtureTenant;
  let other: FixtureTenant;
  let O: FixtureUser, A: FixtureUser, M: FixtureUser[];
  let core: string;
  let subs: string[];

  before(async () => {
    server = await startTestServer();
    [t, other] = await twoTenants(server, { users: 10 });
    [O, A, ...M] = t.users;
    core = (await createGroup(server, O, [A, ...M.slice(0, 7)])).id;
    ok(await mutate(server, "setMemberRole", { groupId: core, userId: A.id, role: "ADMIN" }, O.token));
    const split = ok(dataOf(await server.gql(SPLIT, { input: { groupId: core, maxMembersPerGroup: 4 } }, O.token)).splitGroup);
    subs = split.subGroups.map((s: any) => s.id);
    assert.ok(subs.length >= 2);
  });
  after(() => server.close());

  const roleIn = async (groupId: string, user: FixtureUser) => new Map(await membersOf(server, groupId, O.token)).get(user.id);

  it("Group.family names the core and its sub-groups, from any of them", async () => {
    for (const id of [core, ...subs]) {
      assert.deepEqual(dataOf(await server.gql(FAMILY, { id }, O.token)).group.family, { core: { id: core }, subGroups: subs.map((s) => ({ id: s })) });
    }
    const lone = (await createGroup(server, O, [A, M[0]])).id;
    assert.deepEqual(dataOf(await server.gql(FAMILY, { id: lone }, O.token)).group.family, { core: { id: lone }, subGroups: [] });
  });

  it("revoking an admin in the core revokes them in every sub-group; appointing again appoints everywhere", async () => {
    for (const id of subs) assert.equal(await roleIn(id, A), "ADMIN", "split made the core's admins admins of every sub-group");
    ok(await mutate(server, "setMemberRole", { groupId: core, userId: A.id, role: "MEMBER" }, O.token));
    for (const id of [core, ...subs]) assert.equal(await roleIn(id, A), "MEMBER");
    ok(await mutate(server, "setMemberRole", { groupId: core, userId: A.id, role: "ADMIN" }, O.token));
    for (const id of [core, ...subs]) assert.equal(await roleIn(id, A), "ADMIN");
  });

  it("appointing in the core reaches the sub-groups the person belongs to, and only those; a sub-group's own changes stay there", async () => {
    const coreMember = (await membersOf(server, core, O.token)).find(([, role]) => role === "MEMBER")![0];
    const person = t.users.find((u) => u.id === coreMember)!;
    ok(await mutate(server, "inviteMembers", { groupId: subs[0], userIds: [person.id] }, O.token));
    ok(await mutate(server, "setMemberRole", { groupId: core, userId: person.id, role: "ADMIN" }, O.token));
    assert.equal(await roleIn(subs[0], person), "ADMIN");
    assert.equal(await roleIn(subs[1], person), undefined, "not in the other sub-group: nothing there");
    const subMember = (await membersOf(server, subs[1], O.token)).find(([, role]) => role === "MEMBER")![0];
    ok(await mutate(server, "setMemberRole", { groupId: subs[1], userId: subMember, role: "ADMIN" }, O.token));
    assert.equal(new Map(await membersOf(server, core, O.token)).get(subMember), undefined, "a sub-group's admin is not the core's");
    ok(await mutate(server, "setMemberRole", { groupId: core, userId: person.id, role: "MEMBER" }, O.token));
    assert.equal(await roleIn(subs[0], person), "MEMBER");
  });

  it("ADMIN_LIMIT_REACHED when a sub-group the person is in has no admin seat left; nothing changes anywhere", async () => {
    const inSub = (await membersOf(server, subs[0], O.token)).filter(([, role]) => role === "MEMBER").map(([id]) => id);
    const coreOnly = (await membersOf(server, core, O.token)).filter(([, role]) => role === "MEMBER").map(([id]) => id);
    const person = coreOnly.find((id) => inSub.includes(id)) ?? coreOnly[0];
    if (!inSub.includes(person)) ok(await mutate(server, "inviteMembers", { groupId: subs[0], userIds: [person] }, O.token));
    const fill = (await membersOf(server, subs[0], O.token)).filter(([id, role]) => role === "MEMBER" && id !== person).map(([id]) => id);
    let admins = (await membersOf(server, subs[0], O.token)).filter(([, role]) => role === "ADMIN").length;
    for (const id of fill) {
      if (admins >= 3) break;
      ok(await mutate(server, "setMemberRole", { groupId: subs[0], userId: id, role: "ADMIN" }, O.token));
      admins++;
    }
    assert.equal(admins, 3, "maxAdmins 3 on the personal plan");
    const before = await snapshot(server);
    const payload = await mutate(server, "setMemberRole", { groupId: core, userId: person, role: "ADMIN" }, O.token);
    assert.deepEqual(codes(payload), ["ADMIN_LIMIT_REACHED"]);
    assert.deepEqual(await snapshot(server), before);
  });

  it("another tenant sees no family (NOT_FOUND)", async () => {
    assert.equal((await server.gql(FAMILY, { id: core }, other.users[0].token)).data?.group ?? null, null);
  });
});
