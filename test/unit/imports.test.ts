import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const ROOT = resolve(__dirname, "../../..");
const SRC = join(ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The source files under src/ that `file` imports (type-only imports included: they tie modules too). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith("."))
    .map((name) => resolve(dirname(file), name))
    .map((base) => [`${base}.ts`, join(base, "index.ts")].find((candidate) => existsSync(candidate)))
    .filter((path): path is string => path !== undefined && path.startsWith(SRC));
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe("import structure of src/", () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const name = (file: string) => relative(ROOT, file);

  it("has no import cycle", () => {
    const found = cycles(graph).map((component) => component.map(name));
    assert.deepEqual(found, [], `import cycles:\n${found.map((c) => `  ${c.join(" ↔ ")}`).join("\n")}`);
  });

  it("keeps the request context and the policy free of modules and the app", () => {
    const layered = files.filter((f) => f.startsWith(join(SRC, "context")) || f.startsWith(join(SRC, "policy")));
    const offending = layered.flatMap((file) =>
      (graph.get(file) ?? [])
        .filter((target) => target.startsWith(join(SRC, "modules")) || target === join(SRC, "app.ts") || target.startsWith(join(SRC, "http")))
        .map((target) => `${name(file)} → ${name(target)}`),
    );
    assert.deepEqual(offending, []);
  });

  it("keeps the evidence library pure: Merkle, leaves, signer and sealing import only each other and common/", () => {
    const pure = ["merkle", "leaf", "signer", "sealing"].map((f) => join(SRC, "modules", "evidence", `${f}.ts`));
    for (const file of pure) assert.ok(graph.has(file), `${name(file)} exists`);
    const offending = pure.flatMap((file) =>
      (graph.get(file) ?? []).filter((target) => !pure.includes(target) && !target.startsWith(join(SRC, "common"))).map((target) => `${name(file)} → ${name(target)}`),
    );
    assert.deepEqual(offending, []);
  });

  it("reaches services through constructors, never through the request context (no ctx.app)", () => {
    const offending = files.filter((file) => /\b(?:ctx|context)\.app\b/.test(readFileSync(file, "utf8"))).map(name);
    assert.deepEqual(offending, []);
  });
});
