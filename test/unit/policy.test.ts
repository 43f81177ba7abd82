import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GroupCategory } from "../../src/policy/compliance";
import { CodeType, Plan } from "../../src/policy/limits";
import { limitProblems } from "../../src/policy/policy";
import { mergeLimits, PolicyRegistry } from "../../src/policy/registry";

const tenant = (plan: Plan, extra: Partial<Parameters<PolicyRegistry["forTenant"]>[0]> = {}) => ({
  rowId: "t1",
  version: 1,
  plan,
  policyOverrides: null,
  financialLicense: null,
  dataUsageRulesUrl: null,
  ...extra,
});

describe("plan policy objects", () => {
  it("personal groups grow by direct add up to 40, owner counted", () => {
    const policy = new PolicyRegistry().forTenant(tenant(Plan.PERSONAL));
    assert.equal(policy.allowsDirectAdd(39), true);
    assert.equal(policy.allowsDirectAdd(40), false);
    assert.equal(policy.allowsCodeType(CodeType.LIVE), false);
    assert.equal(policy.allowsCodeType(CodeType.FACE_TO_FACE), true);
  });

  it("temporary code lifetimes: fixed on personal, a range on enterprise", () => {
    const registry = new PolicyRegistry();
    const personal = registry.forTenant(tenant(Plan.PERSONAL));
    assert.deepEqual(personal.temporaryCodeTtl(undefined), { ok: true, seconds: 259200 });
    assert.equal(personal.temporaryCodeTtl(3600).ok, false);
    const enterprise = registry.forTenant({ ...tenant(Plan.ENTERPRISE), rowId: "t2" });
    assert.deepEqual(enterprise.temporaryCodeTtl(undefined), { ok: true, seconds: 604800 });
    assert.deepEqual(enterprise.temporaryCodeTtl(3600), { ok: true, seconds: 3600 });
    assert.equal(enterprise.temporaryCodeTtl(3599).ok, false);
    assert.equal(enterprise.temporaryCodeTtl(31536001).ok, false);
  });

  it("compliance checks name what is missing", () => {
    const registry = new PolicyRegistry();
    const enterprise = registry.forTenant(tenant(Plan.ENTERPRISE));
    assert.deepEqual(enterprise.missingCompliance({ category: GroupCategory.GENERAL, minorProtection: false }), [
      "this plan requires the tenant's dataUsageRulesUrl to be published",
    ]);
    const personal = registry.forTenant({ ...tenant(Plan.PERSONAL), rowId: "p" });
    assert.deepEqual(personal.missingCompliance({ category: GroupCategory.GENERAL, minorProtection: false }), []);
    assert.deepEqual(personal.missingCompliance({ category: GroupCategory.FINANCIAL, minorProtection: false }), [
      "financial groups require the tenant's financialLicense",
    ]);
    assert.deepEqual(personal.missingCompliance({ category: GroupCategory.EDUCATION, minorProtection: false }), [
      "education groups require minorProtection: true",
    ]);
    assert.deepEqual(personal.missingCompliance({ category: GroupCategory.EDUCATION, minorProtection: true }), []);
    const licensed = registry.forTenant({ ...tenant(Plan.PERSONAL), rowId: "l", financialLicense: "FIN-1" });
    assert.deepEqual(licensed.missingCompliance({ category: GroupCategory.FINANCIAL, minorProtection: false }), []);
  });

  it("overrides replace single fields, and the cache follows the tenant's version", () => {
    const registry = new PolicyRegistry();
    const v1 = registry.forTenant(tenant(Plan.PERSONAL, { policyOverrides: { maxGroupSize: 1000, directAddLimit: 1000 } }));
    assert.equal(v1.limits.maxGroupSize, 1000);
    assert.equal(v1.limits.maxAdmins, 3);
    assert.equal(registry.forTenant(tenant(Plan.PERSONAL, { policyOverrides: { maxGroupSize: 1000, directAddLimit: 1000 } })), v1);
    const v2 = registry.forTenant(tenant(Plan.PERSONAL, { version: 2, policyOverrides: null }));
    assert.equal(v2.limits.maxGroupSize, 100);
    assert.ok(Object.isFrozen(v2.limits));
  });

  it("finds incoherent limits", () => {
    assert.deepEqual(limitProblems(mergeLimits(Plan.PERSONAL, {})), []);
    assert.deepEqual(limitProblems(mergeLimits(Plan.PERSONAL, { directAddLimit: 101 })).map((p) => p.field), ["directAddLimit"]);
    assert.deepEqual(limitProblems(mergeLimits(Plan.PERSONAL, { codeTypes: [CodeType.LIVE] })).map((p) => p.field), ["liveCodeGroupCap"]);
  });
});
