import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { generate } from "@graphql-codegen/cli";
import { buildSchema, Kind, parse, validate } from "graphql";
import { codegenOutput, codegenTargets } from "../../codegen";
import { printAppSchema } from "../../src/schema";

const ROOT = join(__dirname, "../../..");
const EXAMPLES = join(ROOT, "examples");
const TEST_DOCUMENTS = join(ROOT, "test/graphql");
const graphqlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".graphql")).sort();
const exampleFiles = () => graphqlFiles(EXAMPLES);

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

  it("test/graphql/: every operation the tests send validates against the live schema, under a unique name", async () => {
    const schema = buildSchema(await printAppSchema());
    const files = graphqlFiles(TEST_DOCUMENTS);
    assert.ok(files.length >= 5);
    // Fragments may be shared between files, so the files are validated as one document.
    const definitions = files.flatMap((file) => parse(readFileSync(join(TEST_DOCUMENTS, file), "utf8")).definitions.map((definition) => ({ file, definition })));
    assert.deepEqual(validate(schema, { kind: Kind.DOCUMENT, definitions: definitions.map((d) => d.definition) }).map((e) => e.message), []);
    const names = new Set<string>();
    for (const { file, definition } of definitions) {
      assert.ok((definition.kind === "OperationDefinition" || definition.kind === "FragmentDefinition") && definition.name, `${file}: named operations and fragments only`);
      assert.ok(!names.has(definition.name.value), `${file}: ${definition.name.value} is used twice`);
      names.add(definition.name.value);
    }
  });

  for (const [output, documents] of Object.entries(codegenTargets)) {
    it(`${output} is what codegen makes from the live schema (run \`npm run codegen\` after changing either)`, async () => {
      const folder = join(ROOT, output).replace(/\/$/, "");
      const outputs: Array<{ filename: string; content: string }> = await generate(
        {
          schema: await printAppSchema(),
          documents: [join(ROOT, documents)],
          ignoreNoDocuments: false,
          silent: true,
          generates: { [`${folder}/`]: codegenOutput },
        },
        false,
      );
      const generated = new Map(outputs.map((o) => [o.filename.replace(`${folder}/`, ""), o.content]));
      const committed = readdirSync(folder).sort();
      assert.deepEqual(committed, [...generated.keys()].sort(), `${output} has exactly the generated files`);
      for (const [file, content] of generated) {
        assert.equal(readFileSync(join(folder, file), "utf8"), content, `${output}${file} is stale: run \`npm run codegen\``);
      }
    });
  }
});
