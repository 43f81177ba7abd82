import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { ErrorCode } from "../common/errors";
import { isDatabaseUnavailable } from "../db/database";

/** Codes whose messages are written for clients and are safe to pass through as they are. */
const PUBLIC_CODES = new Set<string>([
  "UNAUTHENTICATED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "QUERY_TOO_COMPLEX",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  ...Object.values(ErrorCode),
]);

/** A GraphQLError raised on purpose with a client-error HTTP status and no code (not a wrapped exception). */
function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/**
 * The one error formatter: client-facing errors keep their message and code; anything else is
 * logged in full and reaches the client as a bare INTERNAL_SERVER_ERROR — no stack, no SQL.
 */
export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === "string" && PUBLIC_CODES.has(code)) {
      const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const original = unwrapResolverError(error);
    if (isDatabaseUnavailable(original)) {
      log.warn({ err: original, path: formatted.path }, "database unavailable");
      return { message: "The database is unavailable; retry shortly", path: formatted.path, extensions: { code: "SERVICE_UNAVAILABLE" } };
    }
    if (isUncodedClientError(original)) {
      // Apollo's own refusals of a bad request (e.g. an unsupported persisted-query version or a
      // hash that does not match the query) carry an HTTP 4xx but no code: they are the client's.
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: "BAD_REQUEST" } };
    }
    log.error({ err: original, path: formatted.path }, "unexpected error");
    return {
      message: "Internal server error",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}

/** A response whose errors say the database is unavailable is a 503, so load balancers and clients retry. */
export function unavailableStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind === "single" && response.body.singleResult.errors?.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE")) {
            response.http.status = 503;
            response.http.headers.set("retry-after", "1");
          }
        },
      };
    },
  };
}

/**
 * A subscription sent as an HTTP request is the client's mistake: say where subscriptions are
 * served (400 BAD_REQUEST) rather than let the executor fail on it as an internal error.
 */
export function subscriptionsOverHttpRefusedPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription") {
            throw new GraphQLError("Subscriptions are served over WebSocket (the graphql-transport-ws protocol) at /graphql, not over HTTP POST or GET", {
              extensions: { code: "BAD_REQUEST", http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
