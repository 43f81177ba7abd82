import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

/** The source root, from dist/test/unit (compiled) or test/unit (ts). */
const SRC = join(__dirname, "..", "..", "..", "src");

function resolverFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? resolverFiles(join(dir, entry.name)) : entry.name.endsWith(".resolver.ts") ? [join(dir, entry.name)] : [],
  );
}

describe("mutations", () => {
  it("every mutation carries @Allow, which applies the control-character rule to its string inputs", () => {
    let mutations = 0;
    for (const file of resolverFiles(SRC)) {
      const text = readFileSync(file, "utf8");
      for (const part of text.split("@Mutation(").slice(1)) {
        mutations++;
        const decorators = part.slice(0, part.search(/\n\s+(async\s+)?[a-zA-Z]+\(@Arg/));
        assert.match(decorators, /@Allow\(/, `${file}: a mutation without @Allow: ${part.slice(0, 120)}`);
      }
    }
    assert.ok(mutations >= 30, `${mutations} mutations found`);
  });
});
