import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildSchema, getNullableType, GraphQLInputObjectType, GraphQLObjectType, isNonNullType } from "graphql";
import { DomainError, ErrorCode } from "../../src/common/domain-error";
import { CREATION_CHECKS } from "../../src/modules/group/group-creation";
import { STANDARD_COMPLIANCE_CHECKS } from "../../src/policy/compliance";
import { CAPS_AT_MOST_GROUP_SIZE, POLICY_FIELD_TABLE, POLICY_FIELDS, type PolicyFieldSpec, policyOverridesSchema } from "../../src/policy/fields";
import { CodeType, Plan } from "../../src/policy/limits";
import { mergeLimits } from "../../src/policy/overrides";
import { ENTERPRISE_LIMITS, PERSONAL_LIMITS, PLAN_LIMITS } from "../../src/policy/plans";
import { TenantPolicy } from "../../src/policy/policy";

const QUALIFIED = { financialLicense: null, dataUsageRulesUrl: "https://rules.example" };
const policyOf = (plan: Plan, overrides: Parameters<typeof mergeLimits>[1] = null) => new TenantPolicy(plan, mergeLimits(plan, overrides), QUALIFIED, STANDARD_COMPLIANCE_CHECKS);

describe("the policy's capacity arithmetic", () => {
  it("direct-add slots: up to the direct-add limit, owner counted, never negative", () => {
    const personal = policyOf(Plan.PERSONAL);
    assert.equal(personal.directAddSlots(1), 39, "a new group: the creator plus 39");
    assert.equal(personal.directAddSlots(39), 1);
    assert.equal(personal.directAddSlots(40), 0);
    assert.equal(personal.directAddSlots(95), 0, "past the limit: none, not a negative count");
    assert.equal(policyOf(Plan.ENTERPRISE).directAddSlots(1), 199);
  });

  it("direct-add slots never pass the group capacity, even with a direct-add limit above it", () => {
    const odd = new TenantPolicy(Plan.PERSONAL, { ...PERSONAL_LIMITS, codeTypes: [...PERSONAL_LIMITS.codeTypes], directAddLimit: 150 }, QUALIFIED, []);
    assert.equal(odd.directAddSlots(1), 99);
    assert.equal(odd.directAddSlots(100), 0);
  });

  it("group capacity: the most members one group holds", () => {
    const personal = policyOf(Plan.PERSONAL);
    assert.equal(personal.groupCapacity(), 100);
    assert.equal(personal.fitsInGroup(100), true);
    assert.equal(personal.fitsInGroup(101), false);
    assert.equal(policyOf(Plan.ENTERPRISE_CERTIFIED).groupCapacity(), 500);
    assert.equal(policyOf(Plan.PERSONAL, { maxGroupSize: 30 }).groupCapacity(), 30);
  });

  it("code-join capacity per code type: the plan's cap, the code-join cap, the permanent-code limit", () => {
    const personal = policyOf(Plan.PERSONAL);
    assert.equal(personal.codeJoinCapacity(CodeType.PERMANENT), 40);
    assert.equal(personal.codeJoinCapacity(CodeType.TEMPORARY), 100);
    assert.equal(personal.codeJoinCapacity(CodeType.FACE_TO_FACE), 100);
    assert.equal(policyOf(Plan.PERSONAL, { codeJoinCap: 20 }).codeJoinCapacity(CodeType.PERMANENT), 20);
    assert.equal(policyOf(Plan.ENTERPRISE).codeJoinCapacity(CodeType.PERMANENT), 200, "no permanent-code limit on enterprise");
  });

  it("live-code capacity: the code's perGroupCap within the plan's; the largest perGroupCap a code may have", () => {
    const enterprise = policyOf(Plan.ENTERPRISE);
    assert.equal(enterprise.liveCodeCapacity(50), 50);
    assert.equal(enterprise.liveCodeCapacity(300), 200);
    assert.equal(enterprise.liveCodePerGroupCapMax(), 200);
    assert.equal(policyOf(Plan.ENTERPRISE, { maxGroupSize: 80 }).liveCodePerGroupCapMax(), 80);
    assert.equal(policyOf(Plan.PERSONAL).liveCodePerGroupCapMax(), 0, "no live codes: nothing is allowed");
  });

  it("the other questions: admins, transfer, daily creations, invitation expiry, bulk actions", () => {
    const personal = policyOf(Plan.PERSONAL);
    assert.equal(personal.adminLimit(), 3);
    assert.equal(personal.transferRequiresAdmin(), true);
    assert.equal(personal.dailyGroupCreationLimit(), 5);
    assert.equal(personal.invitationExpiresAt(1000), 1000 + 7 * 24 * 3600 * 1000);
    assert.deepEqual(personal.bulkActionRule(), { threshold: 50, windowSeconds: 600 });
  });
});

describe("the policy's feature gates", () => {
  it("stats and live codes follow the plan and its overrides", () => {
    const personal = policyOf(Plan.PERSONAL);
    assert.equal(personal.allows("stats"), false);
    assert.equal(personal.allows("liveCodes"), false);
    const enterprise = policyOf(Plan.ENTERPRISE);
    assert.equal(enterprise.allows("stats"), true);
    assert.equal(enterprise.allows("liveCodes"), true);
    assert.equal(policyOf(Plan.ENTERPRISE, { statsEnabled: false }).allows("stats"), false);
    assert.equal(policyOf(Plan.ENTERPRISE, { codeTypes: [CodeType.PERMANENT] }).allows("liveCodes"), false);
  });

  it("requireFeature throws FEATURE_NOT_IN_PLAN, carrying its code for a query's top-level error", () => {
    const personal = policyOf(Plan.PERSONAL);
    assert.throws(
      () => personal.requireFeature("stats"),
      (error: unknown) =>
        error instanceof DomainError &&
        error.code === ErrorCode.FEATURE_NOT_IN_PLAN &&
        error.message === "Statistics are not part of this plan" &&
        error.extensions.code === ErrorCode.FEATURE_NOT_IN_PLAN,
    );
    assert.throws(() => personal.requireFeature("liveCodes"), /Live codes are not part of this plan/);
    policyOf(Plan.ENTERPRISE).requireFeature("stats");
  });
});

describe("the policy field table", () => {
  it("every plan sets exactly the table's fields", () => {
    for (const plan of Object.values(Plan)) assert.deepEqual(Object.keys(PLAN_LIMITS[plan]).sort(), [...POLICY_FIELDS].sort(), plan);
  });

  it("derives the caps bounded by maxGroupSize from the table, in table order", () => {
    assert.deepEqual([...CAPS_AT_MOST_GROUP_SIZE], ["directAddLimit", "codeJoinCap", "permanentCodeMaxMembers", "liveCodeGroupCap"]);
  });

  it("validates overrides with the table's bounds; null clears, absent keeps", () => {
    const ok = (value: unknown) => policyOverridesSchema.safeParse(value).success;
    assert.equal(ok(undefined), true);
    assert.equal(ok(null), true);
    assert.equal(ok({ maxGroupSize: null, statsEnabled: null }), true);
    for (const [field, spec] of Object.entries(POLICY_FIELD_TABLE)) {
      if (!("min" in spec)) continue;
      assert.equal(ok({ [field]: spec.min }), true, `${field} at its minimum`);
      assert.equal(ok({ [field]: spec.max }), true, `${field} at its maximum`);
      assert.equal(ok({ [field]: spec.min - 1 }), false, `${field} below its minimum`);
      assert.equal(ok({ [field]: spec.max + 1 }), false, `${field} above its maximum`);
      assert.equal(ok({ [field]: spec.min + 0.5 }), false, `${field} must be an integer`);
    }
    assert.equal(ok({ statsEnabled: "yes" }), false);
    assert.equal(ok({ codeTypes: [CodeType.LIVE, CodeType.PERMANENT] }), true);
    assert.equal(ok({ codeTypes: ["SECRET"] }), false);
    const repeated = policyOverridesSchema.safeParse({ codeTypes: [CodeType.LIVE, CodeType.LIVE] });
    assert.equal(repeated.success, false);
    assert.match(repeated.error!.issues[0]!.message, /must not repeat a code type/);
  });

  it("bounds every plan's own values", () => {
    for (const plan of Object.values(Plan)) assert.equal(policyOverridesSchema.safeParse(PLAN_LIMITS[plan]).success, true, plan);
  });

  it("merged limits are copies: a tenant's lists are not the plan's", () => {
    const merged = mergeLimits(Plan.ENTERPRISE, null);
    assert.deepEqual(merged, ENTERPRISE_LIMITS);
    assert.notEqual(merged.codeTypes, ENTERPRISE_LIMITS.codeTypes);
  });

  it("generates the GraphQL types PlanPolicy, PolicyOverrides and PolicyOverridesInput from the table", () => {
    const schema = buildSchema(readFileSync(join(__dirname, "../../../schema/schema.graphql"), "utf8"));
    const planPolicy = schema.getType("PlanPolicy") as GraphQLObjectType;
    const overrides = schema.getType("PolicyOverrides") as GraphQLObjectType;
    const input = schema.getType("PolicyOverridesInput") as GraphQLInputObjectType;
    for (const type of [planPolicy, overrides, input]) assert.deepEqual(Object.keys(type.getFields()).sort(), [...POLICY_FIELDS].sort(), type.name);
    for (const [field, spec] of Object.entries(POLICY_FIELD_TABLE)) {
      const planField = planPolicy.getFields()[field]!;
      const nullable = spec.kind === "nullableInt" || (spec.kind === "object" && (spec as PolicyFieldSpec & { nullable?: boolean }).nullable === true);
      assert.equal(isNonNullType(planField.type), !nullable, `PlanPolicy.${field} nullability`);
      assert.equal(isNonNullType(overrides.getFields()[field]!.type), false, `PolicyOverrides.${field} is optional`);
      assert.equal(isNonNullType(input.getFields()[field]!.type), false, `PolicyOverridesInput.${field} is optional`);
      const named = String(getNullableType(planField.type));
      const s = spec as PolicyFieldSpec;
      const expected = s.kind === "enumList" ? `[${s.enumName}!]` : s.kind === "enum" ? s.enumName : s.kind === "object" ? s.typeName : s.kind === "boolean" ? "Boolean" : "Int";
      assert.equal(named, expected, `PlanPolicy.${field} type`);
      assert.ok(planField.description?.startsWith(spec.description), `PlanPolicy.${field} carries the table's description`);
    }
  });
});

describe("the group-creation door's check table", () => {
  it("lists the four paths and what each checks, in order", () => {
    assert.deepEqual(Object.keys(CREATION_CHECKS).sort(), ["createGroup", "faceToFace", "liveCode", "split"]);
    assert.deepEqual(CREATION_CHECKS.createGroup.checks, [
      "input",
      "tooFewMembers",
      "membersAreContacts",
      "groupCapacity",
      "compliance",
      "nameModeration",
      "dailyCreationAllowance",
    ]);
    assert.deepEqual(CREATION_CHECKS.createGroup.afterwards, ["directAddThenInvite", "reviewQueue", "bulkActionRisk"]);
    assert.deepEqual(CREATION_CHECKS.faceToFace.checks, ["dailyCreationAllowance", "compliance"]);
    assert.deepEqual(CREATION_CHECKS.liveCode.checks, ["roomForJoiner"]);
    assert.deepEqual(CREATION_CHECKS.split.checks, ["sizeWithinCapacity"]);
  });

  it("applies compliance and the daily allowance only to groups a person starts", () => {
    const applying = (check: string) => Object.entries(CREATION_CHECKS).filter(([, row]) => (row.checks as readonly string[]).includes(check)).map(([path]) => path).sort();
    assert.deepEqual(applying("compliance"), ["createGroup", "faceToFace"]);
    assert.deepEqual(applying("dailyCreationAllowance"), ["createGroup", "faceToFace"]);
    assert.deepEqual(applying("nameModeration"), ["createGroup"]);
  });
});
