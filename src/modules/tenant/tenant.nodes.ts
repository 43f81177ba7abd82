import type { NodeFetchers } from "../../graphql/node-registry";
import type { TenantService } from "./tenant.service";

/** The platform operator sees every tenant; a tenant key or user token sees only its own. */
export function tenantNodes(tenants: TenantService): NodeFetchers {
  return {
    Tenant: (ctx, rowId) => (ctx.principal.kind === "PLATFORM" || ctx.tenant?.rowId === rowId ? tenants.findTenant(rowId) : Promise.resolve(null)),
  };
}
