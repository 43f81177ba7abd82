import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestContext } from "../context/context";

/** One structured log line per GraphQL request: operation, principal, tenant, duration, error codes. */
export function requestLogPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ contextValue: ctx, operationName, errors, response }) {
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          ctx.log.info(
            {
              operation: operationName ?? null,
              principal: ctx.principal.kind,
              tenant: ctx.tenant?.rowId ?? null,
              durationMs: Math.round(durationMs * 100) / 100,
              status: response.http.status ?? 200,
              errors: errors?.map((e) => e.extensions?.code ?? "INTERNAL_SERVER_ERROR"),
            },
            "graphql request",
          );
        },
      };
    },
  };
}
