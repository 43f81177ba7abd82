// Bundles the browser code into dist/web with esbuild: the operator console (/console) and the
// development API explorer (/). Everything comes from node_modules, so the pages work offline.
import { copyFile, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Built beside the live bundle and swapped in at the end: a running server keeps serving the old one.
const live = join(root, "dist/web");
const out = join(root, "dist/web.next");

const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: "es2022",
  jsx: "automatic",
  legalComments: "linked",
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".ttf": "file", ".woff": "file", ".woff2": "file" },
};

/**
 * `import { examples } from "virtual:examples"`: the operations in examples/*.graphql, in file
 * order, with the `# Run as:` and `# Variables:` comment lines that say how to run each one.
 */
const examplesPlugin = {
  name: "examples",
  setup(build) {
    build.onResolve({ filter: /^virtual:examples$/ }, () => ({ path: "examples", namespace: "examples" }));
    build.onLoad({ filter: /.*/, namespace: "examples" }, async () => {
      const dir = join(root, "examples");
      const files = (await readdir(dir)).filter((f) => f.endsWith(".graphql")).sort();
      const examples = [];
      for (const file of files) {
        const query = await readFile(join(dir, file), "utf8");
        const name = /^\s*(?:query|mutation|subscription)\s+(\w+)/m.exec(query)?.[1];
        if (!name) throw new Error(`examples/${file}: the operation needs a name`);
        const comment = (label) => new RegExp(`^#\\s*${label}:\\s*(.+)$`, "mi").exec(query)?.[1].trim() ?? "";
        const variables = comment("Variables");
        if (variables) JSON.parse(variables.replace(/\{\{\w+\}\}/g, "x")); // fail the build on a typo, not in the browser
        examples.push({ name, file, query, variables, runAs: comment("Run as") || "alice" });
      }
      return { contents: `export const examples = ${JSON.stringify(examples)};`, loader: "js", watchFiles: files.map((f) => join(dir, f)) };
    });
  },
};

async function page(name, entryPoints, extra = {}) {
  await mkdir(join(out, name), { recursive: true });
  await copyFile(join(root, "web", name, "index.html"), join(out, name, "index.html"));
  await esbuild.build({ ...common, ...extra, entryPoints, format: "esm", outdir: join(out, name, "assets") });
}

await rm(out, { recursive: true, force: true });
await page("console", { console: join(root, "web/console/main.tsx") });
await page("explorer", { explorer: join(root, "web/explorer/main.tsx") }, { plugins: [examplesPlugin] });
// Monaco's language workers: classic worker scripts beside the explorer bundle (see explorer/workers.ts).
await esbuild.build({
  ...common,
  format: "iife",
  outdir: join(out, "explorer/assets"),
  entryPoints: {
    "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
    "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
    "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
  },
});
await rm(live, { recursive: true, force: true });
await rename(out, live);
