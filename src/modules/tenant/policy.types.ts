import { Field, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { GroupCategory } from "../../policy/compliance";
import { POLICY_FIELD_SPECS, type PolicyFieldSpec, type PolicyLimits, type PolicyOverrides } from "../../policy/fields";
import { CodeType, CreationOverflow, Plan } from "../../policy/limits";

// The policy's enums, registered by the GraphQL layer (src/policy/ knows nothing of GraphQL).
registerEnumType(Plan, { name: "Plan" });
registerEnumType(CodeType, { name: "CodeType" });
registerEnumType(GroupCategory, { name: "GroupCategory" });
registerEnumType(CreationOverflow, { name: "CreationOverflow", description: "What happens to a group created over the daily creation limit." });

/** The GraphQL enum for an enum object a policy field uses (registered above, under the table's enumName). */
const POLICY_ENUMS = new Map<object, string>([
  [CodeType, "CodeType"],
  [CreationOverflow, "CreationOverflow"],
]);

function registeredEnum(values: object, enumName: string): object {
  if (POLICY_ENUMS.get(values) !== enumName) throw new Error(`The policy enum ${enumName} is not registered with GraphQL (src/modules/tenant/policy.types.ts)`);
  return values;
}

/**
 * The GraphQL type of an `object` field, e.g. `{ count windowDays }`: one class that is both the
 * output type (named by the table's typeName) and the input type (typeName + "Input"), made once.
 */
const objectTypes = new Map<string, new () => object>();
function objectFieldType(spec: Extract<PolicyFieldSpec, { kind: "object" }>): new () => object {
  const existing = objectTypes.get(spec.typeName);
  if (existing) return existing;
  const type = class {};
  Object.defineProperty(type, "name", { value: spec.typeName });
  for (const [part, bounds] of Object.entries(spec.parts)) {
    Field(() => Int, { description: `${bounds.description} (${bounds.min}…${bounds.max})` })(type.prototype, part);
  }
  ObjectType(spec.typeName, { simpleResolvers: true, description: spec.typeDescription })(type);
  InputType(`${spec.typeName}Input`)(type);
  objectTypes.set(spec.typeName, type);
  return type;
}

/** The GraphQL type of a field of this kind. */
function graphqlType(spec: PolicyFieldSpec): () => object {
  switch (spec.kind) {
    case "int":
    case "nullableInt":
      return () => Int;
    case "boolean":
      return () => Boolean;
    case "enumList": {
      const values = registeredEnum(spec.values, spec.enumName);
      return () => [values];
    }
    case "enum": {
      const values = registeredEnum(spec.values, spec.enumName);
      return () => values;
    }
    case "object": {
      const type = objectFieldType(spec);
      return () => type;
    }
  }
}

/** What an operator may set, as the field's description says it. */
function boundsText(spec: PolicyFieldSpec): string {
  return "min" in spec ? ` Overrides: ${spec.min}…${spec.max}.` : "";
}

@ObjectType("PlanPolicy", { simpleResolvers: true, description: "The limits a tenant's requests run under (plan plus overrides)." })
export class PlanPolicyType {}
// The fields are declared once, in src/policy/fields.ts; the type says so to the compiler.
export interface PlanPolicyType extends PolicyLimits {}

/**
 * Operator overrides of a plan: any field set here replaces the plan's value. As input to
 * updateTenant it is a patch: a field given replaces that override, null clears it back to the
 * plan's value, a field not given is unchanged. The caps marked `cappedByGroupSize` in the table
 * follow a lowered maxGroupSize unless set explicitly.
 */
@ObjectType("PolicyOverrides", { simpleResolvers: true })
@InputType("PolicyOverridesInput")
export class PolicyOverridesType {}
export interface PolicyOverridesType extends PolicyOverrides {}

for (const [name, spec] of POLICY_FIELD_SPECS) {
  const type = graphqlType(spec);
  const capped = "cappedByGroupSize" in spec && spec.cappedByGroupSize ? " At most maxGroupSize." : "";
  const nullable = spec.kind === "nullableInt" || (spec.kind === "object" && spec.nullable === true);
  Field(type, { nullable, description: `${spec.description}${capped}` })(PlanPolicyType.prototype, name);
  Field(type, {
    nullable: true,
    description: `${spec.description}${capped}${boundsText(spec)}`,
  })(PolicyOverridesType.prototype, name);
}
