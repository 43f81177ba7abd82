import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents (`npm run codegen`), each target from its own .graphql files against the committed
 * schema: the example operations (examples/*.graphql → examples/generated/) and the operations the
 * tests send (test/graphql/*.graphql → test/generated/). Both outputs are committed;
 * test/unit/codegen.test.ts regenerates them in memory from the live schema and fails when either is
 * stale.
 */
export const codegenOutput = {
  preset: "client",
  presetConfig: { fragmentMasking: false },
  config: {
    scalars: { DateTime: "string" },
    enumsAsTypes: true,
    useTypeImports: true,
    skipTypename: false,
  },
} as const;

/** Output folder → the documents generated into it. */
export const codegenTargets = {
  "examples/generated/": "examples/*.graphql",
  "test/generated/": "test/graphql/*.graphql",
} as const;

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  ignoreNoDocuments: false,
  generates: Object.fromEntries(Object.entries(codegenTargets).map(([output, documents]) => [output, { ...codegenOutput, documents: [documents] }])),
};

export default config;
