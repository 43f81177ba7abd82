import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Connection } from "../../common/pagination";
import { CodeType, type OwnershipTransferLimit, Plan, type PolicyLimits, type PolicyOverrides } from "../../policy/limits";
import { Tenant } from "./tenant.entity";

@ObjectType("OwnershipTransferLimit", { simpleResolvers: true, description: "At most `count` ownership transfers of one group within any `windowDays` days." })
@InputType("OwnershipTransferLimitInput")
export class OwnershipTransferLimitType implements OwnershipTransferLimit {
  @Field(() => Int) count: number;
  @Field(() => Int) windowDays: number;
}

@ObjectType("PlanPolicy", { simpleResolvers: true, description: "The limits a tenant's requests run under (plan plus overrides)." })
export class PlanPolicyType implements PolicyLimits {
  @Field(() => Int) maxGroupSize: number;
  @Field(() => Int) directAddLimit: number;
  @Field(() => [CodeType]) codeTypes: CodeType[];
  @Field(() => Int, { nullable: true }) permanentCodeMaxMembers: number | null;
  @Field(() => Int) temporaryCodeTtlSeconds: number;
  @Field(() => Int) temporaryCodeTtlMinSeconds: number;
  @Field(() => Int) temporaryCodeTtlMaxSeconds: number;
  @Field(() => Int) codeJoinCap: number;
  @Field(() => Int, { nullable: true }) liveCodeGroupCap: number | null;
  @Field(() => Int) dailyGroupCreationLimit: number;
  @Field(() => Int) maxAdmins: number;
  @Field(() => Boolean) transferRequiresAdmin: boolean;
  @Field(() => Boolean) requireDataUsageRules: boolean;
  @Field(() => Boolean) statsEnabled: boolean;
  @Field(() => Int) invitationTtlSeconds: number;
  @Field(() => Int) bulkActionThreshold: number;
  @Field(() => Int) bulkActionWindowSeconds: number;
  @Field(() => Boolean, { description: "Admins may remove other admins; false: plain members only." }) adminsMayRemoveAdmins: boolean;
  @Field(() => Boolean, { description: "false: a group's permanent code from birth is its only one and is never revoked." }) permanentCodeRefreshable: boolean;
  @Field(() => OwnershipTransferLimitType, { nullable: true, description: "Ownership transfers per group within a window; null: unlimited." })
  ownershipTransferLimit: OwnershipTransferLimitType | null;
}

/**
 * Operator overrides of a plan: any field set here replaces the plan's value. As input to
 * updateTenant it is a patch: a field given replaces that override, null clears it back to the
 * plan's value, a field not given is unchanged. directAddLimit, codeJoinCap,
 * permanentCodeMaxMembers and liveCodeGroupCap follow a lowered maxGroupSize unless set explicitly.
 */
@ObjectType("PolicyOverrides", { simpleResolvers: true })
@InputType("PolicyOverridesInput")
export class PolicyOverridesType implements PolicyOverrides {
  @Field(() => Int, { nullable: true }) maxGroupSize?: number;
  @Field(() => Int, { nullable: true }) directAddLimit?: number;
  @Field(() => [CodeType], { nullable: true }) codeTypes?: CodeType[];
  @Field(() => Int, { nullable: true }) permanentCodeMaxMembers?: number | null;
  @Field(() => Int, { nullable: true }) temporaryCodeTtlSeconds?: number;
  @Field(() => Int, { nullable: true }) temporaryCodeTtlMinSeconds?: number;
  @Field(() => Int, { nullable: true }) temporaryCodeTtlMaxSeconds?: number;
  @Field(() => Int, { nullable: true }) codeJoinCap?: number;
  @Field(() => Int, { nullable: true }) liveCodeGroupCap?: number | null;
  @Field(() => Int, { nullable: true }) dailyGroupCreationLimit?: number;
  @Field(() => Int, { nullable: true }) maxAdmins?: number;
  @Field(() => Boolean, { nullable: true }) transferRequiresAdmin?: boolean;
  @Field(() => Boolean, { nullable: true }) requireDataUsageRules?: boolean;
  @Field(() => Boolean, { nullable: true }) statsEnabled?: boolean;
  @Field(() => Int, { nullable: true }) invitationTtlSeconds?: number;
  @Field(() => Int, { nullable: true }) bulkActionThreshold?: number;
  @Field(() => Int, { nullable: true }) bulkActionWindowSeconds?: number;
  @Field(() => Boolean, { nullable: true }) adminsMayRemoveAdmins?: boolean;
  @Field(() => Boolean, { nullable: true }) permanentCodeRefreshable?: boolean;
  @Field(() => OwnershipTransferLimitType, { nullable: true }) ownershipTransferLimit?: OwnershipTransferLimitType | null;
}

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
