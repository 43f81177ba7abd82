import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../src/common/clock";
import { createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { codes, createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const DAY = 24 * 3600 * 1000;
const POLICY = `policy { adminsMayRemoveAdmins permanentCodeRefreshable ownershipTransferLimit { count windowDays } }`;

/** The governance fields of the policy table, and the ownership-transfer limit they set. */
describe("governance policy", () => {
  let server: TestServer;
  const clock = new ManualClock();
  let enterprise: FixtureTenant;
  let personal: FixtureTenant;

  before(async () => {
    server = await startTestServer({ clock });
    enterprise = await createTenant(server, { plan: "ENTERPRISE", users: 4, qualifications: { dataUsageRulesUrl: "https://example.com/rules" } });
    personal = await createTenant(server, { plan: "PERSONAL", users: 4 });
  });
  after(() => server.close());

  /** Tokens live 30 days: after moving the clock past that, the users need new ones. */
  async function reissueTokens(tenant: FixtureTenant) {
    for (const user of tenant.users) {
      const issued = dataOf(
        await server.gql(`mutation($input: IssueUserTokenInput!) { issueUserToken(input: $input) { token userErrors { code } } }`, { input: { userId: user.id, ttlSeconds: 30 * 24 * 3600 } }, tenant.apiKey),
      ).issueUserToken;
      user.token = ok(issued).token;
    }
  }

  const policyOf = async (tenant: FixtureTenant) =>
    dataOf(await server.gql(`query($id: ID!) { node(id: $id) { ... on Tenant { ${POLICY} } } }`, { id: tenant.id }, server.platformToken)).node.policy;

  it("plans carry the contract's values; overrides replace and clear them", async () => {
    assert.deepEqual(await policyOf(personal), { adminsMayRemoveAdmins: true, permanentCodeRefreshable: false, ownershipTransferLimit: null });
    assert.deepEqual(await policyOf(enterprise), { adminsMayRemoveAdmins: true, permanentCodeRefreshable: true, ownershipTransferLimit: { count: 2, windowDays: 90 } });
    const update = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { ${POLICY} policyOverrides { ownershipTransferLimit { count windowDays } adminsMayRemoveAdmins } } userErrors { code field } } }`;
    const custom = await createTenant(server, { plan: "PERSONAL", users: 0 });
    let payload = ok(dataOf(await server.gql(update, { input: { tenantId: custom.id, policyOverrides: { ownershipTransferLimit: { count: 1, windowDays: 7 }, adminsMayRemoveAdmins: false } } }, server.platformToken)).updateTenant);
    assert.deepEqual(payload.tenant.policy, { adminsMayRemoveAdmins: false, permanentCodeRefreshable: false, ownershipTransferLimit: { count: 1, windowDays: 7 } });
    payload = ok(dataOf(await server.gql(update, { input: { tenantId: custom.id, policyOverrides: { ownershipTransferLimit: null } } }, server.platformToken)).updateTenant);
    assert.equal(payload.tenant.policy.ownershipTransferLimit, null, "null returns to the plan's value");
    assert.deepEqual(payload.tenant.policyOverrides, { ownershipTransferLimit: null, adminsMayRemoveAdmins: false });
    const refused = dataOf(await server.gql(update, { input: { tenantId: custom.id, policyOverrides: { ownershipTransferLimit: { count: 1, windowDays: 0 } } } }, server.platformToken)).updateTenant;
    assert.deepEqual(codes(refused), ["INVALID_INPUT"]);
  });

  it("ENTERPRISE: two transfers per group in 90 days, then TRANSFER_LIMIT_REACHED with nothing changed; the window slides", async () => {
    const [a, b, c] = enterprise.users;
    const groupId = (await createGroup(server, a, [b, c])).id;
    const handTo = async (from: typeof a, to: typeof a) => {
      ok(await mutate(server, "setMemberRole", { groupId, userId: to.id, role: "ADMIN" }, from.token));
      return mutate(server, "transferOwnership", { groupId, userId: to.id }, from.token);
    };
    ok(await handTo(a, b));
    clock.advance(DAY);
    ok(await handTo(b, c));
    clock.advance(DAY);
    ok(await mutate(server, "setMemberRole", { groupId, userId: a.id, role: "ADMIN" }, c.token));
    const before = await snapshot(server);
    const refused = await mutate(server, "transferOwnership", { groupId, userId: a.id }, c.token);
    assert.deepEqual(codes(refused), ["TRANSFER_LIMIT_REACHED"]);
    assert.deepEqual(refused.userErrors[0].field, ["input", "userId"]);
    assert.deepEqual(await snapshot(server), before, "the refusal changed nothing");

    // A hand-over because the owner left is no transfer: it is never refused and does not count.
    clock.advance(88 * DAY - 1);
    await reissueTokens(enterprise);
    assert.deepEqual(codes(await mutate(server, "transferOwnership", { groupId, userId: a.id }, c.token)), ["TRANSFER_LIMIT_REACHED"], "still inside the window");
    clock.advance(1);
    assert.equal(ok(await mutate(server, "transferOwnership", { groupId, userId: a.id }, c.token)).group!.owner!.id, a.id, "the first transfer left the window");
  });

  it("a hand-over when the owner leaves is not refused by the limit", async () => {
    const [a, b, c, d] = enterprise.users;
    const groupId = (await createGroup(server, a, [b, c, d])).id;
    for (const [from, to] of [[a, b], [b, c]] as const) {
      ok(await mutate(server, "setMemberRole", { groupId, userId: to.id, role: "ADMIN" }, from.token));
      ok(await mutate(server, "transferOwnership", { groupId, userId: to.id }, from.token));
    }
    ok(await mutate(server, "setMemberRole", { groupId, userId: d.id, role: "ADMIN" }, c.token));
    assert.equal(ok(await mutate(server, "leaveGroup", { groupId }, c.token)).group!.owner!.id, d.id);
  });

  it("PERSONAL: transfers are unlimited", async () => {
    await reissueTokens(personal);
    const [a, b, c] = personal.users;
    const groupId = (await createGroup(server, a, [b, c])).id;
    let [from, to] = [a, b];
    for (let i = 0; i < 4; i++) {
      ok(await mutate(server, "setMemberRole", { groupId, userId: to.id, role: "ADMIN" }, from.token));
      ok(await mutate(server, "transferOwnership", { groupId, userId: to.id }, from.token));
      [from, to] = [to, from];
    }
  });

  it("another tenant's group is NOT_FOUND, whatever the limit", async () => {
    const [a, b, c] = enterprise.users;
    const groupId = (await createGroup(server, a, [b, c])).id;
    const before = await snapshot(server);
    assert.deepEqual(codes(await mutate(server, "transferOwnership", { groupId, userId: b.id }, personal.users[0].token)), ["NOT_FOUND"]);
    assert.deepEqual(await snapshot(server), before);
  });
});
