import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { createDecoder } from "fast-jwt";
import { createConnection } from "mysql2/promise";
import { signUserToken } from "../../src/auth/credentials";
import { freePort, gqlAt, stopProcess, waitUntilHealthy } from "../support/processes";
import { engine, freshDatabaseUrl, testEvidenceKey } from "../support/server";

const MAIN = join(__dirname, "../../src/main.js");
const CLI = join(__dirname, "../../src/cli.js");

/** The environment of `npm start` on a developer's machine: nothing configured but the database. */
function developmentEnv(databaseUrl: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", LOG_LEVEL: "warn", PORT: "0", ...extra };
  for (const name of ["PLATFORM_ADMIN_TOKEN", "EVIDENCE_SIGNING_KEY", "PUBLIC_BASE_URL", "DEV_CREDENTIALS_FILE", "HOST"]) if (!(name in extra)) delete env[name];
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

interface Started {
  child: ChildProcess;
  output: string;
  base: string;
  port: number;
}

/** Starts src/main.js in `cwd` and waits for its printed credentials (or its "run npm run seed" notice). */
async function startDev(cwd: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk) => (output += chunk));
  for (let i = 0; i < 300 && !/Try it:[\s\S]*-d '.*'\n|npm run seed/.test(output); i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    await sleep(100);
  }
  const match = /GraphQL endpoint: +(http:\/\/127\.0\.0\.1:(\d+))\/graphql/.exec(output) ?? /Group platform at (http:\/\/127\.0\.0\.1:(\d+))\/graphql/.exec(output);
  assert.ok(match, `no address printed:\n${output}`);
  const base = match[1]!;
  await waitUntilHealthy(child, `${base}/healthz`, "development server");
  return { child, output, base, port: Number(match[2]) };
}

/** Every printed address carries the real port: no line falls back to 4000 or to the configured 0. */
function assertRealPort(output: string, port: number): void {
  const urls = output.match(/https?:\/\/[^\s'"]+/g) ?? [];
  assert.ok(urls.length >= 4, output);
  for (const url of urls) assert.equal(new URL(url).port, String(port), `printed ${url}, but the server listens on ${port}`);
}

function runCli(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const printed = (output: string, label: string) => new RegExp(`${label}: +(\\S+)`).exec(output)?.[1];

async function session(base: string): Promise<any> {
  const response = await fetch(`${base}/explorer/session.json`);
  assert.equal(response.status, 200);
  return response.json();
}

const VIEWER = `{ viewer { displayName } }`;

/** A tenant's token-signing secret, read from the database (the server is stopped). */
async function tenantSecret(tenantRowId: string, databaseUrl: string | undefined, cwd: string): Promise<string> {
  if (databaseUrl) {
    const connection = await createConnection(databaseUrl);
    try {
      const [rows] = await connection.query("SELECT jwt_secret AS s FROM tenants WHERE id = ?", [tenantRowId]);
      return (rows as Array<{ s: string }>)[0]!.s;
    } finally {
      await connection.end();
    }
  }
  const db = new Database(join(cwd, "data/group-platform.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT jwt_secret AS s FROM tenants WHERE id = ?").get(tenantRowId) as { s: string }).s;
  } finally {
    db.close();
  }
}

describe("npm start in development: credentials that survive a restart, real addresses", () => {
  let cwd: string;
  let database: { url: string; drop: () => Promise<void> } | null = null;
  const running: ChildProcess[] = [];

  before(() => {
    cwd = mkdtempSync(join(tmpdir(), "gp-dev-"));
    // On SQLite the default (./data/group-platform.sqlite in the working directory), as on a fresh clone.
    if (engine === "mysql") database = freshDatabaseUrl();
  });
  after(async () => {
    for (const child of running) await stopProcess(child);
    await database?.drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("keeps the explorer signed in across restarts, renews dead tokens, and prints the real port", async () => {
    const env = developmentEnv(database?.url);
    const first = await startDev(cwd, env);
    running.push(first.child);
    assertRealPort(first.output, first.port);
    const platformToken = printed(first.output, "Platform admin token");
    const apiKey = printed(first.output, "Demo tenant API key");
    assert.ok(platformToken && apiKey, first.output);

    // Saved under ./data, readable by the owner only.
    const file = join(cwd, "data/dev-credentials.json");
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const one = await session(first.base);
    assert.equal(one.demo.apiKey, apiKey);
    assert.deepEqual(Object.keys(one.demo.tokens).sort(), ["alice", "bob"]);
    await stopProcess(first.child);

    // While it is down, Alice's saved token expires (a genuine token of the tenant, expired a day ago).
    const saved = JSON.parse(readFileSync(file, "utf8"));
    const [entry] = Object.values(saved.databases) as any[];
    const alice = entry.demo.users.find((u: any) => u.externalId === "alice");
    const claims = createDecoder()(alice.token) as { tid: string; sub: string };
    const expired = (await signUserToken(await tenantSecret(claims.tid, database?.url, cwd), { tenantId: claims.tid, userId: claims.sub }, Date.now() - 2 * 86_400_000, 3600)).token;
    alice.token = expired;
    writeFileSync(file, JSON.stringify(saved));

    // Restart on the same data directory, again on a port of the system's choosing.
    const second = await startDev(cwd, env);
    running.push(second.child);
    assertRealPort(second.output, second.port);
    assert.equal(printed(second.output, "Platform admin token"), platformToken, "the generated operator token is kept");
    assert.equal(printed(second.output, "Demo tenant API key"), apiKey, "the demo key is kept, not rotated");
    const two = await session(second.base);
    assert.equal(two.hint, null);
    assert.equal(two.demo.apiKey, apiKey);
    assert.notEqual(two.demo.tokens.alice, expired, "the expired token was renewed");
    assert.equal(two.demo.tokens.bob, one.demo.tokens.bob, "a working token is kept");
    assert.equal(/Token for alice +(\S+)/.exec(second.output)?.[1], two.demo.tokens.alice, "and the renewed one is printed");
    for (const [name, token] of Object.entries(two.demo.tokens)) {
      assert.equal((await gqlAt(`${second.base}/graphql`, VIEWER, {}, token as string)).status, 200, name);
    }
    assert.equal((await gqlAt(`${second.base}/graphql`, `{ tenants { totalCount } }`, {}, platformToken!)).status, 200);

    // `npm run seed` meanwhile: it prints the running server's real address, and the explorer picks
    // up the rotated key without a restart.
    const seeded = await runCli(cwd, ["seed"], developmentEnv(database?.url, { PORT: "4000" }));
    assert.equal(seeded.code, 0, seeded.stderr);
    assertRealPort(seeded.stdout, second.port);
    const newKey = printed(seeded.stdout, "Demo tenant API key");
    assert.notEqual(newKey, apiKey);
    assert.equal(printed(seeded.stdout, "Platform admin token"), platformToken);
    assert.equal((await session(second.base)).demo.apiKey, newKey);
    await stopProcess(second.child);

    // No server running: PUBLIC_BASE_URL when set, never a made-up port.
    const offline = await runCli(cwd, ["seed"], developmentEnv(database?.url));
    assert.equal(offline.code, 0, offline.stderr);
    assert.doesNotMatch(offline.stdout, /https?:\/\//, offline.stdout);
    assert.match(offline.stdout, /npm start/);
    const public_ = await runCli(cwd, ["seed"], developmentEnv(database?.url, { PUBLIC_BASE_URL: "https://groups.example.test" }));
    assert.match(public_.stdout, /GraphQL endpoint: +https:\/\/groups\.example\.test\/graphql/);
  });

  it("production never writes or serves development credentials", async () => {
    const prodCwd = mkdtempSync(join(tmpdir(), "gp-prod-"));
    const db = freshDatabaseUrl();
    try {
      const port = await freePort();
      const child = spawn(process.execPath, [MAIN], {
        cwd: prodCwd,
        env: developmentEnv(db.url, { NODE_ENV: "production", PORT: String(port), PLATFORM_ADMIN_TOKEN: "prod-operator-token-0123456789", EVIDENCE_SIGNING_KEY: testEvidenceKey }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      running.push(child);
      let output = "";
      child.stdout!.setEncoding("utf8").on("data", (chunk) => (output += chunk));
      await waitUntilHealthy(child, `http://127.0.0.1:${port}/healthz`, "production server");
      assert.equal((await fetch(`http://127.0.0.1:${port}/explorer/session.json`)).status, 404);
      await stopProcess(child);
      assert.equal(existsSync(join(prodCwd, "data/dev-credentials.json")), false);
      assert.doesNotMatch(output, /gpk_|Demo tenant/);
    } finally {
      await db.drop();
      rmSync(prodCwd, { recursive: true, force: true });
    }
  });
});

describe("the build leaves no stale compiled file behind", () => {
  it("removes outputs whose source is gone and reports outputs that are missing", async () => {
    const project = mkdtempSync(join(tmpdir(), "gp-prune-"));
    const script = join(__dirname, "../../../scripts/prune-dist.mjs");
    const write = (path: string, text = "") => {
      mkdirSync(join(project, path, ".."), { recursive: true });
      writeFileSync(join(project, path), text);
    };
    try {
      write("tsconfig.json", JSON.stringify({ compilerOptions: { rootDir: ".", outDir: "dist", sourceMap: true }, include: ["src", "test"] }));
      write("src/kept.ts", "export const kept = 1;\n");
      for (const file of ["dist/src/kept.js", "dist/src/kept.js.map", "dist/src/renamed.js", "dist/src/renamed.js.map", "dist/test/e2e/deleted.test.js", "dist/web/explorer/app.js", "dist/src/notes.txt"]) {
        write(file);
      }
      const prune = () =>
        new Promise<{ removed: string[]; missing: string[] }>((resolve, reject) =>
          execFile(process.execPath, [script, project], (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout)))),
        );
      assert.deepEqual((await prune()).removed.sort(), ["dist/src/renamed.js", "dist/src/renamed.js.map", "dist/test/e2e/deleted.test.js"]);
      for (const kept of ["dist/src/kept.js", "dist/src/kept.js.map", "dist/web/explorer/app.js", "dist/src/notes.txt"]) assert.ok(existsSync(join(project, kept)), kept);
      assert.equal(existsSync(join(project, "dist/test")), false, "emptied directories go too");
      rmSync(join(project, "dist/src/kept.js"));
      assert.deepEqual(await prune(), { removed: [], missing: ["dist/src/kept.js"] });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it("on this checkout: a compiled test whose source is gone does not survive", async () => {
    const root = join(__dirname, "../../..");
    const orphan = join(root, `dist/test/e2e/orphan-${process.pid}.test.js`);
    writeFileSync(orphan, "throw new Error('stale');\n");
    const result = await new Promise<{ removed: string[] }>((resolve, reject) =>
      execFile(process.execPath, [join(root, "scripts/prune-dist.mjs"), root], (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout)))),
    );
    assert.ok(result.removed.includes(`dist/test/e2e/orphan-${process.pid}.test.js`), JSON.stringify(result));
    assert.equal(existsSync(orphan), false);
  });
});
