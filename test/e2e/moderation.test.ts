import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  GroupStatusDocument,
  type KeywordInput,
  KeywordsDocument,
  KeywordTermsDocument,
  ResolveDocument,
  ReviewGroupsDocument,
  RiskEventCountDocument,
  RiskEventGroupsDocument,
  RiskEventKindsDocument,
  RiskEventUsersDocument,
  SetKeywordsDocument,
} from "../generated/graphql";
import { createTenant, dataOf, errorCodes, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const SET_KEYWORDS = SetKeywordsDocument;
const QUEUE = ReviewGroupsDocument;
const RESOLVE = ResolveDocument;

describe("moderation, review queue and risk control", () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 4, policyOverrides: { dailyGroupCreationLimit: 100 } });
    ok(
      dataOf(
        await server.gql(SET_KEYWORDS, { input: { keywords: [{ term: "gamble", action: "BLOCK" }, { term: "赌博", action: "BLOCK" }, { term: "crypto", action: "REVIEW" }] } }, a.apiKey),
      ).setModerationKeywords,
    );
  });
  after(() => server.close());

  it("validates keyword lists and keeps each tenant's list to itself", async () => {
    for (const [keywords, field] of [
      [[{ term: "", action: "BLOCK" }], ["input", "keywords", "0", "term"]],
      [[{ term: "...", action: "BLOCK" }], ["input", "keywords", "0", "term"]],
      [[{ term: "x".repeat(51), action: "REVIEW" }], ["input", "keywords", "0", "term"]],
      [Array.from({ length: 1001 }, (_, i) => ({ term: `t${i}`, action: "BLOCK" })), ["input", "keywords"]],
    ] as Array<[KeywordInput[], string[]]>) {
      const payload = dataOf(await server.gql(SET_KEYWORDS, { input: { keywords } }, b.apiKey)).setModerationKeywords;
      assert.deepEqual(payload.userErrors.map((e) => [e.code, e.field]), [["INVALID_INPUT", field]]);
    }
    const listed = dataOf(await server.gql(KeywordsDocument, {}, a.apiKey)).moderationKeywords;
    assert.equal(listed.length, 3);
    assert.deepEqual(dataOf(await server.gql(KeywordTermsDocument, {}, b.apiKey)).moderationKeywords, []);
    assert.deepEqual(errorCodes(await server.gql(KeywordTermsDocument, {}, a.users[0].token)), ["NOT_PERMITTED"]);
  });

  it("a BLOCK term refuses the group (CONTENT_BLOCKED), through full-width and spacing tricks", async () => {
    const [owner, m1, m2] = a.users;
    for (const name of ["Gamble night", "ＧＡＭＢＬＥ club", "g a m b l e", "周末赌 博群", "G.A.M.B.L.E"]) {
      const before = await snapshot(server, ["risk_events"]);
      const payload = await mutate(server, "createGroup", { name, memberIds: [m1.id, m2.id] }, owner.token);
      assert.deepEqual(codes(payload), ["CONTENT_BLOCKED"], name);
      assert.deepEqual(payload.userErrors[0].field, ["input", "name"]);
      assert.deepEqual(await snapshot(server, ["risk_events"]), before, name);
    }
    const events = dataOf(await server.gql(RiskEventUsersDocument, {}, a.apiKey)).riskEvents;
    assert.equal(events.edges.filter((e) => e.node.kind === "BLOCKED_CONTENT" && e.node.user!.id === owner.id).length, 5);
    // Tenant B has no such keyword.
    const [bo, b1, b2] = b.users;
    await createGroup(server, bo, [b1, b2], { name: "Gamble night" });
  });

  it("a REVIEW term creates the group PENDING_REVIEW with a review item; approval activates it", async () => {
    const [owner, m1, m2, m3] = a.users;
    const { id, group } = await createGroup(server, owner, [m1, m2], { name: "Crypto chat" });
    assert.equal(group.status, "PENDING_REVIEW");
    // While under review it does not grow.
    assert.deepEqual(codes(await mutate(server, "inviteMembers", { groupId: id, userIds: [m3.id] }, owner.token)), ["NOT_PERMITTED"]);
    const queue = dataOf(await server.gql(QUEUE, {}, a.apiKey)).reviewQueue;
    const item = queue.edges.find((e) => e.node.subject?.id === id)!.node;
    assert.equal(item.status, "PENDING");
    assert.match(item.reason, /crypto/);
    assert.equal(dataOf(await server.gql(QUEUE, {}, b.apiKey)).reviewQueue.totalCount, 0, "other tenants do not see it");
    const resolved = ok(dataOf(await server.gql(RESOLVE, { input: { reviewItemId: item.id, decision: "APPROVE" } }, a.apiKey)).resolveReviewItem);
    assert.equal(resolved.reviewItem!.status, "APPROVED");
    const status = dataOf(await server.gql(GroupStatusDocument, { id }, owner.token)).group!.status;
    assert.equal(status, "ACTIVE");
    ok(await mutate(server, "inviteMembers", { groupId: id, userIds: [m3.id] }, owner.token));
    // A decided item cannot be decided again.
    const again = dataOf(await server.gql(RESOLVE, { input: { reviewItemId: item.id, decision: "REJECT" } }, a.apiKey)).resolveReviewItem;
    assert.deepEqual(codes(again), ["NOT_PERMITTED"]);
    const approved = dataOf(await server.gql(QUEUE, { status: "APPROVED" }, a.apiKey)).reviewQueue;
    assert.ok(approved.edges.some((e) => e.node.id === item.id));
  });

  it("rejection blocks the group; a rename with a REVIEW term sends it back to review", async () => {
    const [owner, m1, m2] = a.users;
    const { id } = await createGroup(server, owner, [m1, m2], { name: "Plain" });
    const renamed = ok(await mutate(server, "renameGroup", { groupId: id, name: "cr y pto tips" }, owner.token));
    assert.deepEqual(renamed.group, { name: "cr y pto tips", status: "PENDING_REVIEW" });
    const item = dataOf(await server.gql(QUEUE, {}, a.apiKey)).reviewQueue.edges.find((e) => e.node.subject?.id === id)!.node;
    ok(dataOf(await server.gql(RESOLVE, { input: { reviewItemId: item.id, decision: "REJECT" } }, a.apiKey)).resolveReviewItem);
    assert.equal(dataOf(await server.gql(GroupStatusDocument, { id }, owner.token)).group!.status, "BLOCKED");
    // Renaming into a BLOCK term is refused outright.
    assert.deepEqual(codes(await mutate(server, "renameGroup", { groupId: id, name: "gamble" }, owner.token)), ["CONTENT_BLOCKED"]);
  });

  it("resolveReviewItem with another tenant's or a malformed id is NOT_FOUND", async () => {
    const [owner, m1, m2] = a.users;
    await createGroup(server, owner, [m1, m2], { name: "crypto again" });
    const item = dataOf(await server.gql(QUEUE, {}, a.apiKey)).reviewQueue.edges[0].node;
    for (const reviewItemId of [item.id, "bogus"]) {
      const payload = dataOf(await server.gql(RESOLVE, { input: { reviewItemId, decision: "APPROVE" } }, b.apiKey)).resolveReviewItem;
      assert.deepEqual(codes(payload), ["NOT_FOUND"]);
    }
    assert.deepEqual(errorCodes(await server.gql(RESOLVE, { input: { reviewItemId: item.id, decision: "APPROVE" } }, a.users[0].token)), ["NOT_PERMITTED"]);
  });

  it("records a BULK_INVITE event when one user invites in a burst", async () => {
    const t = await createTenant(server, { users: 13, policyOverrides: { bulkActionThreshold: 10 } });
    const [owner, ...rest] = t.users;
    const { id } = await createGroup(server, owner, rest.slice(0, 2));
    ok(await mutate(server, "inviteMembers", { groupId: id, userIds: rest.slice(2, 7).map((u) => u.id) }, owner.token));
    assert.equal(dataOf(await server.gql(RiskEventCountDocument, {}, t.apiKey)).riskEvents.totalCount, 0);
    ok(await mutate(server, "inviteMembers", { groupId: id, userIds: rest.slice(7).map((u) => u.id) }, owner.token));
    const events = dataOf(await server.gql(RiskEventGroupsDocument, {}, t.apiKey)).riskEvents;
    assert.deepEqual(events.edges.map((e) => [e.node.kind, e.node.user!.id, e.node.group!.id]), [["BULK_INVITE", owner.id, id]]);
  });

  it("records a BULK_REMOVE event when one user removes in a burst", async () => {
    const t = await createTenant(server, { users: 8, policyOverrides: { bulkActionThreshold: 3, directAddLimit: 100 } });
    const [owner, ...rest] = t.users;
    const { id } = await createGroup(server, owner, rest);
    for (const user of rest.slice(0, 4)) ok(await mutate(server, "removeMember", { groupId: id, userId: user.id }, owner.token));
    const kinds = dataOf(await server.gql(RiskEventKindsDocument, {}, t.apiKey)).riskEvents.edges.map((e) => e.node.kind);
    assert.deepEqual(kinds.filter((k) => k === "BULK_REMOVE"), ["BULK_REMOVE"], "one event per crossing");
  });
});
