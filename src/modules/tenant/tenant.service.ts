import type { EntityManager } from "typeorm";
import { z } from "zod";
import { DomainError, DomainErrors, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf, toGlobalId } from "../../common/global-id";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import { displayText, httpUrl, parseInput } from "../../common/validation";
import { generateApiKey, newJwtSecret } from "../../auth/credentials";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { forUpdate, keysetPage } from "../../db/query";
import { policyOverridesSchema, type PolicyOverrides } from "../../policy/fields";
import { Plan } from "../../policy/limits";
import { applyOverridesPatch, overrideProblems, type OverridesPatch } from "../../policy/overrides";
import { TenantApiKey } from "./api-key.entity";
import { Tenant } from "./tenant.entity";
import type { CreateTenantInput, UpdateTenantInput } from "./tenant.types";

const overridesSchema = policyOverridesSchema;

const qualificationsSchema = z
  .object({
    financialLicense: z.string().trim().min(1, "must not be empty").max(200).nullish(),
    dataUsageRulesUrl: httpUrl().nullish(),
  })
  .nullish();

const createSchema = z.object({
  name: displayText(100),
  plan: z.enum(Plan),
  policyOverrides: overridesSchema,
  qualifications: qualificationsSchema,
});

const updateSchema = z.object({
  tenantId: z.string(),
  name: displayText(100).nullish(),
  plan: z.enum(Plan).nullish(),
  policyOverrides: overridesSchema,
  qualifications: qualificationsSchema,
});

/**
 * The overrides a tenant ends up with after `patch`, or every contradiction in them at once
 * (each a userError at its field). Nothing is written before this has passed.
 */
function patchedOverrides(plan: Plan, stored: PolicyOverrides | null, patch: z.output<typeof overridesSchema>): PolicyOverrides | null {
  const explicit = patch as OverridesPatch | null | undefined;
  const overrides = applyOverridesPatch(stored, explicit);
  const problems = overrideProblems(plan, overrides, explicit);
  if (problems.length) {
    throw new DomainErrors(problems.map((p) => new DomainError(ErrorCode.INVALID_INPUT, p.message, ["input", "policyOverrides", p.field])));
  }
  return overrides;
}

/** Tenants and their credentials: the platform operator's side of the service. */
export class TenantService {
  constructor(private readonly db: Database) {}

  /** Creates a tenant and its first API key (returned once, stored hashed). */
  async createTenant(ctx: RequestContext, em: EntityManager, input: CreateTenantInput): Promise<{ tenant: Tenant; apiKey: string }> {
    const data = parseInput(createSchema, input);
    const policyOverrides = patchedOverrides(data.plan, null, data.policyOverrides);
    const now = ctx.now();
    const tenant = em.create(Tenant, {
      rowId: newId(),
      name: data.name,
      plan: data.plan,
      policyOverrides,
      financialLicense: data.qualifications?.financialLicense ?? null,
      dataUsageRulesUrl: data.qualifications?.dataUsageRulesUrl ?? null,
      jwtSecret: newJwtSecret(),
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await em.insert(Tenant, tenant);
    const apiKey = await this.issueApiKey(em, tenant.rowId, now);
    return { tenant, apiKey };
  }

  async updateTenant(ctx: RequestContext, em: EntityManager, input: UpdateTenantInput): Promise<{ tenant: Tenant }> {
    const data = parseInput(updateSchema, input);
    const tenant = await this.lockTenant(em, data.tenantId, ["input", "tenantId"]);
    const plan = data.plan ?? tenant.plan;
    // A patch: a field given replaces it, null clears it, absent keeps it; `policyOverrides: null` clears them all.
    const policyOverrides = patchedOverrides(plan, tenant.policyOverrides, data.policyOverrides);
    const changes: Partial<Tenant> = {
      name: data.name ?? tenant.name,
      plan,
      policyOverrides,
      version: tenant.version + 1,
      updatedAt: ctx.now(),
    };
    if (data.qualifications) {
      if (data.qualifications.financialLicense !== undefined) changes.financialLicense = data.qualifications.financialLicense;
      if (data.qualifications.dataUsageRulesUrl !== undefined) changes.dataUsageRulesUrl = data.qualifications.dataUsageRulesUrl;
    }
    await em.update(Tenant, { rowId: tenant.rowId }, changes);
    return { tenant: Object.assign(tenant, changes) };
  }

  /** Revokes every key of the tenant and issues a new one. */
  async rotateApiKey(ctx: RequestContext, em: EntityManager, tenantGlobalId: string): Promise<{ tenant: Tenant; apiKey: string }> {
    const tenant = await this.lockTenant(em, tenantGlobalId, ["input", "tenantId"]);
    const now = ctx.now();
    await em
      .createQueryBuilder()
      .update(TenantApiKey)
      .set({ revokedAt: now })
      .where("tenant_id = :tenantId AND revoked_at IS NULL", { tenantId: tenant.rowId })
      .execute();
    return { tenant, apiKey: await this.issueApiKey(em, tenant.rowId, now) };
  }

  /**
   * Gives the tenant a new token-signing secret: every user token signed with the old one stops
   * authenticating (API keys are untouched). A tenant key may rotate only its own tenant's secret.
   */
  async rotateTokenSigningSecret(ctx: RequestContext, em: EntityManager, tenantGlobalId: string | null | undefined): Promise<{ tenant: Tenant }> {
    let globalId = tenantGlobalId ?? null;
    if (ctx.principal.kind === "TENANT") {
      if (globalId !== null && rowIdOf(globalId, "Tenant") !== ctx.tenantId) throw notFound("Tenant", ["input", "tenantId"]);
      globalId = toGlobalId("Tenant", ctx.tenantId);
    }
    if (globalId === null) throw new DomainError(ErrorCode.INVALID_INPUT, "tenantId: the platform operator must name the tenant", ["input", "tenantId"]);
    const tenant = await this.lockTenant(em, globalId, ["input", "tenantId"]);
    const changes: Partial<Tenant> = { jwtSecret: newJwtSecret(), version: tenant.version + 1, updatedAt: ctx.now() };
    await em.update(Tenant, { rowId: tenant.rowId }, changes);
    return { tenant: Object.assign(tenant, changes) };
  }

  async listTenants(page: PageRequest): Promise<ConnectionShape<Tenant>> {
    const rows = await this.db.read((em) => keysetPage(em.createQueryBuilder(Tenant, "t"), "t.createdAt", "t.rowId", page).getMany());
    return toConnection(rows, page, (t) => ({ key: t.createdAt, id: t.rowId }), () => this.db.read((em) => em.count(Tenant)));
  }

  async findTenant(rowId: string): Promise<Tenant | null> {
    return this.db.read((em) => em.findOneBy(Tenant, { rowId }));
  }

  private async lockTenant(em: EntityManager, globalId: string, field: string[]): Promise<Tenant> {
    const rowId = rowIdOf(globalId, "Tenant");
    const tenant = rowId
      ? await forUpdate(em.createQueryBuilder(Tenant, "t")).where("t.rowId = :rowId", { rowId }).getOne()
      : null;
    if (!tenant) throw notFound("Tenant", field);
    return tenant;
  }

  private async issueApiKey(em: EntityManager, tenantId: string, now: number): Promise<string> {
    const generated = generateApiKey();
    await em.insert(TenantApiKey, {
      rowId: newId(),
      tenantId,
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      createdAt: now,
      revokedAt: null,
    });
    return generated.key;
  }
}
