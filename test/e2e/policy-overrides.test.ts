import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTenant, dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup, mutate, permanentCode } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const POLICY = `policy { maxGroupSize directAddLimit codeJoinCap permanentCodeMaxMembers liveCodeGroupCap maxAdmins dailyGroupCreationLimit statsEnabled }`;
const OVERRIDES = `policyOverrides { maxGroupSize directAddLimit codeJoinCap permanentCodeMaxMembers liveCodeGroupCap maxAdmins dailyGroupCreationLimit statsEnabled }`;
const TENANT = `id ${POLICY} ${OVERRIDES}`;
const UPDATE = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { ${TENANT} } userErrors { code message field } } }`;
const CREATE = `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { ${TENANT} } apiKey userErrors { code message field } } }`;
const JOIN = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { group { memberCount } userErrors { code message field } } }`;

/** The stored overrides without the fields left unset. */
const setFields = (overrides: Record<string, unknown> | null) =>
  overrides && Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== null));

describe("policy overrides", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function update(tenantId: string, input: Record<string, unknown>) {
    return dataOf(await server.gql(UPDATE, { input: { tenantId, ...input } }, server.platformToken)).updateTenant;
  }

  async function myPolicy(tenant: FixtureTenant) {
    return dataOf(await server.gql(`{ myTenant { ${POLICY} } }`, {}, tenant.apiKey)).myTenant.policy;
  }

  it("updateTenant's policyOverrides are a patch: given replaces, null returns to the plan, absent is unchanged", async () => {
    const [a, b] = await twoTenants(server, { users: 0, policyOverrides: { maxAdmins: 5, dailyGroupCreationLimit: 20 } });

    const given = ok(await update(a.id, { policyOverrides: { maxAdmins: 7 } }));
    assert.deepEqual(setFields(given.tenant.policyOverrides), { maxAdmins: 7, dailyGroupCreationLimit: 20 }, "the field not given is kept");
    assert.equal(given.tenant.policy.maxAdmins, 7);
    assert.equal(given.tenant.policy.dailyGroupCreationLimit, 20);

    const cleared = ok(await update(a.id, { policyOverrides: { dailyGroupCreationLimit: null, statsEnabled: true } }));
    assert.deepEqual(setFields(cleared.tenant.policyOverrides), { maxAdmins: 7, statsEnabled: true });
    assert.equal(cleared.tenant.policy.dailyGroupCreationLimit, 5, "null clears back to the plan's value");
    assert.equal(cleared.tenant.policy.statsEnabled, true);

    const absent = ok(await update(a.id, { name: "Renamed" }));
    assert.deepEqual(setFields(absent.tenant.policyOverrides), { maxAdmins: 7, statsEnabled: true }, "policyOverrides not given: unchanged");
    assert.deepEqual(await myPolicy(a), absent.tenant.policy, "the tenant sees the same policy at once");

    // The other tenant, created with the same overrides, is untouched.
    const other = await myPolicy(b);
    assert.equal(other.maxAdmins, 5);
    assert.equal(other.dailyGroupCreationLimit, 20);
    assert.equal(other.statsEnabled, false);

    const none = ok(await update(a.id, { policyOverrides: null }));
    assert.equal(none.tenant.policyOverrides, null, "policyOverrides: null clears every override");
    assert.equal(none.tenant.policy.maxAdmins, 3);
  });

  it("lowering maxGroupSize alone is accepted and brings the caps bounded by it down (personal plan: 60)", async () => {
    const t = await createTenant(server, { users: 0 });
    const payload = ok(await update(t.id, { policyOverrides: { maxGroupSize: 60 } }));
    assert.deepEqual(setFields(payload.tenant.policyOverrides), { maxGroupSize: 60 });
    const { maxGroupSize, directAddLimit, codeJoinCap, permanentCodeMaxMembers } = payload.tenant.policy;
    assert.deepEqual({ maxGroupSize, directAddLimit, codeJoinCap, permanentCodeMaxMembers }, { maxGroupSize: 60, directAddLimit: 40, codeJoinCap: 60, permanentCodeMaxMembers: 40 });

    const enterprise = await createTenant(server, { plan: "ENTERPRISE", users: 0 });
    const lowered = ok(await update(enterprise.id, { policyOverrides: { maxGroupSize: 50 } })).tenant.policy;
    assert.deepEqual([lowered.directAddLimit, lowered.codeJoinCap, lowered.liveCodeGroupCap, lowered.permanentCodeMaxMembers], [50, 50, 50, null]);

    // Caps set explicitly earlier follow a later, lower maxGroupSize too; raising it again restores them.
    const custom = await createTenant(server, { plan: "ENTERPRISE_CERTIFIED", users: 0, policyOverrides: { maxGroupSize: 1000, directAddLimit: 1000, codeJoinCap: 1000 } });
    const down = ok(await update(custom.id, { policyOverrides: { maxGroupSize: 300 } })).tenant;
    assert.deepEqual([down.policy.maxGroupSize, down.policy.directAddLimit, down.policy.codeJoinCap], [300, 300, 300]);
    const up = ok(await update(custom.id, { policyOverrides: { maxGroupSize: null } })).tenant;
    assert.deepEqual([up.policy.maxGroupSize, up.policy.directAddLimit, up.policy.codeJoinCap], [500, 500, 500]);
  });

  it("a group's capacity follows the lowered maxGroupSize: direct add, GROUP_FULL and code joins", async () => {
    const t = await createTenant(server, { users: 8 });
    ok(await update(t.id, { policyOverrides: { maxGroupSize: 5 } }));
    const policy = await myPolicy(t);
    assert.deepEqual([policy.maxGroupSize, policy.directAddLimit, policy.codeJoinCap, policy.permanentCodeMaxMembers], [5, 5, 5, 5]);

    const [owner, ...rest] = t.users;
    const before = await snapshot(server);
    const tooMany = await mutate(server, "createGroup", { name: "Too many", memberIds: rest.slice(0, 5).map((u) => u.id) }, owner.token);
    assert.deepEqual(codes(tooMany), ["GROUP_FULL"]);
    assert.deepEqual(await snapshot(server), before);

    const { id, group, invitations } = await createGroup(server, owner, rest.slice(0, 4));
    assert.equal(group.memberCount, 5, "directAddLimit followed maxGroupSize: everyone added directly");
    assert.equal(group.maxMembers, 5);
    assert.deepEqual(invitations, []);
    const { token } = await permanentCode(server, owner, id);
    const join = dataOf(await server.gql(JOIN, { input: { token } }, rest[4].token)).joinGroupByCode;
    assert.deepEqual(codes(join), ["GROUP_FULL"]);
    const read = dataOf(await server.gql(`query($id: ID!) { group(id: $id) { memberCount } }`, { id }, owner.token));
    assert.equal(read.group.memberCount, 5);
  });

  it("reports every explicit contradiction in one answer, each at its field, and changes nothing", async () => {
    const t = await createTenant(server, { users: 2, policyOverrides: { maxAdmins: 5 } });
    const before = await snapshot(server);
    const payload = await update(t.id, {
      name: "Should not stick",
      policyOverrides: { maxGroupSize: 60, directAddLimit: 70, codeJoinCap: 100, permanentCodeMaxMembers: 61, maxAdmins: 9 },
    });
    assert.equal(payload.tenant, null);
    assert.deepEqual(
      payload.userErrors.map((e: any) => [e.code, e.field]),
      [
        ["INVALID_INPUT", ["input", "policyOverrides", "directAddLimit"]],
        ["INVALID_INPUT", ["input", "policyOverrides", "codeJoinCap"]],
        ["INVALID_INPUT", ["input", "policyOverrides", "permanentCodeMaxMembers"]],
      ],
    );
    assert.match(payload.userErrors[1].message, /codeJoinCap \(100\) may not exceed maxGroupSize \(60\)/);
    assert.deepEqual(await snapshot(server), before, "the refusal left the database unchanged");
    assert.equal((await myPolicy(t)).maxAdmins, 5);

    // A cap given above the plan's own maxGroupSize is a contradiction too.
    const alone = await update(t.id, { policyOverrides: { codeJoinCap: 101, liveCodeGroupCap: 150 } });
    assert.deepEqual(alone.userErrors.map((e: any) => e.field.at(-1)), ["codeJoinCap", "liveCodeGroupCap"]);
    assert.deepEqual(await snapshot(server), before);
  });

  it("createTenant validates its overrides the same way", async () => {
    const countTenants = async () => Number((await server.sql("SELECT COUNT(*) AS n FROM tenants"))[0].n);
    const before = await countTenants();
    const refused = dataOf(
      await server.gql(CREATE, { input: { name: "Contradictory", plan: "PERSONAL", policyOverrides: { maxGroupSize: 60, directAddLimit: 70, codeJoinCap: 100 } } }, server.platformToken),
    ).createTenant;
    assert.equal(refused.tenant, null);
    assert.equal(refused.apiKey, null);
    assert.deepEqual(refused.userErrors.map((e: any) => [e.code, e.field.at(-1)]), [["INVALID_INPUT", "directAddLimit"], ["INVALID_INPUT", "codeJoinCap"]]);
    assert.equal(await countTenants(), before);

    const created = ok(
      dataOf(await server.gql(CREATE, { input: { name: "Small", plan: "PERSONAL", policyOverrides: { maxGroupSize: 60, maxAdmins: null } } }, server.platformToken)).createTenant,
    );
    assert.deepEqual(setFields(created.tenant.policyOverrides), { maxGroupSize: 60 });
    assert.deepEqual([created.tenant.policy.maxGroupSize, created.tenant.policy.codeJoinCap, created.tenant.policy.maxAdmins], [60, 60, 3]);
  });
});
