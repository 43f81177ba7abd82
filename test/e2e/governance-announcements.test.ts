import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const ERR = "userErrors { code message field }";
const SET = `mutation($input: SetGroupAnnouncementInput!) { setGroupAnnouncement(input: $input) { group { id announcement { text author { id } updatedAt } } ${ERR} } }`;
const READ = `query($id: ID!) { group(id: $id) { announcement { text author { id } } messages(first: 5) { edges { node { kind event text } } } } }`;
const VERIFY = `query($id: ID!) { verifyEvidence(groupId: $id) { valid } }`;
const SPLIT = `mutation($input: SplitGroupInput!) { splitGroup(input: $input) { coreGroup { id } subGroups { id } ${ERR} } }`;
const KEYWORDS = `mutation($input: SetModerationKeywordsInput!) { setModerationKeywords(input: $input) { userErrors { code } } }`;
const QUEUE = `{ reviewQueue(first: 10) { edges { node { id reason } } } }`;
const RESOLVE = `mutation($input: ResolveReviewItemInput!) { resolveReviewItem(input: $input) { reviewItem { status } ${ERR} } }`;

/** The group announcement (群公告): owners and admins, moderated, in the evidence log, optionally on every sub-group. Two tenants. */
describe("group announcements", () => {
  let server: TestServer;
  let t: FixtureTenant;
  let other: FixtureTenant;
  let O: FixtureUser, A: FixtureUser, M: FixtureUser;
  let groupId: string;

  before(async () => {
    server = await startTestServer();
    [t, other] = await twoTenants(server, { users: 10, policyOverrides: { dailyGroupCreationLimit: 100 } });
    [O, A, M] = t.users;
    groupId = (await createGroup(server, O, [A, M])).id;
    ok(await mutate(server, "setMemberRole", { groupId, userId: A.id, role: "ADMIN" }, O.token));
    ok(dataOf(await server.gql(KEYWORDS, { input: { keywords: [{ term: "casino", action: "BLOCK" }, { term: "giveaway", action: "REVIEW" }] } }, t.apiKey)).setModerationKeywords);
  });
  after(() => server.close());

  const set = async (input: Record<string, unknown>, bearer: string) => dataOf(await server.gql(SET, { input }, bearer)).setGroupAnnouncement;
  const read = async (id: string, bearer: string) => dataOf(await server.gql(READ, { id }, bearer)).group;

  async function refusedUnchanged(run: () => Promise<any>, code: string, what: string, except: string[] = []) {
    const before = await snapshot(server, except);
    const payload = await run();
    assert.deepEqual(codes(payload), [code], `${what}: ${JSON.stringify(payload.userErrors)}`);
    assert.deepEqual(await snapshot(server, except), before, `${what}: nothing written`);
  }

  it("owners and admins set it; members read it; it is an entry of the evidence log", async () => {
    const payload = ok(await set({ groupId, text: "Hike on Saturday.\nBring water." }, O.token));
    assert.equal(payload.group.announcement.text, "Hike on Saturday.\nBring water.");
    assert.equal(payload.group.announcement.author.id, O.id);
    ok(await set({ groupId, text: "Moved to Sunday" }, A.token));
    const seen = await read(groupId, M.token);
    assert.deepEqual(seen.announcement, { text: "Moved to Sunday", author: { id: A.id } });
    assert.deepEqual(seen.messages.edges[0].node, { kind: "SYSTEM", event: "ANNOUNCEMENT_SET", text: "announcement: Moved to Sunday" });
    assert.equal(dataOf(await server.gql(VERIFY, { id: groupId }, t.apiKey)).verifyEvidence.valid, true);
    assert.equal((await server.gql(READ, { id: groupId }, other.users[0].token)).data?.group ?? null, null, "another tenant: NOT_FOUND");
  });

  it("plain members, the tenant key and other tenants cannot set it; nothing is written", async () => {
    await refusedUnchanged(() => set({ groupId, text: "By a member" }, M.token), "NOT_PERMITTED", "a plain member");
    await refusedUnchanged(() => set({ groupId, text: "By the key" }, t.apiKey), "NOT_PERMITTED", "the tenant key (no member)");
    await refusedUnchanged(() => set({ groupId, text: "Foreign" }, other.apiKey), "NOT_FOUND", "another tenant's key");
    await refusedUnchanged(() => set({ groupId, text: "Foreign" }, other.users[0].token), "NOT_FOUND", "another tenant's user");
    await refusedUnchanged(() => set({ groupId, text: "   " }, O.token), "INVALID_INPUT", "empty");
    await refusedUnchanged(() => set({ groupId, text: "x".repeat(2001) }, O.token), "INVALID_INPUT", "too long");
  });

  it("moderated like messages: a BLOCK term refuses it, a REVIEW term holds it until approved", async () => {
    await refusedUnchanged(() => set({ groupId, text: "Casino night!" }, O.token), "CONTENT_BLOCKED", "blocked", ["risk_events"]);
    assert.equal((await read(groupId, M.token)).announcement.text, "Moved to Sunday");
    ok(await set({ groupId, text: "Big giveaway" }, O.token));
    assert.equal((await read(groupId, M.token)).announcement, null, "held: members do not see it");
    assert.equal((await read(groupId, O.token)).announcement.text, "Big giveaway", "its author does");
    const item = dataOf(await server.gql(QUEUE, {}, t.apiKey)).reviewQueue.edges.find((e: any) => /announcement/.test(e.node.reason)).node;
    ok(dataOf(await server.gql(RESOLVE, { input: { reviewItemId: item.id, decision: "APPROVE" } }, t.apiKey)).resolveReviewItem);
    assert.equal((await read(groupId, M.token)).announcement.text, "Big giveaway");
  });

  it("includeSubGroups sets it on every sub-group of a core group too", async () => {
    const [owner, ...rest] = t.users;
    const core = (await createGroup(server, owner, rest.slice(0, 8))).id;
    const split = ok(dataOf(await server.gql(SPLIT, { input: { groupId: core, maxMembersPerGroup: 3 } }, owner.token)).splitGroup);
    assert.ok(split.subGroups.length >= 2);
    ok(await set({ groupId: core, text: "One family" }, owner.token));
    for (const sub of split.subGroups) assert.equal((await read(sub.id, owner.token)).announcement, null, "without includeSubGroups: the core only");
    ok(await set({ groupId: core, text: "All of us", includeSubGroups: true }, owner.token));
    for (const id of [core, ...split.subGroups.map((s: any) => s.id)]) {
      assert.deepEqual((await read(id, owner.token)).announcement, { text: "All of us", author: { id: owner.id } });
    }
  });
});
