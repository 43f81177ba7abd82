import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDisableSuggestions } from "@apollo/server/plugin/disableSuggestions";
import type { App } from "../app";
import type { RequestContext } from "../context/context";
import { armorProtection } from "./armor";
import { queryCostPlugin } from "./cost";
import { createErrorFormatter, subscriptionsOverHttpRefusedPlugin, unavailableStatusPlugin } from "./errors";
import { type JitExecutor, localGateway } from "./executor";
import type { Metrics } from "./metrics";
import { requestLogPlugin } from "./request-log";

/**
 * Apollo Server over the app's schema: graphql-jit as executor (null, GRAPHQL_JIT=false: graphql-js),
 * armor's depth/alias/directive limits, our connection-aware cost and rate limit, one error
 * formatter, request logs and metrics. Introspection and suggestions are off in production.
 */
export async function createApollo(
  app: App,
  metrics: Metrics,
  jit: JitExecutor | null,
  plugins: ApolloServerPlugin<RequestContext>[] = [],
): Promise<ApolloServer<RequestContext>> {
  const production = app.config.env === "production";
  const schema = app.schema;
  const armor = armorProtection(app.config);
  const apollo = new ApolloServer<RequestContext>({
    // graphql-jit unless switched off (GRAPHQL_JIT=false runs the reference graphql-js executor).
    ...(jit ? { gateway: localGateway(schema, jit.execute) } : { schema }),
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
