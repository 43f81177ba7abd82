import type { App } from "../app";
import { rowIdOf } from "../common/global-id";
import { RequestContext } from "../context/context";
import { Tenant } from "../modules/tenant/tenant.entity";
import { UsageError } from "./args";

/** The CLI acts as the platform operator: it runs on the machine that holds the database. */
export function platformContext(app: App): RequestContext {
  return new RequestContext(app, "cli", app.log, { kind: "PLATFORM" }, null);
}

/** Acts as the given tenant (as its API key would); an unknown id is a usage error. */
export async function tenantContext(app: App, tenantGlobalId: string, usage: string): Promise<RequestContext> {
  const rowId = rowIdOf(tenantGlobalId, "Tenant");
  const tenant = rowId ? await app.db.read((em) => em.findOneBy(Tenant, { rowId })) : null;
  if (!tenant) throw new UsageError(`no tenant with id ${tenantGlobalId}`, usage);
  return new RequestContext(app, "cli", app.log, { kind: "TENANT", tenantId: tenant.rowId }, tenant);
}
