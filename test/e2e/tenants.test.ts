import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AllTenantsDocument,
  CreateTenantDocument,
  MyTenantIdDocument,
  MyTenantMaxGroupSizeDocument,
  type Plan,
  type PolicyOverridesInput,
  RotateApiKeyDocument,
  TenantCountDocument,
  TenantPageDocument,
  type TenantPageQuery,
  UpdateTenantDocument,
} from "../generated/graphql";
import { createTenant, dataOf, errorCodes, ok, twoTenants } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

const UPDATE = UpdateTenantDocument;
const CREATE = CreateTenantDocument;

describe("tenants and plans", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("serves each plan's policy exactly as the contract's table says", async () => {
    const expected = {
      PERSONAL: { maxGroupSize: 100, directAddLimit: 40, permanentCodeMaxMembers: 40, temporaryCodeTtlSeconds: 259200, codeJoinCap: 100, liveCodeGroupCap: null, dailyGroupCreationLimit: 5, maxAdmins: 3, requireDataUsageRules: false, statsEnabled: false, codeTypes: ["PERMANENT", "TEMPORARY", "FACE_TO_FACE"] },
      ENTERPRISE: { maxGroupSize: 200, directAddLimit: 200, permanentCodeMaxMembers: null, temporaryCodeTtlSeconds: 604800, codeJoinCap: 200, liveCodeGroupCap: 200, dailyGroupCreationLimit: 50, maxAdmins: 10, requireDataUsageRules: true, statsEnabled: true, codeTypes: ["PERMANENT", "TEMPORARY", "FACE_TO_FACE", "LIVE"] },
      ENTERPRISE_CERTIFIED: { maxGroupSize: 500, directAddLimit: 500, permanentCodeMaxMembers: null, temporaryCodeTtlSeconds: 604800, codeJoinCap: 500, liveCodeGroupCap: 200, dailyGroupCreationLimit: 100, maxAdmins: 10, requireDataUsageRules: true, statsEnabled: true, codeTypes: ["PERMANENT", "TEMPORARY", "FACE_TO_FACE", "LIVE"] },
    } as const;
    for (const [plan, limits] of Object.entries(expected)) {
      const payload = ok(dataOf(await server.gql(CREATE, { input: { name: `Plan ${plan}`, plan: plan as Plan } }, server.platformToken)).createTenant);
      assert.equal(payload.tenant!.plan, plan);
      assert.match(payload.apiKey!, /^gpk_/);
      const { transferRequiresAdmin, ...policy } = payload.tenant!.policy;
      assert.equal(transferRequiresAdmin, true);
      assert.deepEqual(policy, limits, plan);
    }
  });

  it("applies operator overrides on top of the plan (a 1000-member custom plan)", async () => {
    const tenant = await createTenant(server, { plan: "ENTERPRISE_CERTIFIED", users: 1 });
    const updated = ok(
      dataOf(
        await server.gql(
          UPDATE,
          { input: { tenantId: tenant.id, policyOverrides: { maxGroupSize: 1000, directAddLimit: 1000, codeJoinCap: 1000 }, qualifications: { financialLicense: "FIN-42" } } },
          server.platformToken,
        ),
      ).updateTenant,
    );
    const tenantAfter = updated.tenant!;
    assert.equal(tenantAfter.policy.maxGroupSize, 1000);
    assert.equal(tenantAfter.policy.directAddLimit, 1000);
    assert.equal(tenantAfter.policy.maxAdmins, 10, "fields not overridden keep the plan's value");
    assert.deepEqual(tenantAfter.policyOverrides, { maxGroupSize: 1000, directAddLimit: 1000 });
    assert.deepEqual(tenantAfter.qualifications, { financialLicense: "FIN-42", dataUsageRulesUrl: null });

    // The tenant itself sees the new policy at once.
    const mine = dataOf(await server.gql(MyTenantMaxGroupSizeDocument, {}, tenant.apiKey));
    assert.equal(mine.myTenant!.policy.maxGroupSize, 1000);

    // Omitted fields are kept; null clears.
    const cleared = ok(
      dataOf(await server.gql(UPDATE, { input: { tenantId: tenant.id, policyOverrides: null, qualifications: { dataUsageRulesUrl: "https://example.com/rules" } } }, server.platformToken)).updateTenant,
    );
    assert.equal(cleared.tenant!.policy.maxGroupSize, 500);
    assert.equal(cleared.tenant!.policyOverrides, null);
    assert.deepEqual(cleared.tenant!.qualifications, { financialLicense: "FIN-42", dataUsageRulesUrl: "https://example.com/rules" });
  });

  it("refuses incoherent or out-of-range overrides and changes nothing", async () => {
    const tenant = await createTenant(server, { users: 0 });
    const before = await server.sql("SELECT * FROM tenants WHERE name = ?", [tenant.name]);
    const cases: Array<[PolicyOverridesInput, string[]]> = [
      [{ directAddLimit: 300 }, ["input", "policyOverrides", "directAddLimit"]],
      [{ maxGroupSize: -1 }, ["input", "policyOverrides", "maxGroupSize"]],
      [{ maxGroupSize: 10_000_000 }, ["input", "policyOverrides", "maxGroupSize"]],
      [{ codeTypes: ["LIVE"] }, ["input", "policyOverrides", "liveCodeGroupCap"]],
      [{ codeTypes: ["PERMANENT", "PERMANENT"] }, ["input", "policyOverrides", "codeTypes"]],
    ];
    for (const [policyOverrides, field] of cases) {
      const payload = dataOf(await server.gql(UPDATE, { input: { tenantId: tenant.id, policyOverrides } }, server.platformToken)).updateTenant;
      assert.equal(payload.tenant, null);
      assert.equal(payload.userErrors[0].code, "INVALID_INPUT", JSON.stringify(policyOverrides));
      assert.deepEqual(payload.userErrors[0].field, field);
    }
    const badUrl = dataOf(await server.gql(UPDATE, { input: { tenantId: tenant.id, qualifications: { dataUsageRulesUrl: "javascript:alert(1)" } } }, server.platformToken)).updateTenant;
    assert.deepEqual(badUrl.userErrors[0].field, ["input", "qualifications", "dataUsageRulesUrl"]);
    assert.deepEqual(await server.sql("SELECT * FROM tenants WHERE name = ?", [tenant.name]), before);
  });

  it("validates tenant names: empty, whitespace, 10,000 characters, control characters", async () => {
    const count = async () => Number((await server.sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM tenants"))[0].n);
    const before = await count();
    for (const name of ["", "   ", "x".repeat(10_000), "bad\u0000name"]) {
      const payload = dataOf(await server.gql(CREATE, { input: { name, plan: "PERSONAL" } }, server.platformToken)).createTenant;
      assert.equal(payload.tenant, null);
      assert.equal(payload.apiKey, null);
      assert.deepEqual(payload.userErrors.map((e) => [e.code, e.field]), [["INVALID_INPUT", ["input", "name"]]]);
    }
    assert.equal(await count(), before);
  });

  it("updateTenant with an unknown or malformed tenant id is NOT_FOUND", async () => {
    for (const tenantId of ["VGVuYW50OjAxOTAwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA", "nonsense", "VXNlcjox"]) {
      const payload = dataOf(await server.gql(UPDATE, { input: { tenantId, name: "x" } }, server.platformToken)).updateTenant;
      assert.deepEqual(payload.userErrors.map((e) => e.code), ["NOT_FOUND"]);
    }
  });

  it("lists tenants as a connection with stable cursors and refuses first > 100", async () => {
    await twoTenants(server, { users: 0 });
    const all = dataOf(await server.gql(AllTenantsDocument, {}, server.platformToken)).tenants;
    assert.equal(all.edges.length, all.totalCount);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: TenantPageQuery["tenants"] = dataOf(await server.gql(TenantPageDocument, { after }, server.platformToken)).tenants;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.deepEqual(seen, all.edges.map((e) => e.node.id));
    const tooMany = await server.gql(`{ tenants(first: 1000) { totalCount } }`, {}, server.platformToken);
    assert.deepEqual(errorCodes(tooMany), ["INVALID_INPUT"]);
    assert.equal(tooMany.status, 200);
    const badCursor = await server.gql(`{ tenants(first: 1, after: "not-a-cursor") { totalCount } }`, {}, server.platformToken);
    assert.deepEqual(errorCodes(badCursor), ["INVALID_INPUT"]);
  });

  it("only the platform operator manages tenants", async () => {
    const [a] = await twoTenants(server, { users: 1 });
    for (const token of [a.apiKey, a.users[0].token]) {
      const create = await server.gql(CREATE, { input: { name: "Sneaky", plan: "ENTERPRISE" } }, token);
      assert.deepEqual(errorCodes(create), ["NOT_PERMITTED"]);
      const update = await server.gql(UPDATE, { input: { tenantId: a.id, policyOverrides: { maxGroupSize: 5000 } } }, token);
      assert.deepEqual(errorCodes(update), ["NOT_PERMITTED"]);
      assert.deepEqual(errorCodes(await server.gql(TenantCountDocument, {}, token)), ["NOT_PERMITTED"]);
    }
    assert.deepEqual(errorCodes(await server.gql(TenantCountDocument, {})), ["UNAUTHENTICATED"]);
    assert.equal((await server.sql<{ n: number | string }>("SELECT COUNT(*) AS n FROM tenants WHERE name = 'Sneaky'"))[0].n, 0);
  });

  it("rotating a tenant's API key revokes the old one at once", async () => {
    const [a, b] = await twoTenants(server, { users: 0 });
    const rotated = ok(
      dataOf(
        await server.gql(RotateApiKeyDocument, { input: { tenantId: a.id } }, server.platformToken),
      ).rotateTenantApiKey,
    );
    const apiKey = rotated.apiKey!;
    assert.notEqual(apiKey, a.apiKey);
    assert.deepEqual(errorCodes(await server.gql(MyTenantIdDocument, {}, a.apiKey)), ["UNAUTHENTICATED"]);
    assert.equal(dataOf(await server.gql(MyTenantIdDocument, {}, apiKey)).myTenant!.id, a.id);
    assert.equal(dataOf(await server.gql(MyTenantIdDocument, {}, b.apiKey)).myTenant!.id, b.id, "other tenants keep their keys");
    const stored = await server.sql<{ secret_hash: string }>("SELECT secret_hash FROM tenant_api_keys");
    for (const row of stored) assert.ok(!apiKey.includes(row.secret_hash), "keys are stored hashed");
  });
});
