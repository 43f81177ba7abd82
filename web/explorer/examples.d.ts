/** The operations in examples/*.graphql, in file order, read by web/build.mjs at build time. */
declare module "virtual:examples" {
  export interface Example {
    /** The operation name, e.g. "CreateGroup". */
    name: string;
    /** examples/<file>. */
    file: string;
    /** The document as written, comments included. */
    query: string;
    /** The `# Variables:` line's JSON, with {{alice}}-style placeholders for demo user ids. */
    variables: string;
    /** `# Run as:` — a demo user's external id, or "tenant" for the tenant API key. */
    runAs: string;
  }
  export const examples: Example[];
}
