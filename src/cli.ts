#!/usr/bin/env node
import "reflect-metadata";
import { createApp, closeApp } from "./app";
import { loadConfig } from "./config";
import { describeCredentials, seedDemo } from "./dev-seed";
import { createLogger } from "./logger";
import { printAppSchema } from "./schema";

const USAGE = `Usage: group-platform <command>
  migrate        apply pending migrations to DATABASE_URL
  seed           create (or refresh) the demo tenant and print its credentials
  print-schema   print the GraphQL schema (SDL)`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case "print-schema":
      process.stdout.write(await printAppSchema());
      return 0;
    case "migrate": {
      const config = loadConfig({ platformAdminToken: "" });
      const app = await createApp({ config, log: createLogger(config.logLevel) });
      await closeApp(app);
      process.stdout.write("migrations applied\n");
      return 0;
    }
    case "seed": {
      const config = loadConfig();
      const app = await createApp({ config, log: createLogger("warn") });
      try {
        const demo = await seedDemo(app);
        process.stdout.write(describeCredentials(`${app.publicBaseUrl}/graphql`, null, demo));
      } finally {
        await closeApp(app);
      }
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`group-platform: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
