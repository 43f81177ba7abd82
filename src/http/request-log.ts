import { hrtime } from "node:process";
import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestContext } from "../context/context";

/** What the request log line says of one GraphQL request. */
export interface GraphQLRequestOutcome {
  operationName: string | null | undefined;
  durationMs: number;
  status: number;
  /** The top-level errors' codes as clients receive them (undefined: none). */
  errorCodes: unknown[] | undefined;
}

/** The one structured log line per GraphQL request: operation, principal, tenant, duration, error codes. */
export function logGraphQLRequest(ctx: RequestContext, outcome: GraphQLRequestOutcome): void {
  ctx.log.info(
    {
      operation: outcome.operationName ?? null,
      principal: ctx.principal.kind,
      tenant: ctx.tenant?.rowId ?? null,
      durationMs: Math.round(outcome.durationMs * 100) / 100,
      status: outcome.status,
      errors: outcome.errorCodes,
    },
    "graphql request",
  );
}

/** Writes the request log line of every request Apollo answers (the fast lane writes its own). */
export function requestLogPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = hrtime.bigint();
      return {
        async willSendResponse({ contextValue: ctx, operationName, errors, response }) {
          logGraphQLRequest(ctx, {
            operationName,
            durationMs: Number(hrtime.bigint() - started) / 1e6,
            status: response.http.status ?? 200,
            errorCodes: errors?.map((e) => e.extensions?.code ?? "INTERNAL_SERVER_ERROR"),
          });
        },
      };
    },
  };
}
