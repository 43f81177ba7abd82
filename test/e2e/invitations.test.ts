import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { GroupIdDocument, GroupStatusCountDocument, MyExpiredInvitationsDocument, MyInvitationGroupsDocument, MyInvitationsFullDocument } from "../generated/graphql";
import { createTenant, dataOf, errorCodes, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup, membersOf, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

describe("invitations, leaving and ownership hand-over", () => {
  const clock = new ManualClock(Date.parse("2026-04-01T00:00:00Z"));
  let server: TestServer;
  let t: FixtureTenant;
  let b: FixtureTenant;
  before(async () => {
    server = await startTestServer({ clock });
    // directAddLimit 4: the creator plus three are added directly, everyone after is invited.
    t = await createTenant(server, { users: 10, policyOverrides: { maxGroupSize: 8, directAddLimit: 4, codeJoinCap: 8, permanentCodeMaxMembers: 8 } });
    [, b] = await twoTenants(server, { users: 2 });
  });
  after(() => server.close());

  it("any member invites contacts: direct add below the limit, PENDING invitations beyond it", async () => {
    const [owner, m1, m2, m3, m4, m5] = t.users;
    const { id } = await createGroup(server, owner, [m1, m2]);
    const payload = ok(await mutate(server, "inviteMembers", { groupId: id, userIds: [m3.id, m4.id, m5.id, m1.id] }, m1.token));
    const invitations = payload.invitations!;
    assert.deepEqual(payload.added!.map((m) => [m.user.id, m.joinSource.kind, m.joinSource.inviter!.id]), [[m3.id, "DIRECT_ADD", m1.id]]);
    assert.deepEqual(invitations.map((i) => [i.invitee.id, i.status]), [[m4.id, "PENDING"], [m5.id, "PENDING"]]);
    assert.equal(payload.group!.memberCount, 4);

    // Inviting again returns the same open invitation, no duplicate.
    const again = ok(await mutate(server, "inviteMembers", { groupId: id, userIds: [m4.id] }, owner.token));
    assert.equal(again.invitations![0].id, invitations[0].id);

    // The invitee sees it, accepts it, and joins with source INVITATION and the original inviter.
    const mine = dataOf(await server.gql(MyInvitationsFullDocument, {}, m4.token)).myInvitations;
    assert.deepEqual(mine.edges.map((e) => [e.node.id, e.node.status, e.node.group!.id, e.node.inviter!.id]), [[invitations[0].id, "PENDING", id, m1.id]]);
    const accepted = ok(await mutate(server, "respondToInvitation", { invitationId: invitations[0].id, accept: true }, m4.token));
    assert.deepEqual(accepted.member!.joinSource, { kind: "INVITATION", inviter: { id: m1.id } });
    assert.equal(accepted.invitation!.status, "ACCEPTED");
    // Accepting twice is a no-op that returns the membership.
    const twice = ok(await mutate(server, "respondToInvitation", { invitationId: invitations[0].id, accept: true }, m4.token));
    assert.equal(twice.member!.user.id, m4.id);

    const declined = ok(await mutate(server, "respondToInvitation", { invitationId: invitations[1].id, accept: false }, m5.token));
    assert.equal(declined.invitation!.status, "DECLINED");
    assert.equal(declined.member, null);
    const late = await mutate(server, "respondToInvitation", { invitationId: invitations[1].id, accept: true }, m5.token);
    assert.deepEqual(codes(late), ["NOT_PERMITTED"]);
    await assertCountsConsistent(server);
  });

  it("only the invitee may respond; others get NOT_FOUND", async () => {
    const [owner, m1, m2, m3, m4, m5, m6] = t.users;
    const { invitations } = await createGroup(server, owner, [m1, m2, m3, m4, m5]);
    const invitationId = invitations[0].id;
    for (const token of [m6.token, owner.token, b.users[0].token]) {
      const payload = await mutate(server, "respondToInvitation", { invitationId, accept: true }, token);
      assert.deepEqual(codes(payload), ["NOT_FOUND"]);
    }
    assert.deepEqual(codes(await mutate(server, "respondToInvitation", { invitationId, accept: true }, t.apiKey)), ["NOT_PERMITTED"]);
  });

  it("invitations expire by the server's clock", async () => {
    const [owner, m1, m2, m3, m4] = t.users;
    const { invitations } = await createGroup(server, owner, [m1, m2, m3, m4]);
    clock.advance(7 * 24 * 3600_000 + 1);
    const before = await snapshot(server);
    const payload = await mutate(server, "respondToInvitation", { invitationId: invitations[0].id, accept: true }, m4.token);
    assert.deepEqual(codes(payload), ["NOT_PERMITTED"]);
    assert.match(payload.userErrors[0].message, /expired/);
    assert.deepEqual(await snapshot(server), before);
    const status = dataOf(await server.gql(MyExpiredInvitationsDocument, {}, m4.token)).myInvitations;
    assert.ok(status.edges.some((e) => e.node.id === invitations[0].id && e.node.status === "EXPIRED"));
  });

  it("GROUP_FULL at acceptance leaves the invitation open and the database unchanged", async () => {
    const [owner, m1, m2, m3, m4, m5, m6, m7, m8] = t.users;
    const { id, invitations } = await createGroup(server, owner, [m1, m2, m3, m4, m5, m6, m7]);
    assert.equal(invitations.length, 4);
    for (const [i, user] of [m4, m5, m6, m7].entries()) {
      ok(await mutate(server, "respondToInvitation", { invitationId: invitations[i].id, accept: true }, user.token));
    }
    // 8 of 8: the group is full. A new invitation cannot even be sent…
    assert.deepEqual(codes(await mutate(server, "inviteMembers", { groupId: id, userIds: [m8.id] }, owner.token)), ["GROUP_FULL"]);
    // …and one sent before the group filled up cannot be accepted.
    ok(await mutate(server, "removeMember", { groupId: id, userId: m7.id }, owner.token));
    const reinvite = ok(await mutate(server, "inviteMembers", { groupId: id, userIds: [m8.id] }, owner.token)).invitations![0];
    ok(await mutate(server, "inviteMembers", { groupId: id, userIds: [m7.id] }, owner.token));
    const m7Invite = dataOf(await server.gql(MyInvitationGroupsDocument, {}, m7.token)).myInvitations.edges.find((e) => e.node.group!.id === id)!.node;
    ok(await mutate(server, "respondToInvitation", { invitationId: m7Invite.id, accept: true }, m7.token));
    const before = await snapshot(server);
    const full = await mutate(server, "respondToInvitation", { invitationId: reinvite.id, accept: true }, m8.token);
    assert.deepEqual(codes(full), ["GROUP_FULL"]);
    assert.deepEqual(await snapshot(server), before);
    await assertCountsConsistent(server);
  });

  it("an owner who leaves hands over to the earliest-joined admin, else the earliest-joined member", async () => {
    const [owner, m1, m2, m3] = t.users;
    const { id } = await createGroup(server, owner, [m1, m2, m3]);
    ok(await mutate(server, "setMemberRole", { groupId: id, userId: m3.id, role: "ADMIN" }, owner.token));
    ok(await mutate(server, "setMemberRole", { groupId: id, userId: m2.id, role: "ADMIN" }, owner.token));
    // m2 joined before m3, so m2 is the earliest-joined admin (appointment order does not matter).
    assert.equal(ok(await mutate(server, "leaveGroup", { groupId: id }, owner.token)).group!.owner!.id, m2.id);
    ok(await mutate(server, "setMemberRole", { groupId: id, userId: m3.id, role: "MEMBER" }, m2.token));
    // No admins left: the earliest-joined member (m1) takes over.
    assert.equal(ok(await mutate(server, "leaveGroup", { groupId: id }, m2.token)).group!.owner!.id, m1.id);
    assert.deepEqual(await membersOf(server, id, m1.token), [
      [m1.id, "OWNER"],
      [m3.id, "MEMBER"],
    ]);
    // A member who left cannot see the group any more.
    assert.deepEqual(errorCodes(await server.gql(GroupIdDocument, { id }, owner.token)), ["NOT_FOUND"]);
  });

  it("the last member to leave dissolves the group", async () => {
    const [owner, m1, m2] = t.users;
    const { id } = await createGroup(server, owner, [m1, m2]);
    ok(await mutate(server, "leaveGroup", { groupId: id }, m1.token));
    ok(await mutate(server, "leaveGroup", { groupId: id }, owner.token));
    const last = ok(await mutate(server, "leaveGroup", { groupId: id }, m2.token));
    assert.deepEqual(last.group, { memberCount: 0, owner: null, status: "DISSOLVED" });
    const status = dataOf(await server.gql(GroupStatusCountDocument, { id }, t.apiKey)).group;
    assert.deepEqual(status, { status: "DISSOLVED", memberCount: 0 });
    await assertCountsConsistent(server);
  });

  it("records membership events in the group's history, in order, with no gaps", async () => {
    const [owner, m1, m2, m3] = t.users;
    const { id } = await createGroup(server, owner, [m1, m2]);
    ok(await mutate(server, "inviteMembers", { groupId: id, userIds: [m3.id] }, owner.token));
    ok(await mutate(server, "renameGroup", { groupId: id, name: "Renamed" }, owner.token));
    ok(await mutate(server, "setMemberRole", { groupId: id, userId: m1.id, role: "ADMIN" }, owner.token));
    ok(await mutate(server, "transferOwnership", { groupId: id, userId: m1.id }, owner.token));
    ok(await mutate(server, "removeMember", { groupId: id, userId: m2.id }, m1.token));
    ok(await mutate(server, "leaveGroup", { groupId: id }, m3.token));
    const rowId = Buffer.from(id, "base64url").toString().split(":")[1];
    const log = await server.sql<{ seq: number | string; kind: string }>("SELECT seq, kind FROM group_log WHERE group_id = ? ORDER BY seq", [rowId]);
    assert.deepEqual(
      log.map((r) => r.kind),
      ["GROUP_CREATED", "MEMBER_JOINED", "MEMBER_JOINED", "MEMBER_JOINED", "MEMBER_JOINED", "GROUP_RENAMED", "ROLE_CHANGED", "OWNERSHIP_TRANSFERRED", "MEMBER_REMOVED", "MEMBER_LEFT"],
    );
    assert.deepEqual(log.map((r) => Number(r.seq)), log.map((_: unknown, i: number) => i + 1));
  });
});
