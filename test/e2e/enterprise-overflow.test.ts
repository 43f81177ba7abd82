import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, mutate } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const UPDATE = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { id policy { dailyGroupCreationLimit dailyGroupCreationOverflow } policyOverrides { dailyGroupCreationOverflow } } userErrors { code message field } } }`;
const QUEUE = `{ reviewQueue(first: 50) { edges { node { id reason subject { ... on Group { id status } } } } } }`;
const RISK = `{ riskEvents(first: 50) { edges { node { kind detail user { id } } } } }`;
const RESOLVE = `mutation($input: ResolveReviewItemInput!) { resolveReviewItem(input: $input) { reviewItem { status } userErrors { code } } }`;

describe(`daily group creation overflow: REFUSE or REVIEW (${engine})`, () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  const update = async (tenantId: string, overrides: Record<string, unknown>) =>
    dataOf(await server.gql(UPDATE, { input: { tenantId, policyOverrides: overrides } }, server.platformToken)).updateTenant;

  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 4, policyOverrides: { dailyGroupCreationLimit: 1 } });
  });
  after(() => server.close());

  it("is REFUSE by default, an override the operator sets per tenant, and null returns to the plan's", async () => {
    const shown = ok(await update(a.id, { dailyGroupCreationOverflow: "REVIEW" })).tenant;
    assert.deepEqual(shown.policy, { dailyGroupCreationLimit: 1, dailyGroupCreationOverflow: "REVIEW" });
    assert.equal(shown.policyOverrides.dailyGroupCreationOverflow, "REVIEW");
    const other = ok(await update(b.id, {})).tenant;
    assert.equal(other.policy.dailyGroupCreationOverflow, "REFUSE");
    const bad = await server.gql(UPDATE, { input: { tenantId: b.id, policyOverrides: { dailyGroupCreationOverflow: "MAYBE" } } }, server.platformToken);
    assert.ok(bad.errors?.length, "not a value of the enum");
  });

  it("REVIEW: the group over the limit is created PENDING_REVIEW with a review item and a risk event; approval activates it", async () => {
    const [owner, m1, m2] = a.users;
    assert.equal((await createGroup(server, owner, [m1, m2], { name: "First" })).group.status, "ACTIVE");
    const over = await createGroup(server, owner, [m1, m2], { name: "Second" });
    assert.equal(over.group.status, "PENDING_REVIEW");
    const item = dataOf(await server.gql(QUEUE, {}, a.apiKey)).reviewQueue.edges.find((e: any) => e.node.subject?.id === over.id).node;
    assert.match(item.reason, /daily creation limit/);
    const events = dataOf(await server.gql(RISK, {}, a.apiKey)).riskEvents.edges.map((e: any) => e.node);
    assert.ok(events.some((e: any) => e.kind === "GROUP_CREATION_LIMIT" && e.user.id === owner.id && /held for review/.test(e.detail)));
    ok(dataOf(await server.gql(RESOLVE, { input: { reviewItemId: item.id, decision: "APPROVE" } }, a.apiKey)).resolveReviewItem);
    assert.equal(dataOf(await server.gql(`query($id: ID!) { group(id: $id) { status } }`, { id: over.id }, owner.token)).group.status, "ACTIVE");
    // Tenant B's queue stays empty.
    assert.deepEqual(dataOf(await server.gql(QUEUE, {}, b.apiKey)).reviewQueue.edges, []);
  });

  it("REFUSE: RATE_LIMITED, nothing written but the risk event", async () => {
    const [owner, m1, m2] = b.users;
    await createGroup(server, owner, [m1, m2], { name: "First" });
    const before = await snapshot(server, ["risk_events"]);
    const payload = await mutate(server, "createGroup", { name: "Second", memberIds: [m1.id, m2.id] }, owner.token);
    assert.deepEqual(codes(payload), ["RATE_LIMITED"]);
    assert.deepEqual(await snapshot(server, ["risk_events"]), before);
    const events = dataOf(await server.gql(RISK, {}, b.apiKey)).riskEvents.edges.map((e: any) => e.node);
    assert.equal(events.filter((e: any) => e.kind === "GROUP_CREATION_LIMIT" && e.user.id === owner.id).length, 1);
  });
});
