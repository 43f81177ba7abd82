/**
 * A tiny typed client for the group platform API: the generated TypedDocumentNodes carry each
 * operation's result and variables types, so `execute` checks both at compile time.
 *
 *   npm run build && GRAPHQL_URL=http://127.0.0.1:4000/graphql TOKEN=<user token> node dist/examples/client.js
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { CreateGroupDocument, MyGroupsDocument, ViewerDocument } from "./generated/graphql";

/** A top-level GraphQL error (UNAUTHENTICATED, NOT_FOUND…); domain refusals come back as userErrors. */
export class GraphQLError extends Error {
  constructor(readonly codes: string[], message: string) {
    super(message);
  }
}

/** POSTs one typed operation with a bearer token and returns its typed data. */
export async function execute<Result, Variables>(
  endpoint: string,
  token: string,
  document: TypedDocumentNode<Result, Variables>,
  ...[variables]: Variables extends Record<string, never> ? [] : [Variables]
): Promise<Result> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
  });
  const body = (await response.json()) as { data?: Result | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length) {
    throw new GraphQLError(body.errors.map((e) => e.extensions?.code ?? "UNKNOWN"), body.errors.map((e) => e.message).join("; "));
  }
  return body.data as Result;
}

/** Who am I, make a group with two contacts, list my groups: every field below is typed. */
export async function demo(endpoint: string, token: string): Promise<string[]> {
  const { viewer } = await execute(endpoint, token, ViewerDocument);
  if (!viewer) throw new Error("a user token is needed (a tenant key has no viewer)");
  const memberIds = viewer.contacts?.edges.slice(0, 2).map((edge) => edge.node.id) ?? [];
  const { createGroup } = await execute(endpoint, token, CreateGroupDocument, { input: { name: `${viewer.displayName}'s typed group`, memberIds } });
  for (const refusal of createGroup.userErrors) console.warn(`createGroup refused: ${refusal.code} ${refusal.message}`);
  const { myGroups } = await execute(endpoint, token, MyGroupsDocument, { first: 10 });
  return myGroups.edges.map((edge) => `${edge.node.name} (${edge.node.memberCount} members, ${edge.node.viewerMembership?.role ?? "?"})`);
}

if (require.main === module) {
  const endpoint = process.env.GRAPHQL_URL ?? "http://127.0.0.1:4000/graphql";
  const token = process.env.TOKEN;
  if (!token) {
    console.error("Set TOKEN to a user token (printed by `npm start` on a fresh database, or `npm run seed`).");
    process.exit(2);
  }
  demo(endpoint, token).then(
    (groups) => console.log(groups.join("\n")),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
