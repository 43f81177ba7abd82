import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { printAppSchema } from "../../src/schema";

describe("schema/schema.graphql", () => {
  it("matches the schema the code builds (run `npm run schema` after changing types)", async () => {
    const committed = readFileSync(join(__dirname, "../../../schema/schema.graphql"), "utf8");
    assert.equal(committed, await printAppSchema(), "schema/schema.graphql is stale: run `npm run schema` and commit it");
  });
});
