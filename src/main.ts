import "reflect-metadata";
import { createApp } from "./app";
import { loadConfig } from "./config";
import { describeCredentials, seedDemo } from "./dev-seed";
import { startServer } from "./http/server";
import { createLogger } from "./logger";
import { Tenant } from "./modules/tenant/tenant.entity";

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const app = await createApp({ config, log });
  const server = await startServer(app);
  log.info({ url: server.url, env: config.env, engine: app.db.engine }, "group platform listening");

  if (config.env === "development") {
    // A fresh clone is usable at once: seed a demo tenant on an empty database and print how to call it.
    const empty = (await app.db.read((em) => em.count(Tenant))) === 0;
    if (empty) {
      process.stdout.write(describeCredentials(server.url, config.platformAdminTokenGenerated ? config.platformAdminToken : null, await seedDemo(app)));
    } else if (config.platformAdminTokenGenerated) {
      process.stdout.write(`\nPlatform admin token (generated for this run): ${config.platformAdminToken}\nRun \`npm run seed\` for fresh demo credentials.\n\n`);
    }
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "draining in-flight requests");
    server.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  // Start-up failures (bad DATABASE_URL, unreachable database) print a message, not a stack dump.
  process.stderr.write(`group-platform failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
