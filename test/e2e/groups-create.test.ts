import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { type CreateGroupInput, CreatedGroupMembersDocument, GroupCreationRiskEventsDocument, MyGroupIdsDocument, QualifyTenantDocument, UpsertLonerDocument } from "../generated/graphql";
import { createTenant, dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, membersOf, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const HOUR = 3600_000;

describe("createGroup", () => {
  const clock = new ManualClock(Date.parse("2026-03-01T08:00:00Z"));
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  before(async () => {
    server = await startTestServer({ clock });
    [a, b] = await twoTenants(server, { users: 6 });
  });
  after(() => server.close());

  /** Asserts a createGroup refusal with one code and no change anywhere in the database. */
  async function refused(token: string, input: Partial<CreateGroupInput> & Pick<CreateGroupInput, "memberIds">, code: string, except: string[] = []) {
    const before = await snapshot(server, except);
    const payload = await mutate(server, "createGroup", { name: "Book club", ...input }, token);
    assert.deepEqual(codes(payload), [code], JSON.stringify(payload.userErrors));
    assert.equal(payload.group, null);
    assert.deepEqual(await snapshot(server, except), before, `${code} left the database unchanged`);
    return payload;
  }

  it("makes the caller OWNER and records every member's join source", async () => {
    const [owner, m1, m2] = a.users;
    const { id, group, invitations } = await createGroup(server, owner, [m1, m2], { name: "  Family  " });
    assert.equal(group.name, "Family");
    assert.equal(group.status, "ACTIVE");
    assert.equal(group.category, "GENERAL");
    assert.equal(group.memberCount, 3);
    assert.equal(group.maxMembers, 100);
    assert.equal(group.owner!.id, owner.id);
    assert.deepEqual(group.viewerMembership, { role: "OWNER" });
    assert.deepEqual(invitations, []);
    const data = dataOf(
      await server.gql(CreatedGroupMembersDocument, { id }, m1.token),
    );
    const members = data.group!.members!;
    assert.equal(members.totalCount, 3);
    assert.deepEqual(
      members.edges.map((e) => [e.node.user.id, e.node.role, e.node.joinSource.kind, e.node.joinSource.inviter?.id ?? null]),
      [
        [owner.id, "OWNER", "CREATOR", null],
        [m1.id, "MEMBER", "DIRECT_ADD", owner.id],
        [m2.id, "MEMBER", "DIRECT_ADD", owner.id],
      ],
    );
    assert.equal(members.edges[0].node.joinedAt, new Date(clock.now()).toISOString());
    const mine = dataOf(await server.gql(MyGroupIdsDocument, {}, m2.token)).myGroups;
    assert.ok(mine.edges.some((e) => e.node.id === id));
  });

  it("TOO_FEW_MEMBERS: the creator plus at least two others (duplicates and self do not count)", async () => {
    const [owner, m1] = a.users;
    await refused(owner.token, { memberIds: [m1.id] }, "TOO_FEW_MEMBERS");
    await refused(owner.token, { memberIds: [m1.id, m1.id, owner.id] }, "TOO_FEW_MEMBERS");
    await refused(owner.token, { memberIds: [] }, "TOO_FEW_MEMBERS");
  });

  it("NOT_A_CONTACT: every member must be the creator's contact", async () => {
    const [owner, m1] = a.users;
    const extra = ok(dataOf(await server.gql(UpsertLonerDocument, {}, a.apiKey)).upsertUsers).users![0];
    await refused(owner.token, { memberIds: [m1.id, extra.id] }, "NOT_A_CONTACT");
  });

  it("NOT_FOUND: unknown, malformed or foreign member ids", async () => {
    const [owner, m1, m2] = a.users;
    const payload = await refused(owner.token, { memberIds: [m1.id, m2.id, b.users[0].id] }, "NOT_FOUND");
    assert.deepEqual(payload.userErrors[0].field, ["input", "memberIds", "2"]);
    await refused(owner.token, { memberIds: [m1.id, "garbage", m2.id] }, "NOT_FOUND");
  });

  it("INVALID_INPUT: empty and 10,000-character names", async () => {
    const [owner, m1, m2] = a.users;
    for (const name of ["", "  ", "n".repeat(10_000), "tab\tname"]) {
      const payload = await refused(owner.token, { name, memberIds: [m1.id, m2.id] }, "INVALID_INPUT");
      assert.deepEqual(payload.userErrors[0].field, ["input", "name"]);
    }
  });

  it("GROUP_FULL: more than maxGroupSize people in total", async () => {
    const small = await createTenant(server, { users: 5, policyOverrides: { maxGroupSize: 4, directAddLimit: 4, codeJoinCap: 4, permanentCodeMaxMembers: 4 } });
    const [owner, ...rest] = small.users;
    await refused(owner.token, { memberIds: rest.map((u) => u.id) }, "GROUP_FULL");
    const ok3 = await createGroup(server, owner, rest.slice(0, 3));
    assert.equal(ok3.group.memberCount, 4);
    assert.equal(ok3.group.maxMembers, 4);
  });

  it("beyond directAddLimit (owner counted) members get PENDING invitations", async () => {
    const t = await createTenant(server, { users: 8, policyOverrides: { directAddLimit: 4 } });
    const [owner, ...rest] = t.users;
    const { id, group, invitations } = await createGroup(server, owner, rest);
    assert.equal(group.memberCount, 4);
    assert.deepEqual(
      invitations.map((i) => [i.invitee.id, i.status]),
      rest.slice(3).map((u) => [u.id, "PENDING"]),
    );
    assert.deepEqual((await membersOf(server, id, owner.token)).map(([uid]) => uid), [owner.id, ...rest.slice(0, 3).map((u) => u.id)]);
  });

  it("COMPLIANCE_REQUIRED: financial groups need a licence, education groups minor protection, enterprise plans data-usage rules", async () => {
    const [owner, m1, m2] = a.users;
    const members = [m1.id, m2.id];
    const financial = await refused(owner.token, { memberIds: members, category: "FINANCIAL" }, "COMPLIANCE_REQUIRED");
    assert.match(financial.userErrors[0].message, /financialLicense/);
    const education = await refused(owner.token, { memberIds: members, category: "EDUCATION", minorProtection: false }, "COMPLIANCE_REQUIRED");
    assert.match(education.userErrors[0].message, /minorProtection/);
    const edu = ok(await mutate(server, "createGroup", { name: "Class 3B", memberIds: members, category: "EDUCATION", minorProtection: true }, owner.token));
    assert.equal(edu.group!.category, "EDUCATION");

    const enterprise = await createTenant(server, { plan: "ENTERPRISE", users: 3 });
    const [eo, e1, e2] = enterprise.users;
    const rules = await refused(eo.token, { memberIds: [e1.id, e2.id] }, "COMPLIANCE_REQUIRED");
    assert.match(rules.userErrors[0].message, /dataUsageRulesUrl/);
    // The operator publishes the rules and licenses the tenant: both kinds of group now work.
    ok(
      dataOf(
        await server.gql(
          QualifyTenantDocument,
          { input: { tenantId: enterprise.id, qualifications: { dataUsageRulesUrl: "https://corp.example/rules", financialLicense: "FIN-7" } } },
          server.platformToken,
        ),
      ).updateTenant,
    );
    ok(await mutate(server, "createGroup", { name: "Wealth club", memberIds: [e1.id, e2.id], category: "FINANCIAL" }, eo.token));
  });

  it("a tenant key cannot create groups (a group needs an owning user)", async () => {
    const [, m1, m2] = a.users;
    const payload = await mutate(server, "createGroup", { name: "Ops", memberIds: [m1.id, m2.id] }, a.apiKey);
    assert.deepEqual(codes(payload), ["NOT_PERMITTED"]);
  });

  it("RATE_LIMITED past the daily creation limit (rolling 24 h) records a risk event", async () => {
    const t = await createTenant(server, { users: 3 });
    const [owner, m1, m2] = t.users;
    for (let i = 0; i < 5; i++) {
      await createGroup(server, owner, [m1, m2], { name: `Group ${i}` });
      clock.advance(HOUR);
    }
    await refused(owner.token, { memberIds: [m1.id, m2.id] }, "RATE_LIMITED", ["risk_events"]);
    const events = dataOf(await server.gql(GroupCreationRiskEventsDocument, {}, t.apiKey)).riskEvents;
    assert.deepEqual(events.edges.map((e) => [e.node.kind, e.node.user!.id]), [["GROUP_CREATION_LIMIT", owner.id]]);
    // Other users are not limited by this user's count.
    await createGroup(server, m1, [owner, m2]);
    // 24 hours after the first creation, one slot frees up again.
    clock.advance(24 * HOUR - 5 * HOUR + 1);
    await createGroup(server, owner, [m1, m2]);
    await refused(owner.token, { memberIds: [m1.id, m2.id] }, "RATE_LIMITED", ["risk_events"]);
  });

  it("concurrent creations by one user never exceed the daily limit", async () => {
    const t = await createTenant(server, { users: 3 });
    const [owner, m1, m2] = t.users;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => mutate(server, "createGroup", { name: `Burst ${i}`, memberIds: [m1.id, m2.id] }, owner.token)),
    );
    assert.equal(results.filter((p) => p.group).length, 5);
    assert.deepEqual([...new Set(results.filter((p) => !p.group).flatMap(codes))], ["RATE_LIMITED"]);
  });

  it("a user token of another tenant cannot use this tenant's contacts", async () => {
    const payload = await mutate(server, "createGroup", { name: "Mixed", memberIds: [a.users[1].id, a.users[2].id] }, b.users[0].token);
    assert.deepEqual(codes(payload), ["NOT_FOUND", "NOT_FOUND"]);
    assert.deepEqual(payload.userErrors.map((e) => e.field), [["input", "memberIds", "0"], ["input", "memberIds", "1"]]);
  });
});
