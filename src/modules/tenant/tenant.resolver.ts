import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { runMutation } from "../../graphql/mutation";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";
import { nodeNotFound } from "../../graphql/node-registry";
import { Tenant } from "./tenant.entity";
import {
  CreateTenantInput,
  CreateTenantPayload,
  PlanPolicyType,
  PolicyOverridesType,
  RotateTenantApiKeyInput,
  RotateTenantApiKeyPayload,
  RotateTokenSigningSecretInput,
  RotateTokenSigningSecretPayload,
  TenantConnection,
  TenantQualificationsType,
  UpdateTenantInput,
  UpdateTenantPayload,
} from "./tenant.types";
import { Authenticator } from "../../auth/authenticator";
import { PolicyRegistry } from "../../policy/registry";
import { TenantService } from "./tenant.service";

@Resolver(() => Tenant)
export class TenantResolver {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly policies: PolicyRegistry,
    private readonly tenantService: TenantService,
  ) {}

  @Mutation(() => CreateTenantPayload, { description: "Platform operator: create a tenant; its API key is returned once." })
  @Allow("PLATFORM")
  createTenant(@Arg("input", () => CreateTenantInput) input: CreateTenantInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.tenantService.createTenant(ctx, em, input));
  }

  @Mutation(() => UpdateTenantPayload, { description: "Platform operator: change a tenant's name, plan, overrides or qualifications." })
  @Allow("PLATFORM")
  async updateTenant(@Arg("input", () => UpdateTenantInput) input: UpdateTenantInput, @Ctx() ctx: RequestContext) {
    const payload = await runMutation(ctx, (em) => this.tenantService.updateTenant(ctx, em, input));
    if (payload.tenant) this.authenticator.invalidateTenant(payload.tenant.rowId);
    return payload;
  }

  @Mutation(() => RotateTenantApiKeyPayload, { description: "Platform operator: revoke a tenant's API keys and issue a new one." })
  @Allow("PLATFORM")
  async rotateTenantApiKey(@Arg("input", () => RotateTenantApiKeyInput) input: RotateTenantApiKeyInput, @Ctx() ctx: RequestContext) {
    const payload = await runMutation(ctx, (em) => this.tenantService.rotateApiKey(ctx, em, input.tenantId));
    if (payload.tenant) this.authenticator.invalidateTenant(payload.tenant.rowId);
    return payload;
  }

  @Mutation(() => RotateTokenSigningSecretPayload, {
    description: "Tenant key (its own tenant) or platform operator: a new token-signing secret, ending every user token issued until now. API keys are untouched.",
  })
  @Allow("PLATFORM", "TENANT")
  async rotateTokenSigningSecret(@Arg("input", () => RotateTokenSigningSecretInput) input: RotateTokenSigningSecretInput, @Ctx() ctx: RequestContext) {
    const payload = await runMutation(ctx, (em) => this.tenantService.rotateTokenSigningSecret(ctx, em, input.tenantId));
    if (payload.tenant) this.authenticator.invalidateTenant(payload.tenant.rowId);
    return payload;
  }

  @Query(() => TenantConnection, { description: "Platform operator: every tenant, oldest first." })
  @Allow("PLATFORM")
  tenants(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return this.tenantService.listTenants(pageRequest(args));
  }

  @Query(() => Tenant, { description: "The caller's own tenant." })
  @Allow("TENANT", "USER")
  async myTenant(@Ctx() ctx: RequestContext): Promise<Tenant> {
    const tenant = await this.tenantService.findTenant(ctx.tenantId);
    if (!tenant) throw nodeNotFound();
    return tenant;
  }

  @FieldResolver(() => PlanPolicyType, { description: "The limits in force: the plan with overrides applied." })
  policy(@Root() tenant: Tenant, @Ctx() ctx: RequestContext): PlanPolicyType {
    return this.policies.forTenant(tenant).limits;
  }

  @FieldResolver(() => PolicyOverridesType, { nullable: true })
  policyOverrides(@Root() tenant: Tenant): PolicyOverridesType | null {
    return tenant.policyOverrides;
  }

  @FieldResolver(() => TenantQualificationsType)
  qualifications(@Root() tenant: Tenant): TenantQualificationsType {
    return { financialLicense: tenant.financialLicense, dataUsageRulesUrl: tenant.dataUsageRulesUrl };
  }
}
