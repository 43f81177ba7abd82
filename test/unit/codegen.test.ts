import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { generate } from "@graphql-codegen/cli";
import { buildSchema, parse, validate } from "graphql";
import { codegenOutput } from "../../codegen";
import { printAppSchema } from "../../src/schema";

const ROOT = join(__dirname, "../../..");
const EXAMPLES = join(ROOT, "examples");
const GENERATED = join(EXAMPLES, "generated");
const exampleFiles = () => readdirSync(EXAMPLES).filter((f) => f.endsWith(".graphql")).sort();

describe("examples/ and the typed client", () => {
  it("every example operation validates against the live schema, under a unique name", async () => {
    const schema = buildSchema(await printAppSchema());
    const names = new Set<string>();
    assert.ok(exampleFiles().length >= 10);
    for (const file of exampleFiles()) {
      const document = parse(readFileSync(join(EXAMPLES, file), "utf8"));
      assert.deepEqual(validate(schema, document).map((e) => e.message), [], file);
      assert.equal(document.definitions.length, 1, `${file}: one operation per file`);
      const definition = document.definitions[0];
      assert.ok(definition.kind === "OperationDefinition" && definition.name, `${file}: a named operation`);
      assert.ok(!names.has(definition.name.value), `${file}: ${definition.name.value} is used twice`);
      names.add(definition.name.value);
    }
  });

  it("examples/generated/ is what codegen makes from the live schema (run `npm run codegen` after changing either)", async () => {
    const outputs: Array<{ filename: string; content: string }> = await generate(
      {
        schema: await printAppSchema(),
        documents: [join(EXAMPLES, "*.graphql")],
        ignoreNoDocuments: false,
        silent: true,
        generates: { [`${GENERATED}/`]: codegenOutput },
      },
      false,
    );
    const generated = new Map(outputs.map((o) => [o.filename.replace(`${GENERATED}/`, ""), o.content]));
    const committed = readdirSync(GENERATED).sort();
    assert.deepEqual(committed, [...generated.keys()].sort(), "examples/generated/ has exactly the generated files");
    for (const [file, content] of generated) {
      assert.equal(readFileSync(join(GENERATED, file), "utf8"), content, `examples/generated/${file} is stale: run \`npm run codegen\``);
    }
  });
});
