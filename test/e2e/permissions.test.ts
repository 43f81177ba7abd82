import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { MyGroupsAllDocument, ViewerMutedDocument } from "../generated/graphql";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "../support/fixtures";
import { codes, createGroup, type MutationInput, type MutationName, membersOf, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

/**
 * The permission matrix of the contract, cell by cell. Every test starts from a fresh group:
 * owner O, admins A1 and A2, members M1 and M2 (maxAdmins = 3 on the personal plan).
 */
describe("permission matrix", () => {
  let server: TestServer;
  let t: FixtureTenant;
  let other: FixtureTenant;
  let O: FixtureUser, A1: FixtureUser, A2: FixtureUser, M1: FixtureUser, M2: FixtureUser, X: FixtureUser;
  let groupId: string;

  before(async () => {
    server = await startTestServer();
    t = await createTenant(server, { users: 7, policyOverrides: { dailyGroupCreationLimit: 1000 } });
    other = await createTenant(server, { users: 2 });
    [O, A1, A2, M1, M2, X] = t.users;
  });
  after(() => server.close());

  beforeEach(async () => {
    groupId = (await createGroup(server, O, [A1, A2, M1, M2])).id;
    for (const admin of [A1, A2]) ok(await mutate(server, "setMemberRole", { groupId, userId: admin.id, role: "ADMIN" }, O.token));
  });

  async function refusedUnchanged<N extends Exclude<MutationName, "createGroup" | "respondToInvitation">>(name: N, input: Omit<MutationInput<N>, "groupId">, token: string, code: string) {
    const before = await snapshot(server);
    const payload: { userErrors: Array<{ code: string }> } = await mutate(server, name, { groupId, ...input } as MutationInput<N>, token);
    assert.deepEqual(codes(payload), [code], `${name} ${JSON.stringify(payload.userErrors)}`);
    assert.deepEqual(await snapshot(server), before, `${name} refused with ${code} changed nothing`);
  }

  const roleOf = async (user: FixtureUser) => new Map(await membersOf(server, groupId, O.token)).get(user.id);

  describe("remove", () => {
    it("OWNER removes an admin and a member", async () => {
      ok(await mutate(server, "removeMember", { groupId, userId: A1.id }, O.token));
      const payload = ok(await mutate(server, "removeMember", { groupId, userId: M1.id }, O.token));
      assert.equal(payload.group!.memberCount, 3);
      assert.equal(await roleOf(A1), undefined);
    });
    it("OWNER cannot remove self", () => refusedUnchanged("removeMember", { userId: O.id }, O.token, "NOT_PERMITTED"));
    it("ADMIN removes a MEMBER", async () => {
      ok(await mutate(server, "removeMember", { groupId, userId: M1.id }, A1.token));
      assert.equal(await roleOf(M1), undefined);
    });
    it("ADMIN removes another ADMIN (adminsMayRemoveAdmins, every standard plan)", async () => {
      ok(await mutate(server, "removeMember", { groupId, userId: A2.id }, A1.token));
      assert.equal(await roleOf(A2), undefined);
    });
    it("ADMIN cannot remove another ADMIN where the policy's adminsMayRemoveAdmins is false", async () => {
      const strict = await createTenant(server, { users: 5, policyOverrides: { adminsMayRemoveAdmins: false } });
      const [o, a1, a2, m1] = strict.users;
      const id = (await createGroup(server, o, [a1, a2, m1])).id;
      for (const admin of [a1, a2]) ok(await mutate(server, "setMemberRole", { groupId: id, userId: admin.id, role: "ADMIN" }, o.token));
      const before = await snapshot(server);
      assert.deepEqual(codes(await mutate(server, "removeMember", { groupId: id, userId: a2.id }, a1.token)), ["NOT_PERMITTED"]);
      assert.deepEqual(await snapshot(server), before, "the refusal changed nothing");
      ok(await mutate(server, "removeMember", { groupId: id, userId: m1.id }, a1.token), "plain members still");
      ok(await mutate(server, "removeMember", { groupId: id, userId: a2.id }, o.token), "the owner still removes admins");
    });
    it("ADMIN cannot remove the OWNER", () => refusedUnchanged("removeMember", { userId: O.id }, A1.token, "NOT_PERMITTED"));
    it("MEMBER cannot remove anyone", () => refusedUnchanged("removeMember", { userId: M2.id }, M1.token, "NOT_PERMITTED"));
    it("removing a non-member is NOT_A_MEMBER", () => refusedUnchanged("removeMember", { userId: X.id }, O.token, "NOT_A_MEMBER"));
    it("a non-member caller gets NOT_FOUND", () => refusedUnchanged("removeMember", { userId: M1.id }, X.token, "NOT_FOUND"));
    it("the tenant operator removes anyone; removing the owner hands ownership over", async () => {
      const payload = ok(await mutate(server, "removeMember", { groupId, userId: O.id }, t.apiKey));
      assert.equal(payload.group!.owner!.id, A1.id, "earliest-joined admin");
    });
  });

  describe("rename", () => {
    it("OWNER renames", async () => {
      assert.equal(ok(await mutate(server, "renameGroup", { groupId, name: "By owner" }, O.token)).group!.name, "By owner");
    });
    it("ADMIN renames", async () => {
      assert.equal(ok(await mutate(server, "renameGroup", { groupId, name: "By admin" }, A1.token)).group!.name, "By admin");
    });
    it("MEMBER cannot rename", () => refusedUnchanged("renameGroup", { name: "By member" }, M1.token, "NOT_PERMITTED"));
    it("the tenant operator cannot rename (it is no member)", () => refusedUnchanged("renameGroup", { name: "By tenant" }, t.apiKey, "NOT_PERMITTED"));
    it("an invalid name is INVALID_INPUT", () => refusedUnchanged("renameGroup", { name: "" }, O.token, "INVALID_INPUT"));
  });

  describe("mute own notifications", () => {
    for (const who of ["OWNER", "ADMIN", "MEMBER"] as const) {
      it(`${who} mutes and unmutes`, async () => {
        const user = { OWNER: O, ADMIN: A1, MEMBER: M1 }[who];
        assert.equal(ok(await mutate(server, "setMuteNotifications", { groupId, muted: true }, user.token)).member!.mutedNotifications, true);
        const mine = dataOf(await server.gql(ViewerMutedDocument, { id: groupId }, user.token));
        assert.equal(mine.group!.viewerMembership!.mutedNotifications, true);
        const others = dataOf(await server.gql(ViewerMutedDocument, { id: groupId }, M2.token));
        assert.equal(others.group!.viewerMembership!.mutedNotifications, false, "muting is per member");
        assert.equal(ok(await mutate(server, "setMuteNotifications", { groupId, muted: false }, user.token)).member!.mutedNotifications, false);
      });
    }
    it("a non-member gets NOT_FOUND", () => refusedUnchanged("setMuteNotifications", { muted: true }, X.token, "NOT_FOUND"));
  });

  describe("appoint / revoke admin", () => {
    it("OWNER appoints up to maxAdmins, then ADMIN_LIMIT_REACHED", async () => {
      assert.equal(ok(await mutate(server, "setMemberRole", { groupId, userId: M1.id, role: "ADMIN" }, O.token)).member!.role, "ADMIN");
      await refusedUnchanged("setMemberRole", { userId: M2.id, role: "ADMIN" }, O.token, "ADMIN_LIMIT_REACHED");
    });
    it("OWNER revokes an admin", async () => {
      assert.equal(ok(await mutate(server, "setMemberRole", { groupId, userId: A1.id, role: "MEMBER" }, O.token)).member!.role, "MEMBER");
      assert.equal(await roleOf(A1), "MEMBER");
    });
    it("setting the role someone already has changes nothing", async () => {
      const before = await snapshot(server);
      ok(await mutate(server, "setMemberRole", { groupId, userId: A1.id, role: "ADMIN" }, O.token));
      assert.deepEqual(await snapshot(server), before);
    });
    it("ADMIN cannot appoint", () => refusedUnchanged("setMemberRole", { userId: M1.id, role: "ADMIN" }, A1.token, "NOT_PERMITTED"));
    it("ADMIN cannot revoke", () => refusedUnchanged("setMemberRole", { userId: A2.id, role: "MEMBER" }, A1.token, "NOT_PERMITTED"));
    it("MEMBER cannot appoint", () => refusedUnchanged("setMemberRole", { userId: M2.id, role: "ADMIN" }, M1.token, "NOT_PERMITTED"));
    it("the owner's own role cannot be set", () => refusedUnchanged("setMemberRole", { userId: O.id, role: "MEMBER" }, O.token, "NOT_PERMITTED"));
    it("a non-member target is NOT_A_MEMBER", () => refusedUnchanged("setMemberRole", { userId: X.id, role: "ADMIN" }, O.token, "NOT_A_MEMBER"));
  });

  describe("mute members (禁言)", () => {
    const until = () => new Date(Date.now() + 3600_000).toISOString();
    it("OWNER mutes an admin and a member, and unmutes them", async () => {
      for (const target of [A1, M1]) {
        const payload = ok(await mutate(server, "muteMember", { groupId, userId: target.id, until: until() }, O.token));
        assert.ok(payload.member.mutedUntil);
        assert.equal(ok(await mutate(server, "unmuteMember", { groupId, userId: target.id }, O.token)).member.mutedUntil, null);
      }
    });
    it("OWNER cannot mute self", () => refusedUnchanged("muteMember", { userId: O.id, until: until() }, O.token, "NOT_PERMITTED"));
    it("ADMIN mutes and unmutes a MEMBER", async () => {
      ok(await mutate(server, "muteMember", { groupId, userId: M1.id, until: until() }, A1.token));
      ok(await mutate(server, "unmuteMember", { groupId, userId: M1.id }, A1.token));
    });
    it("ADMIN cannot mute another ADMIN", () => refusedUnchanged("muteMember", { userId: A2.id, until: until() }, A1.token, "NOT_PERMITTED"));
    it("ADMIN cannot mute the OWNER", () => refusedUnchanged("muteMember", { userId: O.id, until: until() }, A1.token, "NOT_PERMITTED"));
    it("ADMIN cannot unmute an ADMIN the owner muted", async () => {
      ok(await mutate(server, "muteMember", { groupId, userId: A2.id, until: until() }, O.token));
      await refusedUnchanged("unmuteMember", { userId: A2.id }, A1.token, "NOT_PERMITTED");
    });
    it("MEMBER cannot mute", () => refusedUnchanged("muteMember", { userId: M2.id, until: until() }, M1.token, "NOT_PERMITTED"));
    it("MEMBER cannot unmute", async () => {
      ok(await mutate(server, "muteMember", { groupId, userId: M2.id, until: until() }, O.token));
      await refusedUnchanged("unmuteMember", { userId: M2.id }, M1.token, "NOT_PERMITTED");
    });
    it("the tenant operator mutes anyone", async () => {
      ok(await mutate(server, "muteMember", { groupId, userId: O.id, until: until() }, t.apiKey));
    });
    it("a mute end in the past is INVALID_INPUT", () => refusedUnchanged("muteMember", { userId: M1.id, until: new Date(Date.now() - 1000).toISOString() }, O.token, "INVALID_INPUT"));
    it("a non-member target is NOT_A_MEMBER", () => refusedUnchanged("muteMember", { userId: X.id, until: until() }, O.token, "NOT_A_MEMBER"));
    it("a non-member caller gets NOT_FOUND", () => refusedUnchanged("muteMember", { userId: M1.id, until: until() }, X.token, "NOT_FOUND"));
  });

  describe("group settings", () => {
    for (const who of ["OWNER", "ADMIN"] as const) {
      it(`${who} changes them`, async () => {
        const user = { OWNER: O, ADMIN: A1 }[who];
        const payload = ok(await mutate(server, "updateGroupSettings", { groupId, joinApproval: true, muteAll: true, welcomeMessage: "Hi %NICKNAME%" }, user.token));
        assert.deepEqual(payload.group.settings, { joinApproval: true, muteAll: true, welcomeMessage: "Hi %NICKNAME%" });
      });
    }
    it("MEMBER cannot", () => refusedUnchanged("updateGroupSettings", { muteAll: true }, M1.token, "NOT_PERMITTED"));
    it("the tenant operator cannot (it is no member)", () => refusedUnchanged("updateGroupSettings", { muteAll: true }, t.apiKey, "NOT_PERMITTED"));
    it("a non-member gets NOT_FOUND", () => refusedUnchanged("updateGroupSettings", { muteAll: true }, X.token, "NOT_FOUND"));
  });

  describe("transfer ownership", () => {
    it("OWNER transfers to an ADMIN and becomes a MEMBER", async () => {
      assert.equal(ok(await mutate(server, "transferOwnership", { groupId, userId: A2.id }, O.token)).group!.owner!.id, A2.id);
      assert.equal(await roleOf(O), "MEMBER");
      assert.equal(await roleOf(A2), "OWNER");
    });
    it("OWNER cannot transfer to a plain MEMBER (TARGET_NOT_ADMIN)", () => refusedUnchanged("transferOwnership", { userId: M1.id }, O.token, "TARGET_NOT_ADMIN"));
    it("OWNER cannot transfer to a non-member", () => refusedUnchanged("transferOwnership", { userId: X.id }, O.token, "NOT_A_MEMBER"));
    it("ADMIN cannot transfer", () => refusedUnchanged("transferOwnership", { userId: A2.id }, A1.token, "NOT_PERMITTED"));
    it("MEMBER cannot transfer", () => refusedUnchanged("transferOwnership", { userId: A1.id }, M1.token, "NOT_PERMITTED"));
    it("the tenant operator cannot transfer", () => refusedUnchanged("transferOwnership", { userId: A1.id }, t.apiKey, "NOT_PERMITTED"));
  });

  describe("dissolve", () => {
    it("OWNER dissolves; afterwards every operation answers GROUP_DISSOLVED", async () => {
      const payload = ok(await mutate(server, "dissolveGroup", { groupId }, O.token));
      assert.deepEqual(payload.group, { status: "DISSOLVED", memberCount: 0 });
      const rows = await server.sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM group_members WHERE group_id IN (SELECT id FROM chat_groups WHERE status = 'DISSOLVED')");
      assert.equal(Number(rows[0].n), 0);
      const dissolved = await mutate(server, "dissolveGroup", { groupId }, t.apiKey);
      assert.deepEqual(codes(dissolved), ["GROUP_DISSOLVED"]);
      const rename = await mutate(server, "renameGroup", { groupId, name: "Again" }, O.token);
      assert.deepEqual(codes(rename), ["GROUP_DISSOLVED"], "former members learn why");
      const mine = dataOf(await server.gql(MyGroupsAllDocument, {}, M1.token)).myGroups;
      assert.ok(!mine.edges.some((e) => e.node.id === groupId), "a dissolved group leaves everyone's list");
    });
    it("ADMIN cannot dissolve", () => refusedUnchanged("dissolveGroup", {}, A1.token, "NOT_PERMITTED"));
    it("MEMBER cannot dissolve", () => refusedUnchanged("dissolveGroup", {}, M1.token, "NOT_PERMITTED"));
    it("the tenant operator dissolves", async () => {
      assert.equal(ok(await mutate(server, "dissolveGroup", { groupId }, t.apiKey)).group!.status, "DISSOLVED");
    });
    it("another tenant's key gets NOT_FOUND", () => refusedUnchanged("dissolveGroup", {}, other.apiKey, "NOT_FOUND"));
  });
});
