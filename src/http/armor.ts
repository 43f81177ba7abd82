import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { AppConfig } from "../config";

/**
 * graphql-armor's depth/alias/directive limits, one configuration for both transports: Apollo
 * (HTTP) takes its `validationRules` and `plugins`; the WebSocket path (subscriptions.ts) validates
 * each subscription document with the same `validationRules`.
 */
export function armorProtection(config: Pick<AppConfig, "maxQueryDepth" | "maxQueryAliases">): ReturnType<ApolloArmor["protect"]> {
  return new ApolloArmor({
    maxDepth: { n: config.maxQueryDepth },
    maxAliases: { n: config.maxQueryAliases },
    maxTokens: { enabled: false }, // graphql's own parser limit (maxQueryTokens): a clean GRAPHQL_PARSE_FAILED
    maxDirectives: { n: 50 },
    costLimit: { enabled: false }, // our own connection-aware cost (cost.ts)
    // Off: it assigns `error.message`, which is read-only on graphql-jit's errors, so in production
    // every resolver error became a 500. Apollo's DisableSuggestions plugin does the same job on
    // validation errors, the only ones that carry suggestions.
    blockFieldSuggestion: { enabled: false },
  }).protect();
}
