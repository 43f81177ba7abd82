import { Buffer } from "node:buffer";
import { hrtime } from "node:process";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin, HTTPGraphQLResponse } from "@apollo/server";
import type { DocumentNode, ExecutionResult, OperationDefinitionNode } from "graphql";
import type { App } from "../app";
import type { RequestContext } from "../context/context";
import { chargeOperationOnce, operationCost, type QueryCost } from "./cost";
import type { JitExecutor } from "./executor";
import type { Metrics } from "./metrics";
import { logGraphQLRequest } from "./request-log";

/** An operation Apollo has parsed, validated (armor's limits included) and resolved as a query or a mutation. */
interface KnownOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The operation's own name (what the request log and metrics call it). */
  operationName: string | null;
}

/** Most distinct query texts remembered (the executor compiles at most 1000 documents). */
const MAX_KNOWN = 1000;
/** Most distinct Accept headers whose negotiated content type is remembered. */
const MAX_ACCEPT_VALUES = 100;
/** The only Content-Type the lane takes (`application/json`, optionally with parameters). */
const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;
/** Apollo's two single-result media types (its negotiation picks one of them, or refuses). */
const SINGLE_RESULT_TYPES = new Set(["application/json; charset=utf-8", "application/graphql-response+json; charset=utf-8"]);

/**
 * The fast lane: a POST of a query or mutation text (and operationName) that Apollo has already
 * parsed, validated and resolved in an earlier request runs its graphql-jit compiled function
 * directly and is answered here, skipping Apollo's request pipeline. Its answer is Apollo's, byte
 * for byte: the same cost pricing and budget charge (refusals go through Apollo), `extensions.cost`,
 * the content type Apollo negotiated for the same Accept header, the same request log line and
 * metrics. Anything else — variables that do not coerce, GET, batches, `extensions` (APQ), unknown
 * documents, subscriptions, a mutation under an Idempotency-Key — is handed to Apollo before
 * anything runs, which then takes the lane's charge instead of charging again
 * (chargeOperationOnce). A result with errors is Apollo's to answer too: a query's is run afresh
 * there, a mutation's (which must not run twice) is handed to Apollo's executor as it came out
 * (RequestContext.laneRun), so Apollo formats it exactly as its own.
 */
export class FastLane {
  /** Known queries and mutations by operationName and text (see keyOf). */
  private readonly known = new Map<string, KnownOperation>();
  /** The content type Apollo answered a single result with, by the request's Accept header. */
  private readonly contentTypes = new Map<string | undefined, string>();

  constructor(
    private readonly app: App,
    private readonly metrics: Metrics,
    private readonly executor: JitExecutor,
  ) {}

  /** The Apollo plugin that makes a query or mutation known once Apollo has resolved it from a plain POST. */
  plugin(): ApolloServerPlugin<RequestContext> {
    const lane = this;
    return {
      async requestDidStart() {
        return {
          async didResolveOperation({ request, document, operation }) {
            if ((operation?.operation !== "query" && operation?.operation !== "mutation") || request.http?.method !== "POST" || typeof request.query !== "string" || request.extensions !== undefined) return;
            const key = keyOf(request.query, request.operationName);
            if (lane.known.has(key) || lane.known.size >= MAX_KNOWN) return;
            lane.known.set(key, { document, operation, operationName: operation.name?.value ?? null });
          },
        };
      },
    };
  }

  /** Remembers which content type Apollo's negotiation chose for a request's Accept header. */
  learnContentType(accept: string | undefined, response: HTTPGraphQLResponse): void {
    if ((response.status ?? 200) !== 200 || response.body.kind !== "complete") return;
    const contentType = response.headers.get("content-type");
    if (contentType === undefined || !SINGLE_RESULT_TYPES.has(contentType) || this.contentTypes.has(accept)) return;
    if (this.contentTypes.size < MAX_ACCEPT_VALUES) this.contentTypes.set(accept, contentType);
  }

  /**
   * Answers the request when it is a known query or mutation that runs without errors; returns false
   * (having written nothing) when Apollo must answer it (a mutation that ran leaves its outcome in
   * ctx.laneRun for Apollo's executor).
   */
  async answer(req: IncomingMessage, res: ServerResponse, body: unknown, ctx: RequestContext): Promise<boolean> {
    const started = hrtime.bigint();
    if (req.method !== "POST" || !JSON_CONTENT_TYPE.test(req.headers["content-type"] ?? "")) return false;
    const contentType = this.contentTypes.get(req.headers.accept);
    if (contentType === undefined || !isPlainRequest(body)) return false;
    const known = this.known.get(keyOf(body.query, body.operationName ?? undefined));
    if (!known) return false;
    const mutation = known.operation.operation === "mutation";
    // At most once under an Idempotency-Key: that is the handler's to arrange (graphql-handler.ts).
    if (mutation && req.headers["idempotency-key"] !== undefined) return false;
    // Apollo hands its executor the resolved operation's name: the same compiled function.
    const compiled = this.executor.compiled(known.document, known.operationName);
    if (!compiled) return false;
    const { app, metrics } = this;
    const operationName = body.operationName ?? undefined;
    const variables = body.variables ?? {};
    const handOver = () => {
      metrics.countFastLane("handed_over");
      return false;
    };
    // Priced and charged as the cost plugin does; a refusal, or variables that cannot be priced, go
    // through Apollo. Pricing coerces the variables as the executor does (operationCost is null for
    // variables that do not coerce: Apollo's 400), so they are not coerced a second time here.
    const requested = operationCost(app.schema, known.document, operationName, variables);
    if (requested === null) return handOver();
    ctx.queryCost = requested;
    if (await chargeOperationOnce(ctx, requested, app.config.maxQueryCost, app.rateLimiter)) return handOver();
    const meter = metrics.startRequest();
    meter.resolved(known.operation.operation, known.operationName);
    let result: ExecutionResult;
    try {
      result = await compiled.query(undefined, ctx, variables);
    } catch (thrown) {
      result = { errors: [] }; // Apollo answers it (and logs what went wrong)
      if (mutation) ctx.laneRun.outcome = { thrown };
    }
    if (result.errors || !result.data) {
      meter.abandoned();
      if (mutation) ctx.laneRun.outcome ??= { result };
      // A query Apollo runs afresh, as if the lane had not: from the database, not from rows this run loaded.
      else ctx.loaders.clear();
      return handOver();
    }
    const cost: QueryCost = { requestedQueryCost: requested, maximumAvailable: app.config.maxQueryCost };
    // Apollo's serialisation: errors, data, extensions in that order, JSON.stringify and a newline.
    // The data by the compiled serialiser where it writes what JSON.stringify would (executor.ts:
    // ≈ 60 instead of ≈ 210 µs for the benchmark's 48 KiB read), the extensions spliced in before
    // the closing brace. Encoded once into a buffer that ends with the newline: `${json}\n` would be
    // a rope that the Content-Length computation copies flat again before the socket write encodes it.
    const withData = compiled.stringify({ data: result.data });
    const json = `${withData.slice(0, -1)},"extensions":${JSON.stringify({ cost })}}`;
    const length = Buffer.byteLength(json);
    const bytes = Buffer.allocUnsafe(length + 1);
    bytes.write(json, 0, length, "utf8");
    bytes[length] = 0x0a;
    res.setHeader("content-type", contentType);
    res.statusCode = 200;
    res.end(bytes);
    metrics.countUserErrors(ctx);
    meter.finished(undefined);
    metrics.countFastLane("answered");
    logGraphQLRequest(ctx, { operationName: known.operationName, durationMs: Number(hrtime.bigint() - started) / 1e6, status: 200, errorCodes: undefined });
    return true;
  }
}

/** A POST body holding only a query text, perhaps an operationName and variables, as Apollo accepts them. */
interface PlainRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

function isPlainRequest(body: unknown): body is PlainRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const { query, operationName, variables } = body as Record<string, unknown>;
  if (typeof query !== "string") return false;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return false;
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) return false;
  for (const key in body) if (key !== "query" && key !== "operationName" && key !== "variables") return false;
  return true;
}

/** A query's identity: Apollo treats an absent and a null operationName alike, and "" as a name. */
function keyOf(query: string, operationName: string | undefined | null): string {
  return typeof operationName === "string" ? `${operationName}\u0000${query}` : `\u0001${query}`;
}
