import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type App, closeApp } from "../app";
import { isDatabaseUnavailable } from "../db/database";
import { createApollo } from "./apollo";
import { handleCodePage } from "./code-pages";
import { Cors } from "./cors";
import { JitExecutor } from "./executor";
import { FastLane } from "./fast-lane";
import { GraphQLHandler } from "./graphql-handler";
import { Metrics } from "./metrics";
import { graphQLErrorBody, HttpError, requestIdOf, sendJson } from "./respond";
import { operatorRoutes } from "./routes";
import { SubscriptionServer } from "./subscriptions";

export interface RunningServer {
  url: string;
  port: number;
  app: App;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes the pool. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts the HTTP server: `/graphql`, `/healthz`. Port 0 picks a free port (tests). */
export async function startServer(app: App, port = app.config.port, host = app.config.host): Promise<RunningServer> {
  const metrics = new Metrics(app);
  // GraphQL subscriptions: WebSocket upgrades of /graphql on this same server (see subscriptions.ts).
  const subscriptions = new SubscriptionServer(app);
  metrics.trackSubscriptions(subscriptions);
  const jit = app.config.graphqlJit ? new JitExecutor(app.schema) : null;
  // The query fast lane runs jit's compiled queries: off with graphql-js.
  const lane = jit && app.config.queryFastLane ? new FastLane(app, metrics, jit) : null;
  const apollo = await createApollo(app, metrics, jit, [subscriptions.plugin(), ...(lane ? [lane.plugin()] : [])]);
  const graphql = new GraphQLHandler(app, apollo, metrics, lane);
  const extraRoutes = operatorRoutes(app, metrics);
  const cors = new Cors(app.config.corsOrigins);

  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      const health = await app.db.health();
      const ok = !draining && health.ok;
      return sendJson(res, ok ? 200 : 503, { status: ok ? "ok" : draining ? "draining" : "unavailable", ...(health.wsrep ? { wsrep: health.wsrep } : {}) });
    }
    if (path === "/graphql") return cors.handle(req, res) ? undefined : graphql.handle(req, res, requestId);
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
