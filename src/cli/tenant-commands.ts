import { toGlobalId } from "../common/global-id";
import type { Plan } from "../policy/limits";
import { integerOption, parseOptions, UsageError } from "./args";
import { command } from "./command";

// Spelled out (checked against the enum by the type) so checking --plan loads no application code.
const PLAN_NAMES: Record<Plan, true> = { PERSONAL: true, ENTERPRISE: true, ENTERPRISE_CERTIFIED: true };
const PLANS = Object.keys(PLAN_NAMES);

export const createTenant = command({
  name: "create-tenant",
  summary: "create a tenant and print its id and API key",
  usage: `Usage: group-platform create-tenant --name <name> --plan ${PLANS.join("|")}
                    [--data-usage-rules-url <url>] [--financial-license <licence>] [--json]`,
  parse(argv) {
    const options = parseOptions(
      argv,
      {
        name: { type: "string", required: true },
        plan: { type: "string", required: true },
        "data-usage-rules-url": { type: "string" },
        "financial-license": { type: "string" },
        json: { type: "boolean" },
      },
      this.usage,
    );
    if (!PLANS.includes(options.plan!)) throw new UsageError(`--plan must be one of ${PLANS.join(", ")}`, this.usage);
    return { ...options, plan: options.plan as Plan };
  },
  async run(app, options, out) {
    const { platformContext } = await import("./runtime.js");
    const qualifications = {
      dataUsageRulesUrl: options["data-usage-rules-url"] ?? null,
      financialLicense: options["financial-license"] ?? null,
    };
    const { tenant, apiKey } = await app.db.tx((em) =>
      app.tenants.createTenant(platformContext(app), em, { name: options.name!, plan: options.plan, qualifications }),
    );
    if (options.json) return out.stdout(`${JSON.stringify({ tenantId: tenant.id, name: tenant.name, plan: tenant.plan, apiKey })}\n`);
    out.stdout(`Tenant created\n  id:       ${tenant.id}\n  name:     ${tenant.name}\n  plan:     ${tenant.plan}\n  API key:  ${apiKey}\n`);
    out.stderr("The API key is shown only once: store it now.\n");
  },
});

export const rotateApiKey = command({
  name: "rotate-api-key",
  summary: "revoke a tenant's API keys and print a new one",
  usage: "Usage: group-platform rotate-api-key --tenant <tenant id> [--json]",
  parse(argv) {
    return parseOptions(argv, { tenant: { type: "string", required: true }, json: { type: "boolean" } }, this.usage);
  },
  async run(app, options, out) {
    const { platformContext, tenantContext } = await import("./runtime.js");
    const ctx = await tenantContext(app, options.tenant!, this.usage);
    const { tenant, apiKey } = await app.db.tx((em) => app.tenants.rotateApiKey(platformContext(app), em, toGlobalId("Tenant", ctx.tenantId)));
    if (options.json) return out.stdout(`${JSON.stringify({ tenantId: tenant.id, apiKey })}\n`);
    out.stdout(`New API key for ${tenant.name} (${tenant.id}):\n  ${apiKey}\n`);
    out.stderr("Every earlier key of this tenant is revoked.\n");
  },
});

export const issueToken = command({
  name: "issue-token",
  summary: "issue a user token (JWT) for a user of a tenant",
  usage: "Usage: group-platform issue-token --tenant <tenant id> --user <user id | external id> [--ttl <seconds, 60…2592000>] [--json]",
  parse(argv) {
    const options = parseOptions(
      argv,
      { tenant: { type: "string", required: true }, user: { type: "string", required: true }, ttl: { type: "string" }, json: { type: "boolean" } },
      this.usage,
    );
    return { ...options, ttlSeconds: integerOption("ttl", options.ttl, 60, 30 * 24 * 3600, this.usage) };
  },
  async run(app, options, out) {
    const { findUser, tenantContext } = await import("./runtime.js");
    const ctx = await tenantContext(app, options.tenant!, this.usage);
    const user = await findUser(app, ctx, options.user!);
    if (!user) throw new UsageError(`no user ${options.user} in tenant ${options.tenant}`, this.usage);
    const { token, expiresAt } = await app.db.read((em) =>
      app.users.issueUserToken(ctx, em, { userId: toGlobalId("User", user.rowId), ttlSeconds: options.ttlSeconds }),
    );
    const expires = new Date(expiresAt).toISOString();
    if (options.json) return out.stdout(`${JSON.stringify({ userId: user.id, externalId: user.externalId, token, expiresAt: expires })}\n`);
    out.stdout(`Token for ${user.displayName} (${user.externalId}, ${user.id}), valid until ${expires}:\n  ${token}\n`);
  },
});

export const rotateTokenSecret = command({
  name: "rotate-token-secret",
  summary: "give a tenant a new token-signing secret, ending all of its user tokens",
  usage: "Usage: group-platform rotate-token-secret --tenant <tenant id> [--json]",
  parse(argv) {
    return parseOptions(argv, { tenant: { type: "string", required: true }, json: { type: "boolean" } }, this.usage);
  },
  async run(app, options, out) {
    const { platformContext, tenantContext } = await import("./runtime.js");
    const ctx = await tenantContext(app, options.tenant!, this.usage);
    const { tenant } = await app.db.tx((em) => app.tenants.rotateTokenSigningSecret(platformContext(app), em, toGlobalId("Tenant", ctx.tenantId)));
    if (options.json) return out.stdout(`${JSON.stringify({ tenantId: tenant.id, rotated: true })}\n`);
    out.stdout(`New token-signing secret for ${tenant.name} (${tenant.id}).\n`);
    out.stderr("Every user token issued until now is refused (running servers notice within 5 s); API keys still work.\n");
  },
});

export const revokeUserTokens = command({
  name: "revoke-user-tokens",
  summary: "end every token issued to one user until now",
  usage: "Usage: group-platform revoke-user-tokens --tenant <tenant id> --user <user id | external id> [--json]",
  parse(argv) {
    return parseOptions(argv, { tenant: { type: "string", required: true }, user: { type: "string", required: true }, json: { type: "boolean" } }, this.usage);
  },
  async run(app, options, out) {
    const { findUser, tenantContext } = await import("./runtime.js");
    const ctx = await tenantContext(app, options.tenant!, this.usage);
    const found = await findUser(app, ctx, options.user!);
    if (!found) throw new UsageError(`no user ${options.user} in tenant ${options.tenant}`, this.usage);
    const { user } = await app.db.tx((em) => app.users.revokeUserTokens(ctx, em, { userId: toGlobalId("User", found.rowId) }));
    if (options.json) return out.stdout(`${JSON.stringify({ userId: user.id, externalId: user.externalId, revoked: true })}\n`);
    out.stdout(`Tokens of ${user.displayName} (${user.externalId}, ${user.id}) issued until now are revoked.\n`);
    out.stderr("Running servers notice within 5 s; tokens issued from now on work.\n");
  },
});
