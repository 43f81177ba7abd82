import type { Logger } from "pino";
import { DataSource } from "typeorm";
import { dataSourceOptions, ensureDatabase, parseDatabaseUrl } from "../ormconfig";
import { type Clock, systemClock } from "./common/clock";
import { NodeRegistry } from "./common/node-registry";
import type { AppConfig } from "./config";
import { Authenticator } from "./context/authenticator";
import { Database } from "./db/database";
import { runMigrations } from "./db/migrate";
import { TenantService } from "./modules/tenant/tenant.service";
import { UserService } from "./modules/user/user.service";
import { PolicyRegistry } from "./policy/registry";

/** The long-lived parts of one API instance, shared by every request. */
export interface App {
  config: AppConfig;
  log: Logger;
  clock: Clock;
  db: Database;
  policies: PolicyRegistry;
  authenticator: Authenticator;
  nodes: NodeRegistry;
  tenants: TenantService;
  users: UserService;
}

export interface AppOptions {
  config: AppConfig;
  log: Logger;
  clock?: Clock;
  /** Apply pending migrations before serving (default true). */
  migrate?: boolean;
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const target = parseDatabaseUrl(config.databaseUrl);
  await ensureDatabase(target);
  const dataSource = new DataSource(dataSourceOptions(target, { size: config.dbPoolSize }));
  await dataSource.initialize();
  const db = new Database(dataSource);
  if (options.migrate !== false) await runMigrations(db, log);

  const app: App = {
    config,
    log,
    clock,
    db,
    policies: new PolicyRegistry(),
    authenticator: new Authenticator(db, config.platformAdminToken, clock),
    nodes: new NodeRegistry(),
    tenants: new TenantService(db),
    users: new UserService(db),
  };
  registerNodes(app);
  return app;
}

function registerNodes(app: App): void {
  app.nodes.register("Tenant", async (ctx, rowId) => {
    if (ctx.principal.kind === "PLATFORM") return app.tenants.findTenant(rowId);
    return ctx.tenant?.rowId === rowId ? ctx.tenant : null;
  });
  app.nodes.register("User", (ctx, rowId) => ctx.loaders.user.load(rowId));
}

export async function closeApp(app: App): Promise<void> {
  if (app.db.dataSource.isInitialized) await app.db.dataSource.destroy();
}

