import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDisableSuggestions } from "@apollo/server/plugin/disableSuggestions";
import { GraphQLError } from "graphql";
import { type App, closeApp, requestContext } from "../app";
import { isDatabaseUnavailable } from "../db/database";
import type { RequestContext } from "../context/context";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { queryCostPlugin } from "./cost";
import { handleCodePage } from "./code-pages";
import { Cors } from "./cors";
import { createErrorFormatter, subscriptionsOverHttpRefusedPlugin, unavailableStatusPlugin } from "./errors";
import { jitExecutor, localGateway } from "./executor";
import { isValidIdempotencyKey, requestHash } from "./idempotency";
import { Metrics } from "./metrics";
import { operationTypeOf } from "./operation-type";
import { requestLogPlugin } from "./request-log";
import { operatorRoutes } from "./routes";
import { SubscriptionServer } from "./subscriptions";

export interface RunningServer {
  url: string;
  port: number;
  app: App;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes the pool. */
  stop(graceMs?: number): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A UTF-16 code unit of a surrogate pair standing alone: JSON can carry it (`"\\ud800"`), UTF-8 cannot. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The path of the first string (or key) in a parsed body holding a lone surrogate, or null. Such a
 * string cannot be stored: both drivers write it as U+FFFD, so the row would differ from what the
 * server returned, hashed and signed. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function illFormedStringPath(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, "body"]];
  while (stack.length) {
    const [item, path] = stack.pop()!;
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) return path;
    } else if (item !== null && typeof item === "object") {
      for (const [key, child] of Object.entries(item)) {
        if (LONE_SURROGATE.test(key)) return path;
        stack.push([child, Array.isArray(item) ? `${path}[${key}]` : `${path}.${key}`]);
      }
    }
  }
  return null;
}

function graphQLErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** Starts the HTTP server: `/graphql`, `/healthz`. Port 0 picks a free port (tests). */
export async function startServer(app: App, port = app.config.port, host = app.config.host): Promise<RunningServer> {
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
  const metrics = new Metrics(app);
  const extraRoutes = operatorRoutes(app, metrics);
  const cors = new Cors(app.config.corsOrigins);
  // GraphQL subscriptions: WebSocket upgrades of /graphql on this same server (see subscriptions.ts).
  const subscriptions = new SubscriptionServer(app);
  metrics.trackSubscriptions(subscriptions);
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
      subscriptions.plugin(),
    ],
  });
  await apollo.start();

  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | null = null;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
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
      return handleIdempotent(res, context.principalKey, idempotencyKey, raw, execute);
    }
    const response = await execute();
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
  async function handleIdempotent(
    res: ServerResponse,
    scope: string,
    key: string,
    raw: string,
    execute: () => ReturnType<ApolloServer<RequestContext>["executeHTTPGraphQLRequest"]>,
  ): Promise<void> {
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      const health = await app.db.health();
      const ok = !draining && health.ok;
      return sendJson(res, ok ? 200 : 503, { status: ok ? "ok" : draining ? "draining" : "unavailable", ...(health.wsrep ? { wsrep: health.wsrep } : {}) });
    }
    if (path === "/graphql") return cors.handle(req, res) ? undefined : handleGraphQL(req, res, requestId);
    if (path === "/evidence/public-key" && req.method === "GET") {
      const signer = app.evidence.signer;
      return sendJson(res, 200, { algorithm: "Ed25519", keyId: signer.keyId, publicKeyPem: signer.publicKeyPem() });
    }
    if (await handleCodePage(app, req, res, path, requestId)) return;
    if (await extraRoutes(req, res, path)) return;
    if (path === "/" && req.method === "GET") {
      return sendJson(res, 200, { service: "group-platform", graphql: "/graphql", health: "/healthz" });
    }
    return sendJson(res, 404, { error: "Not found" });
  }

  const server: Server = createServer((req, res) => {
    inFlight++;
    handle(req, res)
      .catch((error: unknown) => {
        if (error instanceof HttpError) return sendJson(res, error.status, graphQLErrorBody(error.message, "BAD_REQUEST"));
        if (isDatabaseUnavailable(error)) {
          app.log.warn({ err: error }, "database unavailable");
          if (!res.headersSent) return sendJson(res, 503, graphQLErrorBody("The database is unavailable; retry shortly", "SERVICE_UNAVAILABLE"), { "retry-after": "1" });
          return res.end();
        }
        app.log.error({ err: error }, "request failed");
        if (!res.headersSent) sendJson(res, 500, graphQLErrorBody("Internal server error", "INTERNAL_SERVER_ERROR"));
        else res.end();
      })
      .finally(() => {
        inFlight--;
        if (draining && inFlight === 0) drained?.();
      });
  });
  // Expired idempotency keys are deleted every few minutes (claims only skip them).
  const purge = setInterval(() => {
    app.idempotency.purgeExpired().catch((error: unknown) => app.log.warn({ err: error }, "idempotency purge failed"));
  }, 5 * 60_000);
  purge.unref();
  // The event feed keeps 30 days: older events are deleted every ten minutes.
  const eventCleanup = setInterval(() => {
    app.events.purgeExpired(app.clock.now()).catch((error: unknown) => app.log.warn({ err: error }, "event cleanup failed"));
  }, 10 * 60_000);
  eventCleanup.unref();
  subscriptions.attach(server);
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A burst of connections (a campaign's QR code scanned at once) must queue, not be dropped: the
    // default backlog of 511 overflows while the event loop is busy, and clients then time out.
    server.listen({ port, host, backlog: app.config.listenBacklog }, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}/graphql`;
  if (!app.config.publicBaseUrl) app.links.base = `http://${host}:${address.port}`;
  // Webhooks go out while the server serves (the CLI, which makes an app without a server, sends none).
  app.webhookDispatcher.start();

  let stopping: Promise<void> | null = null;
  async function stop(graceMs = 10_000): Promise<void> {
    stopping ??= (async () => {
      draining = true;
      clearInterval(purge);
      clearInterval(eventCleanup);
      await app.webhookDispatcher.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // WebSocket connections are not HTTP requests: closed now, or the server would never finish closing.
      await subscriptions.close();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
      app.log.debug("http server closed");
      await apollo.stop();
      app.log.debug("apollo stopped");
      await closeApp(app);
      app.log.debug("database pool closed");
    })();
    return stopping;
  }

  return { url, port: address.port, app, stop };
}
