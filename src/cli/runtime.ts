/**
 * What commands use once their arguments are valid: request contexts and id lookups. It loads the
 * application's modules (TypeORM, type-graphql), so commands import it lazily and a usage error
 * answers at once.
 */
import type { App } from "../app";
import { rowIdOf } from "../common/global-id";
import type { RequestContext } from "../context/context";
import { requestContext } from "../app";
import { Group } from "../modules/group/group.entity";
import { Tenant } from "../modules/tenant/tenant.entity";
import { User } from "../modules/user/user.entity";
import { UsageError } from "./args";

/** The CLI acts as the platform operator: it runs on the machine that holds the database. */
export function platformContext(app: App): RequestContext {
  return requestContext(app, "cli", app.log, { kind: "PLATFORM" }, null);
}

/** Acts as the given tenant (as its API key would); an unknown id is a usage error. */
export async function tenantContext(app: App, tenantGlobalId: string, usage: string): Promise<RequestContext> {
  const rowId = rowIdOf(tenantGlobalId, "Tenant");
  const tenant = rowId ? await app.db.read((em) => em.findOneBy(Tenant, { rowId })) : null;
  if (!tenant) throw new UsageError(`no tenant with id ${tenantGlobalId}`, usage);
  return requestContext(app, "cli", app.log, { kind: "TENANT", tenantId: tenant.rowId }, tenant);
}

/** A user of the context's tenant, by global User id or by the tenant's own external id. */
export function findUser(app: App, ctx: RequestContext, given: string): Promise<User | null> {
  const rowId = rowIdOf(given, "User");
  return app.db.read((em) => em.findOneBy(User, rowId ? { tenantId: ctx.tenantId, rowId } : { tenantId: ctx.tenantId, externalId: given }));
}

/** Any tenant's group (the platform operator's view). */
export function findGroup(app: App, groupGlobalId: string): Promise<Group | null> {
  const rowId = rowIdOf(groupGlobalId, "Group");
  return rowId ? app.db.read((em) => em.findOneBy(Group, { rowId })) : Promise.resolve(null);
}
