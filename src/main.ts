import "reflect-metadata";
import { createApp } from "./app";
import { loadConfig } from "./config";
import { databaseState, devStateEnabled, savedDemo, saveDemo, updateDevState, withSavedPlatformToken } from "./dev-credentials";
import { type DemoCredentials, describeCredentials, refreshDemo, rememberCredentials, seedDemo } from "./dev-seed";
import { startServer } from "./http/server";
import { createLogger } from "./logger";
import { Tenant } from "./modules/tenant/tenant.entity";

async function main(): Promise<void> {
  const config = withSavedPlatformToken(loadConfig());
  const log = createLogger(config.logLevel);
  const app = await createApp({ config, log });
  const server = await startServer(app);
  log.info({ url: server.url, env: config.env, engine: app.db.engine }, "group platform listening");

  if (devStateEnabled(config)) {
    // A fresh clone is usable at once: seed a demo tenant on an empty database and print how to call
    // it. Later starts reuse the credentials saved in ./data/ (tokens that expired are renewed).
    const base = app.links.base;
    const platformToken = config.platformAdminTokenGenerated ? config.platformAdminToken : null;
    const empty = (await app.db.read((em) => em.count(Tenant))) === 0;
    let demo: DemoCredentials | null = null;
    if (empty) {
      demo = await seedDemo(app);
      saveDemo(config, demo);
    } else {
      const saved = savedDemo(config);
      const refreshed = saved ? await refreshDemo(app, saved) : null;
      if (refreshed) {
        demo = refreshed.demo;
        rememberCredentials(app, demo);
        if (refreshed.changed) saveDemo(config, demo);
      }
    }
    updateDevState(config, (state) => {
      databaseState(state, config).server = { baseUrl: base, pid: process.pid };
    });
    if (demo) process.stdout.write(describeCredentials(base, platformToken, demo));
    else {
      const lines = ["", `Group platform at ${base}/graphql (explorer ${base}/, console ${base}/console)`];
      if (platformToken) lines.push(`Platform admin token: ${platformToken}`);
      lines.push("No saved demo credentials work on this database: run `npm run seed` for fresh ones.", "");
      process.stdout.write(lines.join("\n"));
    }
  }

  /** The saved address is only good while this process serves it. */
  const forgetServer = () => {
    if (!devStateEnabled(config)) return;
    try {
      updateDevState(config, (state) => {
        const entry = databaseState(state, config);
        if (entry.server?.pid === process.pid) delete entry.server;
      });
    } catch {
      // best effort: a stale entry names a dead pid, which readers ignore
    }
  };

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "draining in-flight requests");
    forgetServer();
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
