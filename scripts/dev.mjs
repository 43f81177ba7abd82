// `npm run dev`: the server, rebuilt and restarted on every change.
//
// - TypeScript: `tsc -b --watch` (the same incremental build as `npm run build`); after each
//   compilation orphaned outputs are removed, as the build does.
// - The server: `node --watch dist/src/main.js` restarts it when a compiled file it loaded changes.
//   Development credentials live in ./data/, so the explorer stays signed in across restarts.
// - Browser code: web/ and examples/*.graphql are watched; a change rebuilds the bundle (the server
//   serves it from disk, so a reload of the page shows it; no restart needed).
import { spawn, spawnSync } from "node:child_process";
import { watch } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { pruneDist } from "./prune-dist.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const log = (text) => process.stderr.write(`dev: ${text}\n`);

// A first build, so the server starts on up-to-date output.
const first = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
if (first.status !== 0) process.exit(first.status ?? 1);

const children = [];

const compiler = spawn(process.execPath, [tsc, "-b", "tsconfig.build.json", "--watch", "--preserveWatchOutput"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
children.push(compiler);
compiler.stdout.setEncoding("utf8");
compiler.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (/Watching for file changes/.test(chunk)) {
    const { removed } = pruneDist(root);
    if (removed.length) log(`removed orphaned ${removed.join(", ")}`);
  }
});

// The server's V8 flags (src/node-flags.ts; they must be on the command line to take effect).
const { SERVER_NODE_FLAGS } = await import(pathToFileURL(join(root, "dist/src/node-flags.js")).href);
const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, "--watch", "--watch-preserve-output", join(root, "dist/src/main.js")], { cwd: root, stdio: "inherit" });
children.push(server);

let webTimer = null;
let webBuilding = false;
let webAgain = false;
function rebuildWeb() {
  if (webBuilding) {
    webAgain = true;
    return;
  }
  webBuilding = true;
  const child = spawn(process.execPath, [join(root, "scripts/build.mjs"), "--web-only"], { cwd: root, stdio: "inherit" });
  child.on("exit", () => {
    webBuilding = false;
    if (webAgain) {
      webAgain = false;
      rebuildWeb();
    }
  });
}
for (const dir of ["web", "examples"]) {
  const watcher = watch(join(root, dir), { recursive: true }, (_event, file) => {
    if (dir === "examples" && !String(file).endsWith(".graphql")) return;
    clearTimeout(webTimer);
    webTimer = setTimeout(rebuildWeb, 200);
  });
  watcher.unref();
}

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
for (const child of children) {
  child.on("exit", (code) => {
    if (!stopping) {
      log(`${child === server ? "server" : "tsc --watch"} exited (${code}); stopping`);
      stop("SIGTERM");
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code ?? 0);
  });
}
