import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDisableSuggestions } from "@apollo/server/plugin/disableSuggestions";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { App } from "../app";
import type { RequestContext } from "../context/context";
import { queryCostPlugin } from "./cost";
import { createErrorFormatter, subscriptionsOverHttpRefusedPlugin, unavailableStatusPlugin } from "./errors";
import { jitExecutor, localGateway } from "./executor";
import type { Metrics } from "./metrics";
import { requestLogPlugin } from "./request-log";

/**
 * Apollo Server over the app's schema: graphql-jit as executor (GRAPHQL_JIT=false: graphql-js),
 * armor's depth/alias/directive limits, our connection-aware cost and rate limit, one error
 * formatter, request logs and metrics. Introspection and suggestions are off in production.
 */
export async function createApollo(app: App, metrics: Metrics, plugins: ApolloServerPlugin<RequestContext>[] = []): Promise<ApolloServer<RequestContext>> {
  const production = app.config.env === "production";
  const schema = app.schema;
  const armor = new ApolloArmor({
    maxDepth: { n: app.config.maxQueryDepth },
    maxAliases: { n: app.config.maxQueryAliases },
    maxTokens: { enabled: false }, // graphql's own parser limit below: a clean GRAPHQL_PARSE_FAILED
    maxDirectives: { n: 50 },
    costLimit: { enabled: false }, // our own connection-aware cost below
    // Off: it assigns `error.message`, which is read-only on graphql-jit's errors, so in production
    // every resolver error became a 500. Apollo's DisableSuggestions plugin below does the same job
    // on validation errors, the only ones that carry suggestions.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const apollo = new ApolloServer<RequestContext>({
    // graphql-jit unless switched off (GRAPHQL_JIT=false runs the reference graphql-js executor).
    ...(app.config.graphqlJit ? { gateway: localGateway(schema, jitExecutor(schema)) } : { schema }),
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT (drain HTTP, then stop Apollo, then close the pool). Apollo's own
    // handlers (registered outside NODE_ENV=test) would race it: their stop() and ours then wait on
    // each other and the process never exits.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(app.log),
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: app.config.maxQueryTokens },
    plugins: [
      ...armor.plugins,
      subscriptionsOverHttpRefusedPlugin(),
      queryCostPlugin(schema, app.config.maxQueryCost, app.rateLimiter),
      unavailableStatusPlugin(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ...(production ? [ApolloServerPluginDisableSuggestions()] : []),
      requestLogPlugin(),
      metrics.plugin(),
      ...plugins,
    ],
  });
  await apollo.start();
  return apollo;
}
