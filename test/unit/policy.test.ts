import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GroupCategory, screensForMinors } from "../../src/policy/compliance";
import { CodeType, CreationOverflow, Plan } from "../../src/policy/limits";
import { applyOverridesPatch, mergeLimits, overrideProblems } from "../../src/policy/overrides";
import { PolicyRegistry } from "../../src/policy/registry";

const tenant = (plan: Plan, extra: Partial<Parameters<PolicyRegistry["forTenant"]>[0]> = {}) => ({
  rowId: "t1",
  version: 1,
  plan,
  policyOverrides: null,
  financialLicense: null,
  dataUsageRulesUrl: null,
  ...extra,
});

describe("minor protection (every plan)", () => {
  it("EDUCATION groups always need join approval, take no LIVE codes, and are screened against the minor-protection list", () => {
    for (const plan of Object.values(Plan)) {
      const policy = new PolicyRegistry().forTenant(tenant(plan));
      assert.equal(policy.requiresJoinApproval({ category: GroupCategory.EDUCATION }), true, plan);
      assert.equal(policy.allowsLiveCodeFor({ category: GroupCategory.EDUCATION }), false, plan);
      for (const category of [GroupCategory.GENERAL, GroupCategory.FINANCIAL]) {
        assert.equal(policy.requiresJoinApproval({ category }), false, `${plan} ${category}`);
        assert.equal(policy.allowsLiveCodeFor({ category }), true, `${plan} ${category}`);
      }
    }
    assert.equal(screensForMinors({ category: GroupCategory.EDUCATION }), true);
    assert.equal(screensForMinors({ category: GroupCategory.GENERAL }), false);
  });

  it("creation overflow: REFUSE on every plan unless overridden to REVIEW", () => {
    for (const plan of Object.values(Plan)) {
      assert.equal(new PolicyRegistry().forTenant(tenant(plan)).reviewsCreationOverflow(), false, plan);
      const reviewed = new PolicyRegistry().forTenant(tenant(plan, { policyOverrides: { dailyGroupCreationOverflow: CreationOverflow.REVIEW } }));
      assert.equal(reviewed.reviewsCreationOverflow(), true, plan);
    }
  });
});

describe("plan policy objects", () => {
  it("personal groups grow by direct add up to 40, owner counted", () => {
    const policy = new PolicyRegistry().forTenant(tenant(Plan.PERSONAL));
    assert.equal(policy.directAddSlots(39), 1);
    assert.equal(policy.directAddSlots(40), 0);
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

  it("compliance refusals name what is missing, in one sentence", () => {
    const registry = new PolicyRegistry();
    const enterprise = registry.forTenant(tenant(Plan.ENTERPRISE));
    assert.equal(
      enterprise.complianceRefusal({ category: GroupCategory.GENERAL, minorProtection: false }),
      "Compliance requirements not met: this plan requires the tenant's dataUsageRulesUrl to be published",
    );
    assert.equal(
      enterprise.complianceRefusal({ category: GroupCategory.EDUCATION, minorProtection: false }),
      "Compliance requirements not met: education groups require minorProtection: true; this plan requires the tenant's dataUsageRulesUrl to be published",
    );
    const personal = registry.forTenant({ ...tenant(Plan.PERSONAL), rowId: "p" });
    assert.equal(personal.complianceRefusal({ category: GroupCategory.GENERAL, minorProtection: false }), null);
    assert.equal(
      personal.complianceRefusal({ category: GroupCategory.FINANCIAL, minorProtection: false }),
      "Compliance requirements not met: financial groups require the tenant's financialLicense",
    );
    assert.equal(
      personal.complianceRefusal({ category: GroupCategory.EDUCATION, minorProtection: false }),
      "Compliance requirements not met: education groups require minorProtection: true",
    );
    assert.equal(personal.complianceRefusal({ category: GroupCategory.EDUCATION, minorProtection: true }), null);
    const licensed = registry.forTenant({ ...tenant(Plan.PERSONAL), rowId: "l", financialLicense: "FIN-1" });
    assert.equal(licensed.complianceRefusal({ category: GroupCategory.FINANCIAL, minorProtection: false }), null);
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
    const problems = (plan: Plan, patch: Parameters<typeof overrideProblems>[2]) =>
      overrideProblems(plan, applyOverridesPatch(null, patch), patch).map((p) => p.field);
    assert.deepEqual(problems(Plan.PERSONAL, {}), []);
    assert.deepEqual(problems(Plan.PERSONAL, { directAddLimit: 101 }), ["directAddLimit"]);
    assert.deepEqual(problems(Plan.PERSONAL, { codeTypes: [CodeType.LIVE] }), ["liveCodeGroupCap"]);
  });
});

describe("policy overrides", () => {
  it("are a patch: given replaces, null clears back to the plan, absent keeps", () => {
    const stored = { maxGroupSize: 1000, directAddLimit: 1000, maxAdmins: 5 };
    assert.deepEqual(applyOverridesPatch(stored, undefined), stored);
    assert.equal(applyOverridesPatch(stored, null), null);
    assert.deepEqual(applyOverridesPatch(stored, { maxAdmins: 7 }), { maxGroupSize: 1000, directAddLimit: 1000, maxAdmins: 7 });
    assert.deepEqual(applyOverridesPatch(stored, { directAddLimit: null, statsEnabled: true }), { maxGroupSize: 1000, maxAdmins: 5, statsEnabled: true });
    assert.equal(applyOverridesPatch({ maxAdmins: 5 }, { maxAdmins: null }), null, "nothing left: no overrides at all");
    assert.equal(applyOverridesPatch(null, {}), null);
    assert.deepEqual(stored, { maxGroupSize: 1000, directAddLimit: 1000, maxAdmins: 5 }, "the stored object is not mutated");
  });

  it("lowering maxGroupSize alone brings every cap bounded by it down with it", () => {
    const patch = { maxGroupSize: 60 };
    assert.deepEqual(overrideProblems(Plan.PERSONAL, applyOverridesPatch(null, patch), patch), []);
    const personal = mergeLimits(Plan.PERSONAL, { maxGroupSize: 30 });
    assert.deepEqual([personal.maxGroupSize, personal.directAddLimit, personal.codeJoinCap, personal.permanentCodeMaxMembers], [30, 30, 30, 30]);
    assert.equal(personal.liveCodeGroupCap, null, "no limit stays no limit");
    const enterprise = mergeLimits(Plan.ENTERPRISE, { maxGroupSize: 50 });
    assert.deepEqual([enterprise.directAddLimit, enterprise.codeJoinCap, enterprise.liveCodeGroupCap, enterprise.permanentCodeMaxMembers], [50, 50, 50, null]);
    const above = mergeLimits(Plan.PERSONAL, { maxGroupSize: 60 });
    assert.deepEqual([above.directAddLimit, above.codeJoinCap, above.permanentCodeMaxMembers], [40, 60, 40], "caps already below stay where they are");
  });

  it("caps stored earlier follow a later, lower maxGroupSize; caps sent now are held to it", () => {
    const stored = { maxGroupSize: 1000, directAddLimit: 1000, codeJoinCap: 1000 };
    const lower = { maxGroupSize: 300 };
    const merged = applyOverridesPatch(stored, lower);
    assert.deepEqual(overrideProblems(Plan.ENTERPRISE_CERTIFIED, merged, lower), []);
    assert.deepEqual([mergeLimits(Plan.ENTERPRISE_CERTIFIED, merged).directAddLimit, mergeLimits(Plan.ENTERPRISE_CERTIFIED, merged).codeJoinCap], [300, 300]);
    const contradictory = { maxGroupSize: 300, codeJoinCap: 400 };
    assert.deepEqual(
      overrideProblems(Plan.ENTERPRISE_CERTIFIED, applyOverridesPatch(stored, contradictory), contradictory).map((p) => p.field),
      ["codeJoinCap"],
    );
  });

  it("reports every explicit contradiction in one answer", () => {
    const patch = { maxGroupSize: 60, directAddLimit: 70, codeJoinCap: 100, permanentCodeMaxMembers: 61, liveCodeGroupCap: 60, temporaryCodeTtlMinSeconds: 7200, temporaryCodeTtlMaxSeconds: 3600 };
    const problems = overrideProblems(Plan.ENTERPRISE, applyOverridesPatch(null, patch), patch);
    assert.deepEqual(problems.map((p) => p.field), ["directAddLimit", "codeJoinCap", "permanentCodeMaxMembers", "temporaryCodeTtlMinSeconds"]);
    assert.match(problems[1]!.message, /codeJoinCap \(100\) may not exceed maxGroupSize \(60\)/);
    const ttl = { temporaryCodeTtlSeconds: 3600 };
    assert.deepEqual(overrideProblems(Plan.PERSONAL, applyOverridesPatch(null, ttl), ttl).map((p) => p.field), ["temporaryCodeTtlSeconds"]);
  });
});
