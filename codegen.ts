import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents for the example operations (`npm run codegen`): examples/*.graphql against the
 * committed schema → examples/generated/ (committed). test/unit/codegen.test.ts regenerates in
 * memory from the live schema and fails when the committed output is stale.
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

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["examples/*.graphql"],
  ignoreNoDocuments: false,
  generates: { "examples/generated/": codegenOutput },
};

export default config;
