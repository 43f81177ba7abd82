#!/usr/bin/env node
import "reflect-metadata";
// The application (TypeORM, type-graphql, services) is imported only once the arguments are
// valid: usage errors and --help answer at once.
import { UsageError } from "./cli/args";
import { type Command, command, type Output } from "./cli/command";
import { exportEvidence } from "./cli/evidence-command";
import { createTenant, issueToken, revokeUserTokens, rotateApiKey, rotateTokenSecret } from "./cli/tenant-commands";

const noOptions = (name: string) => (argv: string[]) => {
  if (argv.length) throw new UsageError(`${name} takes no arguments`, `Usage: group-platform ${name}`);
};

const COMMANDS: Command<any>[] = [
  command({
    name: "migrate",
    summary: "apply pending migrations to DATABASE_URL",
    usage: "Usage: group-platform migrate",
    parse: noOptions("migrate"),
    async run(_app, _options, out) {
      out.stdout("migrations applied\n"); // createApp has applied them
    },
  }),
  command({
    name: "seed",
    summary: "create (or refresh) the demo tenant and print its credentials",
    usage: "Usage: group-platform seed",
    parse: noOptions("seed"),
    async run(app, _options, out) {
      const { describeCredentials, seedDemo } = await import("./dev-seed.js");
      const { devStateEnabled, readDevState, runningServer, saveDemo } = await import("./dev-credentials.js");
      const demo = await seedDemo(app);
      const { config } = app;
      if (!devStateEnabled(config)) {
        out.stdout(describeCredentials(app.links.base, null, demo));
        return;
      }
      // Saved for the development server and its explorer, which pick them up without a restart.
      saveDemo(config, demo);
      // The address printed is the running server's own (its real port), else what it will use.
      const base = config.publicBaseUrl ?? runningServer(config)?.baseUrl ?? (config.port !== 0 ? app.links.base : null);
      const platformToken = process.env.PLATFORM_ADMIN_TOKEN ? null : (readDevState(config).platformAdminToken ?? null);
      out.stdout(describeCredentials(base, platformToken, demo));
    },
  }),
  createTenant,
  rotateApiKey,
  rotateTokenSecret,
  issueToken,
  revokeUserTokens,
  exportEvidence,
];

const USAGE = `Usage: group-platform <command> [options]   (DATABASE_URL selects the database, as for the server)
  print-schema     print the GraphQL schema (SDL)
${COMMANDS.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`).join("\n")}
Run \`group-platform <command> --help\` for a command's options.`;

const out: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "print-schema") {
    const { printAppSchema } = await import("./schema.js");
    process.stdout.write(await printAppSchema());
    return 0;
  }
  const found = COMMANDS.find((c) => c.name === name);
  if (!found) {
    if (!name || name === "help" || name === "--help" || name === "-h") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    process.stderr.write(`group-platform: unknown command ${JSON.stringify(name)}\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${found.usage}\n`);
    return 0;
  }
  const options = found.parse(rest);
  const [{ createApp, closeApp }, { loadConfig }, { createLogger }, { default: pino }] = await Promise.all([
    import("./app.js"),
    import("./config.js"),
    import("./logger.js"),
    import("pino"),
  ]);
  // The CLI needs no platform token; logs go to stderr so stdout stays the command's result.
  const config = loadConfig({ platformAdminToken: "" });
  const app = await createApp({ config, log: createLogger(process.env.LOG_LEVEL ?? "warn", pino.destination(2)) });
  try {
    await found.run(app, options, out);
  } finally {
    await closeApp(app);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    // Never a stack trace: bad arguments and refusals exit 2 with their message, anything else 1.
    if (error instanceof UsageError) {
      process.stderr.write(`group-platform: ${error.message}\n${error.usage ? `${error.usage}\n` : ""}`);
      process.exit(2);
    }
    const { DomainError, DomainErrors } = await import("./common/errors.js");
    if (error instanceof DomainError || error instanceof DomainErrors) {
      const refusals = error instanceof DomainError ? [error] : error.errors;
      for (const refusal of refusals) {
        const field = refusal.field?.length ? ` (${refusal.field.filter((f) => f !== "input").join(".")})` : "";
        process.stderr.write(`group-platform: ${refusal.code}: ${refusal.message}${field}\n`);
      }
      process.exit(2);
    }
    process.stderr.write(`group-platform: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
