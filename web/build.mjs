// Bundles the browser code into dist/web with esbuild: the operator console (/console).
// Everything comes from node_modules, so the pages work offline.
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist/web");

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

async function page(name, entryPoints) {
  await mkdir(join(out, name), { recursive: true });
  await copyFile(join(root, "web", name, "index.html"), join(out, name, "index.html"));
  await esbuild.build({ ...common, entryPoints, format: "esm", outdir: join(out, name, "assets") });
}

await rm(out, { recursive: true, force: true });
await page("console", { console: join(root, "web/console/main.tsx") });
