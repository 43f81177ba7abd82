import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { type App, requestContext } from "../app";
import type { RequestContext } from "../context/context";
import { isValidIdempotencyKey, requestHash } from "./idempotency";
import type { FastLane } from "./fast-lane";
import type { Metrics } from "./metrics";
import { operationTypeOf } from "./operation-type";
import { graphQLErrorBody, illFormedStringPath, readBody, sendJson } from "./respond";

/**
 * `/graphql` over HTTP: reads and checks the body, authenticates (failed attempts spend the client
 * address's budget), builds the request context, and answers a known query or mutation through the fast lane
 * (fast-lane.ts) or runs the operation through Apollo — once only under an Idempotency-Key when it
 * is a mutation.
 */
export class GraphQLHandler {
  constructor(
    private readonly app: App,
    private readonly apollo: ApolloServer<RequestContext>,
    private readonly metrics: Metrics,
    private readonly lane: FastLane | null = null,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const { app, apollo, metrics } = this;
    const raw = req.method === "POST" ? await readBody(req, app.config.maxBodyBytes) : "";
    let body: unknown = undefined;
    const contentType = req.headers["content-type"] ?? "";
    if (raw && contentType.includes("application/json")) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, graphQLErrorBody("Request body is not valid JSON", "BAD_REQUEST"));
      }
      // Only a \uD800–\uDFFF escape in the text can produce one; most bodies skip the walk.
      const illFormed = /\\u[dD][89a-fA-F]/.test(raw) ? illFormedStringPath(body) : null;
      if (illFormed) {
        return sendJson(res, 400, graphQLErrorBody(`${illFormed.slice(0, 200)}: strings must be well-formed Unicode (a lone surrogate \\uD800–\\uDFFF is not a character)`, "BAD_REQUEST"));
      }
    } else if (raw) {
      body = raw;
    }
    let authenticated;
    try {
      authenticated = await app.authenticator.authenticate(req.headers.authorization);
    } catch (error) {
      if (error instanceof GraphQLError) {
        // Every failure spends from the client address's budget; past it, failures are 429 (a valid
        // credential from the same address is never held back: only failures are counted and refused).
        const decision = await app.authFailureLimiter.consume(`authfail:${req.socket.remoteAddress ?? "unknown"}`, 1);
        if (!decision.allowed) {
          metrics.countHttpError("RATE_LIMITED");
          return sendJson(res, 429, graphQLErrorBody("Too many failed authentications from this address; retry later", "RATE_LIMITED"), {
            "retry-after": String(Math.max(1, decision.retryAfterSeconds)),
          });
        }
        metrics.countHttpError(String(error.extensions.code));
        return sendJson(res, 401, graphQLErrorBody(error.message, String(error.extensions.code)), { "www-authenticate": "Bearer" });
      }
      throw error;
    }
    const log = app.log.child({ reqId: requestId });
    const context = requestContext(app, requestId, log, authenticated.principal, authenticated.tenant);
    if (this.lane && (await this.lane.answer(req, res, body, context))) return;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const execute = () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async () => context,
      });

    const idempotencyKey = req.headers["idempotency-key"];
    // Mutations only: a query (or a body that selects no runnable operation) has no effect to
    // protect, so it is answered afresh and nothing is stored.
    if (
      typeof idempotencyKey === "string" &&
      req.method === "POST" &&
      context.principal.kind !== "ANONYMOUS" &&
      operationTypeOf(body, app.config.maxQueryTokens) === "mutation"
    ) {
      if (!isValidIdempotencyKey(idempotencyKey)) {
        return sendJson(res, 400, graphQLErrorBody("Idempotency-Key must be 1…255 visible ASCII characters", "BAD_REQUEST"));
      }
      return this.handleIdempotent(res, context.principalKey, idempotencyKey, raw, execute);
    }
    const response = await execute();
    this.lane?.learnContentType(req.headers.accept, response);
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  /** Runs a request under an Idempotency-Key at most once; retries get the stored response. */
  private async handleIdempotent(
    res: ServerResponse,
    scope: string,
    key: string,
    raw: string,
    execute: () => ReturnType<ApolloServer<RequestContext>["executeHTTPGraphQLRequest"]>,
  ): Promise<void> {
    const { app } = this;
    const hash = requestHash(scope, raw);
    let claim = await app.idempotency.claim(scope, key, hash);
    if (claim.kind === "in-progress") claim = await app.idempotency.waitFor(scope, key, hash);
    switch (claim.kind) {
      case "replay":
        res.writeHead(claim.status, { "content-type": "application/json; charset=utf-8", "idempotent-replayed": "true" });
        res.end(claim.body);
        return;
      case "mismatch":
        return sendJson(res, 422, graphQLErrorBody("This Idempotency-Key was already used with a different request", "IDEMPOTENCY_KEY_REUSED"));
      case "in-progress":
        return sendJson(res, 409, graphQLErrorBody("A request with this Idempotency-Key is still in progress; retry later", "IDEMPOTENCY_KEY_IN_USE"));
      case "over-limit":
        return sendJson(res, 429, graphQLErrorBody(`Too many Idempotency-Keys: ${claim.reason}; retry later or send the request without a key`, "IDEMPOTENCY_KEY_LIMIT_REACHED"), {
          "retry-after": String(claim.retryAfterSeconds),
        });
      case "claimed":
        break;
    }
    let response;
    try {
      response = await execute();
    } catch (error) {
      await app.idempotency.release(scope, key);
      throw error;
    }
    const text = response.body.kind === "complete" ? response.body.string : null;
    const status = response.status ?? 200;
    // Unexpected failures are not remembered: the retry runs afresh, as the first attempt wrote nothing.
    if (text === null || status >= 500) await app.idempotency.release(scope, key);
    else await app.idempotency.complete(scope, key, status, text);
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = status;
    res.end(text ?? "");
  }
}
