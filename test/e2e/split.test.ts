import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EvidenceValidDocument, LatestEntryDocument, MemberPageDocument, type MemberPageQuery, SplitDocument } from "../generated/graphql";
import { addContacts, createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup, mutate } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const SPLIT = SplitDocument;

async function allMembers(server: TestServer, groupId: string, token: string): Promise<Array<{ id: string; role: string; kind: string }>> {
  const out: Array<{ id: string; role: string; kind: string }> = [];
  let after: string | null = null;
  for (;;) {
    const data: MemberPageQuery = dataOf(await server.gql(MemberPageDocument, { id: groupId, after }, token));
    const page = data.group!.members!;
    out.push(...page.edges.map((e) => ({ id: e.node.user.id, role: e.node.role, kind: e.node.joinSource.kind })));
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}

describe(`splitting a full group (${engine})`, () => {
  let server: TestServer;
  let t: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    t = await createTenant(server, { plan: "ENTERPRISE_CERTIFIED", users: 501, allContacts: false, qualifications: { dataUsageRulesUrl: "https://corp.example/rules" }, policyOverrides: { bulkActionThreshold: 100000 } });
    await addContacts(server, t, t.users.slice(1).map((u) => [t.users[0], u]));
  });
  after(() => server.close());

  it("a full 500-member group splits into a core and sub-groups: no member lost or duplicated, counts consistent", { timeout: 600_000 }, async () => {
    const [owner, ...rest] = t.users;
    const { id, group } = await createGroup(server, owner, rest.slice(0, 499), { name: "Mega" });
    assert.equal(group.memberCount, 500);
    const admins = rest.slice(10, 13);
    for (const admin of admins) ok(await mutate(server, "setMemberRole", { groupId: id, userId: admin.id, role: "ADMIN" }, owner.token));
    const before = await allMembers(server, id, owner.token);
    assert.equal(before.length, 500);

    // Refusals first: plain members may not split, nor may caps that leave no room or pass the plan.
    const snap = await snapshot(server);
    assert.deepEqual(codes(dataOf(await server.gql(SPLIT, { input: { groupId: id, maxMembersPerGroup: 200 } }, admins[0].token)).splitGroup), ["NOT_PERMITTED"]);
    assert.deepEqual(codes(dataOf(await server.gql(SPLIT, { input: { groupId: id, maxMembersPerGroup: 4 } }, owner.token)).splitGroup), ["INVALID_INPUT"]);
    assert.deepEqual(codes(dataOf(await server.gql(SPLIT, { input: { groupId: id, maxMembersPerGroup: 501 } }, owner.token)).splitGroup), ["INVALID_INPUT"]);
    assert.deepEqual(await snapshot(server), snap);

    const result = ok(dataOf(await server.gql(SPLIT, { input: { groupId: id, maxMembersPerGroup: 200 } }, owner.token)).splitGroup);
    // Core keeps 200 (owner, 3 admins, 196 earliest members); 300 move into groups of 196 + 4 leaders.
    const subGroups = result.subGroups!;
    assert.equal(result.coreGroup!.memberCount, 200);
    assert.deepEqual(subGroups.map((g) => [g.name, g.memberCount, g.parent!.id, g.owner!.id]), [
      ["Mega (2)", 200, id, owner.id],
      ["Mega (3)", 108, id, owner.id],
    ]);
    assert.deepEqual(result.coreGroup!.subGroups.map((g) => g.id), subGroups.map((g) => g.id));

    const core = await allMembers(server, id, owner.token);
    const subs: Array<Array<{ id: string; role: string; kind: string }>> = await Promise.all(subGroups.map((g) => allMembers(server, g.id, owner.token)));
    const leaders = new Set([owner.id, ...admins.map((a) => a.id)]);
    // Owner and admins keep their roles everywhere.
    for (const members of [core, ...subs]) {
      assert.deepEqual(members.filter((m) => leaders.has(m.id)).map((m) => m.role).sort(), ["ADMIN", "ADMIN", "ADMIN", "OWNER"]);
      assert.equal(new Set(members.map((m) => m.id)).size, members.length, "no duplicates inside a group");
    }
    // Every plain member is in exactly one group; nobody is lost.
    const plainEverywhere = [core, ...subs].flatMap((members) => members.filter((m) => !leaders.has(m.id)).map((m) => m.id));
    assert.equal(plainEverywhere.length, 496);
    assert.equal(new Set(plainEverywhere).size, 496);
    assert.deepEqual(new Set(plainEverywhere), new Set(before.filter((m) => !leaders.has(m.id)).map((m) => m.id)));
    // Moved members joined their sub-group with source SPLIT; the core kept the earliest joiners.
    assert.ok(subs.flat().every((m) => m.kind === "SPLIT"));
    assert.deepEqual(core.filter((m) => !leaders.has(m.id)).map((m) => m.id), before.filter((m) => !leaders.has(m.id)).slice(0, 196).map((m) => m.id));
    // Counts agree with the rows everywhere; a notice is posted in every affected group.
    await assertCountsConsistent(server);
    for (const groupId of [id, ...subGroups.map((g) => g.id)]) {
      const latest = dataOf(await server.gql(LatestEntryDocument, { id: groupId }, owner.token)).group!.messages!.edges[0].node;
      assert.equal(latest.event, "NOTICE");
      assert.match(latest.text, /split/);
    }
    // The evidence of every affected group stays intact.
    for (const groupId of [id, ...subGroups.map((g) => g.id)]) {
      assert.equal(dataOf(await server.gql(EvidenceValidDocument, { id: groupId }, t.apiKey)).verifyEvidence.valid, true);
    }
  });
});
