/** A top-level GraphQL error or a failed HTTP exchange, with the codes the server sent. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
    readonly status: number,
  ) {
    super(message);
    this.name = "GraphQLRequestError";
  }

  has(code: string): boolean {
    return this.codes.includes(code);
  }
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * POSTs one operation to the public endpoint with a bearer token. Any top-level error rejects,
 * so callers see either the whole data or a GraphQLRequestError naming the codes.
 */
export async function request<T>(token: string, query: string, variables: Record<string, unknown> = {}, endpoint = "/graphql"): Promise<T> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new GraphQLRequestError("The server did not answer", ["NETWORK_ERROR"], 0);
  }
  let body: GraphQLBody<T>;
  try {
    body = (await response.json()) as GraphQLBody<T>;
  } catch {
    throw new GraphQLRequestError(`Unexpected answer (HTTP ${response.status})`, ["BAD_RESPONSE"], response.status);
  }
  if (body.errors?.length) {
    throw new GraphQLRequestError(
      body.errors.map((e) => e.message).join("; "),
      body.errors.map((e) => e.extensions?.code ?? "INTERNAL_SERVER_ERROR"),
      response.status,
    );
  }
  if (!body.data) throw new GraphQLRequestError(`Empty answer (HTTP ${response.status})`, ["BAD_RESPONSE"], response.status);
  return body.data;
}
