import { Field, ID, InputType, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Connection } from "../../common/pagination";
import { Plan } from "../../policy/limits";
import { PolicyOverridesType } from "./policy.types";
import { Tenant } from "./tenant.entity";

export { PlanPolicyType, PolicyOverridesType } from "./policy.types";

@ObjectType("TenantQualifications", { simpleResolvers: true })
@InputType("TenantQualificationsInput")
export class TenantQualificationsType {
  @Field(() => String, { nullable: true, description: "Licence number for financial groups; null clears it." })
  financialLicense?: string | null;

  @Field(() => String, { nullable: true, description: "Where the tenant publishes its data-usage rules; null clears it." })
  dataUsageRulesUrl?: string | null;
}

@InputType()
export class CreateTenantInput {
  @Field(() => String) name: string;
  @Field(() => Plan) plan: Plan;
  @Field(() => PolicyOverridesType, { nullable: true }) policyOverrides?: PolicyOverridesType | null;
  @Field(() => TenantQualificationsType, { nullable: true }) qualifications?: TenantQualificationsType | null;
}

@ObjectType()
export class CreateTenantPayload {
  @Field(() => Tenant, { nullable: true }) tenant?: Tenant | null;
  @Field(() => String, { nullable: true, description: "The tenant's API key. Shown only here; store it now." })
  apiKey?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class UpdateTenantInput {
  @Field(() => ID) tenantId: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Plan, { nullable: true }) plan?: Plan | null;
  @Field(() => PolicyOverridesType, { nullable: true, description: "A patch: fields given replace those overrides, a field set to null returns to the plan's value, fields not given are kept; null clears every override." })
  policyOverrides?: PolicyOverridesType | null;
  @Field(() => TenantQualificationsType, { nullable: true, description: "Fields given replace the stored ones; omitted fields are kept." })
  qualifications?: TenantQualificationsType | null;
}

@ObjectType()
export class UpdateTenantPayload {
  @Field(() => Tenant, { nullable: true }) tenant?: Tenant | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RotateTenantApiKeyInput {
  @Field(() => ID) tenantId: string;
}

@ObjectType()
export class RotateTenantApiKeyPayload {
  @Field(() => Tenant, { nullable: true }) tenant?: Tenant | null;
  @Field(() => String, { nullable: true, description: "The new API key; every earlier key stops working now." })
  apiKey?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RotateTokenSigningSecretInput {
  @Field(() => ID, { nullable: true, description: "The tenant; required for the platform operator, optional (its own) for a tenant key." })
  tenantId?: string | null;
}

@ObjectType()
export class RotateTokenSigningSecretPayload {
  @Field(() => Tenant, { nullable: true, description: "The tenant: every user token issued until now no longer authenticates." })
  tenant?: Tenant | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

export const TenantConnection = Connection(Tenant, "Tenant");
