// Keeps dist/ an exact image of the TypeScript sources: tsc never deletes what it emitted for a
// source that is gone, and its incremental state cannot tell when an output was deleted by hand.
//
//   node scripts/prune-dist.mjs [project root]   removes orphans, prints a JSON summary
//
// What counts as a source, and what it compiles to, comes from the project's tsconfig.json through
// the TypeScript API, so this never disagrees with tsc. dist/web (the esbuild bundle) and anything
// that is not compiler output (.js/.js.map/.d.ts and friends) are left alone.
import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const COMPILED = /\.(?:[cm]?js|[cm]?js\.map|d\.[cm]?ts|d\.[cm]?ts\.map)$/;

/**
 * Removes every compiled file in the project's outDir that no current source emits, and lists the
 * outputs a current source should have but does not (the caller recompiles from scratch then).
 */
export function pruneDist(root) {
  const ts = createRequire(import.meta.url)("typescript");
  const configPath = join(root, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  const outDir = resolve(parsed.options.outDir ?? join(root, "dist"));
  const expected = new Set();
  const missing = [];
  for (const file of parsed.fileNames) {
    for (const output of ts.getOutputFileNames(parsed, file, false)) {
      const path = resolve(output);
      if (path.endsWith(".tsbuildinfo")) continue;
      expected.add(path);
      if (/\.[cm]?js$/.test(path) && !existsSync(path)) missing.push(relative(root, path));
    }
  }
  const removed = [];
  const keep = (path) => path === join(outDir, "web") || path.startsWith(join(outDir, "web") + "/");
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (keep(path)) continue;
      if (entry.isDirectory()) {
        walk(path);
        if (readdirSync(path).length === 0) rmdirSync(path);
      } else if (COMPILED.test(entry.name) && !expected.has(path)) {
        rmSync(path, { force: true });
        removed.push(relative(root, path));
      }
    }
  };
  walk(outDir);
  return { removed, missing };
}

function relative(root, path) {
  return path.startsWith(root + "/") ? path.slice(root.length + 1) : path;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), "../.."));
  process.stdout.write(`${JSON.stringify(pruneDist(root))}\n`);
}
