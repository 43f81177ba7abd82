// `npm run build`: brings dist/ up to date without starting from scratch.
//
// 1. tsc -b tsconfig.build.json (tsconfig.json, incremental, state in dist/.tsbuildinfo): an
//    up-to-date project is recognised without type-checking anything; otherwise only what changed
//    is checked and emitted.
// 2. Orphans removed: a compiled file whose source was deleted or renamed never survives a build
//    (`npm test` runs every dist/test/**/*.test.js). A source whose output has gone missing (someone
//    deleted it by hand, which tsc's incremental state cannot see) forces a full emit.
// 3. The browser bundle (dist/web) is rebuilt only when its inputs changed: web/, examples/*.graphql,
//    package-lock.json. It is built beside the old one and swapped in, so a running server keeps
//    serving the previous bundle meanwhile.
//
// Options: --no-web skips step 3, --web-only does only step 3; --force rebuilds everything.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pruneDist } from "./prune-dist.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const buildInfo = join(dist, ".tsbuildinfo");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const args = new Set(process.argv.slice(2));
const quiet = process.env.npm_config_loglevel === "silent";
const say = (text) => quiet || process.stderr.write(`build: ${text}\n`);

function run(file, argv, what) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [file, ...argv], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`build: ${what} failed\n`);
    process.exit(result.status ?? 1);
  }
  say(`${what} (${Math.round(performance.now() - started)} ms)`);
}

const compile = () => run(tsc, ["-b", "tsconfig.build.json"], "tsc -b (incremental)");

if (args.has("--force")) rmSync(dist, { recursive: true, force: true });
if (!args.has("--web-only")) {
  compile();
  const { removed, missing } = pruneDist(root);
  if (removed.length) say(`removed ${removed.length} orphaned file(s): ${removed.join(", ")}`);
  if (missing.length) {
    say(`${missing.length} compiled file(s) missing (${missing.slice(0, 3).join(", ")}…): full emit`);
    rmSync(buildInfo, { force: true });
    compile();
  }
}

if (!args.has("--no-web")) {
  const stamp = join(dist, "web", ".inputs");
  const hash = webInputsHash();
  if (!args.has("--force") && existsSync(stamp) && readFileSync(stamp, "utf8") === hash) {
    say("web bundle up to date");
  } else {
    run(tsc, ["-p", "web/tsconfig.json"], "web type-check");
    run(join(root, "web/build.mjs"), [], "web bundle");
    writeFileSync(stamp, hash);
  }
}

/** A digest of everything the browser bundle is made from. */
function webInputsHash() {
  const hash = createHash("sha256");
  const files = [
    ...listFiles(join(root, "web")),
    ...listFiles(join(root, "examples")).filter((f) => f.endsWith(".graphql")),
    join(root, "package-lock.json"),
  ].sort();
  for (const file of files) {
    hash.update(file.slice(root.length)).update("\0");
    hash.update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}
