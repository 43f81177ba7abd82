import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import type { RateLimiter } from "./rate-limit";
import { type DocumentNode, getNamedType, getNullableType, getOperationAST, GraphQLError, type GraphQLSchema, isCompositeType, isListType } from "graphql";
import { type ComplexityEstimator, getComplexity } from "graphql-query-complexity";
import { DEFAULT_PAGE_SIZE } from "../common/pagination";
import type { RequestContext } from "../context/context";

/** What each kind of field costs, in the manner of GitHub's and Shopify's GraphQL APIs. */
export const COST = {
  /** An object (or list of objects) a resolver produces. */
  object: 1,
  /** Scalars and enums come with their object. */
  scalar: 0,
  /** Every mutation starts here: writes are dearer than reads. */
  mutation: 10,
} as const;

/**
 * What a field declares about its price, next to its declaration: `@Extensions({ cost: N })` when
 * producing it costs more than the default (QR codes, evidence; prices in src/policy/cost.ts), and
 * `@Extensions({ listSize: N })` on a plain (non-connection) list: the most items it returns.
 */
export interface FieldPrice {
  cost?: number;
  listSize?: number;
}

/**
 * A field costs its declared `cost` (else 1 for objects, 0 for scalars); connections multiply what
 * they contain by `first` (default page size when omitted) and plain lists by their `listSize`, so a
 * page or list of N items costs N times one item (at least one point each); other composite fields
 * cost their own price plus their children.
 */
export const connectionEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const price = (field.extensions ?? {}) as FieldPrice;
  const type = getNamedType(field.type);
  const composite = isCompositeType(type);
  const own = typeof price.cost === "number" ? price.cost : composite ? COST.object : COST.scalar;
  if (!composite) return own;
  let items: number | null = null;
  if (type.name.endsWith("Connection")) items = typeof args.first === "number" && args.first >= 0 ? args.first : DEFAULT_PAGE_SIZE;
  else if (isListType(getNullableType(field.type)) && typeof price.listSize === "number") items = price.listSize;
  return items === null ? own + childComplexity : own + items * Math.max(childComplexity, COST.object);
};

export interface QueryCost {
  requestedQueryCost: number;
  maximumAvailable: number;
}

/**
 * The operation's price: the connection-aware complexity (plus `COST.mutation` for a mutation).
 * Null when the variables do not coerce (execution refuses them first).
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number | null {
  // A parsed document is reused from Apollo's cache for every request sending the same text: its
  // price for the same operation and variables is worked out once (clients repeat the same pages).
  const key = cacheKey(operationName, variables);
  const known = key !== null ? priced.get(document)?.get(key) : undefined;
  if (known !== undefined) return known;
  const cost = priceOf(schema, document, operationName, variables);
  if (key !== null) {
    let byKey = priced.get(document);
    if (!byKey) priced.set(document, (byKey = new Map()));
    if (byKey.size >= 100) byKey.clear();
    byKey.set(key, cost);
  }
  return cost;
}

const priced = new WeakMap<DocumentNode, Map<string, number | null>>();

/** The operation and its variables as a key; null (not cached) for large or unprintable variables. */
function cacheKey(operationName: string | undefined, variables: Record<string, unknown>): string | null {
  let printed: string;
  try {
    printed = JSON.stringify(variables);
  } catch {
    return null; // e.g. nested deeper than the stack: pricing (and then coercion) refuses it as usual
  }
  const key = `${operationName ?? ""}\u0000${printed}`;
  return key.length <= 2000 ? key : null;
}

function priceOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number | null {
  let computed: number;
  try {
    computed = getComplexity({ schema, query: document, operationName, variables, estimators: [connectionEstimator] });
  } catch {
    return null;
  }
  const operation = getOperationAST(document, operationName);
  return computed + (operation?.operation === "mutation" ? COST.mutation : 0);
}

/**
 * Holds a priced operation to the limits: above `maxCost` it is QUERY_TOO_COMPLEX; otherwise the
 * principal spends `requested` from its leaky bucket (anonymous callers do not), RATE_LIMITED when
 * it is empty. Returns the refusal (with `extensions.http` for Apollo), or null: go ahead.
 */
export async function chargeOperation(
  ctx: Pick<RequestContext, "principal" | "principalKey">,
  requested: number,
  maxCost: number,
  limiter: RateLimiter,
): Promise<GraphQLError | null> {
  const cost: QueryCost = { requestedQueryCost: requested, maximumAvailable: maxCost };
  if (requested > maxCost) {
    return new GraphQLError(`Query cost ${requested} exceeds the maximum of ${maxCost}: ask for smaller pages (first) or fewer nested connections`, {
      extensions: { code: "QUERY_TOO_COMPLEX", cost, http: { status: 400 } },
    });
  }
  // Each principal spends its cost from a leaky bucket (shared through Redis when configured).
  if (ctx.principal.kind !== "ANONYMOUS") {
    const decision = await limiter.consume(ctx.principalKey, requested);
    if (!decision.allowed) {
      return new GraphQLError(`Rate limit exceeded: this request costs ${requested} points; retry in ${decision.retryAfterSeconds} s`, {
        extensions: {
          code: "RATE_LIMITED",
          cost,
          retryAfterSeconds: decision.retryAfterSeconds,
          http: { status: 429, headers: new HeaderMap([["retry-after", String(decision.retryAfterSeconds)]]) },
        },
      });
    }
  }
  return null;
}

/**
 * chargeOperation, at most once per request: the query fast lane charges a request and may then
 * hand it to Apollo (an error in the result, variables that do not coerce), whose cost plugin then
 * takes that charge's outcome — the same refusal, or none — instead of spending the budget again.
 */
export async function chargeOperationOnce(
  ctx: Pick<RequestContext, "principal" | "principalKey" | "costCharge">,
  requested: number,
  maxCost: number,
  limiter: RateLimiter,
): Promise<GraphQLError | null> {
  const earlier = ctx.costCharge.made;
  if (earlier) {
    ctx.costCharge.made = null; // taken: another operation on this context is charged afresh
    if (earlier.requested === requested) return earlier.refusal as GraphQLError | null;
  }
  const refusal = await chargeOperation(ctx, requested, maxCost, limiter);
  ctx.costCharge.made = { requested, refusal };
  return refusal;
}

/**
 * Computes every operation's cost before it runs; refuses those above `maxCost` with
 * QUERY_TOO_COMPLEX (HTTP 400) and those past the principal's budget with RATE_LIMITED (429), and
 * reports the cost in `extensions.cost` of every response.
 */
export function queryCostPlugin(schema: GraphQLSchema, maxCost: number, limiter: RateLimiter): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let cost: QueryCost | null = null;
      return {
        async didResolveOperation({ document, request, contextValue }) {
          // Variables that do not coerce: execution refuses them as BAD_USER_INPUT (400) first.
          const requested = operationCost(schema, document, request.operationName ?? undefined, request.variables ?? {});
          if (requested === null) return;
          cost = { requestedQueryCost: requested, maximumAvailable: maxCost };
          contextValue.queryCost = requested;
          const refusal = await chargeOperationOnce(contextValue, requested, maxCost, limiter);
          if (refusal) throw refusal;
        },
        async willSendResponse({ response }) {
          if (cost && response.body.kind === "single") {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost };
          }
        },
      };
    },
  };
}
