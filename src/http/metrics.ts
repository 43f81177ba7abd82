import { Buffer } from "node:buffer";
import { hrtime } from "node:process";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { App } from "../app";
import type { RequestContext } from "../context/context";
import { safeEqual } from "../auth/credentials";

/** Mutations whose refusals are join refusals: every path by which a user asks to come in. */
const JOIN_MUTATIONS = new Set(["joinGroupByCode", "joinByLiveCode", "respondToInvitation", "joinFaceToFaceGroup"]);

/** Operation names become label values; past this many distinct ones they are folded into "(other)". */
const MAX_OPERATION_LABELS = 500;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** The parts of a mysql2 pool we read. They are internal fields, so every read is defensive. */
interface Mysql2PoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

/** One GraphQL request's share of the metrics (see Metrics.startRequest). */
export interface GraphQLRequestMeter {
  resolved(operationType: string | undefined, operationName: string | null | undefined): void;
  abandoned(): void;
  finished(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined): void;
}

/**
 * Prometheus metrics of one API instance, on a registry of its own (several instances share a
 * process in tests). Request rate and latency by operation, error codes (top-level and userErrors),
 * join refusals, in-flight work and, on MySQL, the connection pool.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationLabels = new Set<string>();
  private readonly requests: Counter<"operation" | "type">;
  private readonly duration: Histogram<"operation">;
  private readonly errors: Counter<"code">;
  private readonly userErrors: Counter<"mutation" | "code">;
  private readonly joinRefusals: Counter<"mutation" | "code">;
  private readonly inFlight: Gauge<"type">;
  private readonly fastLane: Counter<"outcome">;

  private subscriptionServer: { openConnections: number; slowConsumersClosed: number } | null = null;

  /** Reports the WebSocket server's connections and slow consumers closed. */
  trackSubscriptions(server: { openConnections: number; slowConsumersClosed: number }): void {
    this.subscriptionServer = server;
  }

  constructor(private readonly app: App) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "gp_" });
    this.requests = new Counter({
      name: "gp_graphql_requests_total",
      help: "GraphQL requests by operation name and operation type",
      labelNames: ["operation", "type"],
      registers,
    });
    this.duration = new Histogram({
      name: "gp_graphql_request_duration_seconds",
      help: "GraphQL request latency (parse to response) by operation name",
      labelNames: ["operation"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.errors = new Counter({
      name: "gp_graphql_errors_total",
      help: "Top-level GraphQL errors by extensions.code, as clients receive them (UNAUTHENTICATED included)",
      labelNames: ["code"],
      registers,
    });
    this.userErrors = new Counter({
      name: "gp_graphql_user_errors_total",
      help: "Domain refusals (payload userErrors) by mutation and ErrorCode",
      labelNames: ["mutation", "code"],
      registers,
    });
    this.joinRefusals = new Counter({
      name: "gp_join_refusals_total",
      help: "Refused joins (joinGroupByCode, joinByLiveCode, respondToInvitation, joinFaceToFaceGroup) by ErrorCode",
      labelNames: ["mutation", "code"],
      registers,
    });
    this.inFlight = new Gauge({
      name: "gp_graphql_requests_in_flight",
      help: "GraphQL requests being executed; every mutation holds one database transaction",
      labelNames: ["type"],
      registers,
    });
    this.fastLane = new Counter({
      name: "gp_graphql_fast_lane_total",
      help: "Known queries and mutations seen by the fast lane, by outcome: answered (by the lane), handed_over (to Apollo: an error in the result, a refusal, variables that do not price)",
      labelNames: ["outcome"],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: "gp_subscriptions_open",
      help: "GraphQL subscriptions open on this instance (groupActivity, viewerActivity)",
      registers,
      collect() {
        this.set(app.live.open);
      },
    });
    new Gauge({
      name: "gp_websocket_connections_open",
      help: "WebSocket (graphql-transport-ws) connections open on this instance",
      registers,
      collect() {
        this.set(metrics.subscriptionServer?.openConnections ?? 0);
      },
    });
    new Gauge({
      name: "gp_websocket_slow_consumers_closed",
      help: "WebSocket connections closed (1013) because the client let too much data pile up unsent, since start",
      registers,
      collect() {
        this.set(metrics.subscriptionServer?.slowConsumersClosed ?? 0);
      },
    });
    new Gauge({
      name: "gp_events_published",
      help: "Committed events and group-log wake-ups this instance published to the event bus, since start",
      registers,
      collect() {
        this.set(app.eventBus.published);
      },
    });
    new Gauge({
      name: "gp_events_recorded_last_minute",
      help: "Events written to the outbox in the last minute, by every instance (the outbox's recent volume; the webhook backlog is gp_webhook_deliveries_pending)",
      registers,
      async collect() {
        this.set(await app.events.countSince(app.clock.now() - 60_000).catch(() => 0));
      },
    });
    const webhookAttempts = new Counter({
      name: "gp_webhook_attempts_total",
      help: "Webhook delivery attempts this instance made, by outcome: delivered (2xx), retrying (failed, another attempt is scheduled), failed (failed after 24 h of retries: final)",
      labelNames: ["outcome"],
      registers,
    });
    const webhookAttemptDuration = new Histogram({
      name: "gp_webhook_attempt_duration_seconds",
      help: "One webhook attempt: connecting, sending and the receiver's answer (15 s at most)",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers,
    });
    const webhookLag = new Histogram({
      name: "gp_webhook_delivery_lag_seconds",
      help: "From an event's commit to the 2xx that delivered it (retries included)",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400],
      registers,
    });
    app.webhookDispatcher.observe(({ outcome, seconds, lagSeconds }) => {
      webhookAttempts.inc({ outcome });
      webhookAttemptDuration.observe(seconds);
      if (lagSeconds !== null) webhookLag.observe(lagSeconds);
    });
    new Gauge({
      name: "gp_webhook_deliveries_pending",
      help: "Webhook deliveries not yet delivered or failed, by every instance: all of them, and those due now (the backlog)",
      labelNames: ["state"],
      registers,
      async collect() {
        const backlog = await app.webhookDispatcher.backlog().catch(() => null);
        if (!backlog) return;
        this.set({ state: "pending" }, backlog.pending);
        this.set({ state: "due" }, backlog.due);
      },
    });
    const lockHold = new Histogram({
      name: "gp_group_lock_hold_seconds",
      help: "How long a committed transaction held a group's row lock: from its SELECT … FOR UPDATE returning (a combined batch of joins: from sending the statement whose first write takes it) to its COMMIT being sent (InnoDB releases the lock as it commits, before the log flush the COMMIT's answer waits for); when the transaction's last writes go with the COMMIT in one statement (deferred writes), up to that statement's answer. Every join, message and change to that group queues on it; on SQLite, which runs one transaction at a time, the same span",
      buckets: [0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    app.db.observeLockHold((seconds) => lockHold.observe(seconds));
    const combinedJoins = new Counter({
      name: "gp_code_joins_combined_total",
      help: "Code joins offered to a combined transaction (concurrent joins into one group admitted together, see common/combiner.ts), by outcome: combined (admitted by it), alone (left to the ordinary path: refused in memory, approval on, or the batch rolled back)",
      labelNames: ["outcome"],
      registers,
    });
    const combinedBatch = new Histogram({
      name: "gp_code_join_batch_size",
      help: "Code joins per combined transaction",
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    const batchRows = new Counter({
      name: "gp_code_join_batches_total",
      help: "Combined code-join transactions by how they found the group's row: foreseen (built on the row as the batch before it left it once committed, or as read without a lock, written in one statement that takes the lock and checks it), changed (the row was not as foreseen: another instance or a message changed it; the batch ran again reading it under the lock)",
      labelNames: ["group_row"],
      registers,
    });
    app.groupCodes.observeForesight((foreseen) => batchRows.inc({ group_row: foreseen ? "foreseen" : "changed" }));
    app.groupCodes.combiner.observe(({ size, done }) => {
      combinedJoins.inc({ outcome: "combined" }, done);
      if (size > done) combinedJoins.inc({ outcome: "alone" }, size - done);
      combinedBatch.observe(size);
    });
    new Gauge({
      name: "gp_db_info",
      help: "Database engine of this instance and whether it is a Galera node (value is always 1)",
      labelNames: ["engine", "galera"],
      registers,
    }).set({ engine: app.db.engine, galera: String(app.db.galera) }, 1);
    new Counter({
      name: "gp_db_transaction_retries_total",
      help: "Transactions re-run whole after a deadlock, lock wait timeout or (Galera) certification conflict",
      registers,
      collect() {
        this.reset();
        this.inc(app.db.conflicts);
      },
    });
    const pool = () => this.mysqlPool();
    new Gauge({
      name: "gp_db_pool_connections",
      help: "MySQL connection pool: open, idle and in-use connections, and requests waiting for one (absent on SQLite)",
      labelNames: ["state"],
      registers,
      collect() {
        const p = pool();
        if (!p) return;
        const open = p._allConnections?.length ?? 0;
        const idle = p._freeConnections?.length ?? 0;
        this.set({ state: "open" }, open);
        this.set({ state: "idle" }, idle);
        this.set({ state: "in_use" }, Math.max(0, open - idle));
        this.set({ state: "waiting" }, p._connectionQueue?.length ?? 0);
      },
    });
    new Gauge({
      name: "gp_db_pool_max_connections",
      help: "MySQL connection pool size limit (DB_POOL_SIZE; absent on SQLite)",
      registers,
      collect() {
        const limit = pool()?.config?.connectionLimit;
        if (typeof limit === "number") this.set(limit);
      },
    });
  }

  /** Counts a known query the fast lane answered, or handed over to Apollo. */
  countFastLane(outcome: "answered" | "handed_over"): void {
    this.fastLane.inc({ outcome });
  }

  /** Counts a top-level error answered before GraphQL ran (e.g. a bad credential → UNAUTHENTICATED). */
  countHttpError(code: string): void {
    this.errors.inc({ code });
  }

  /**
   * Starts metering one GraphQL request: `resolved` once its operation is known (it is then in
   * flight), `finished` when its response goes out (counted, timed, its errors by code), or
   * `abandoned` when another path will answer it (the fast lane handing a request to Apollo).
   * Apollo's plugin and the query fast lane both report through this.
   */
  startRequest(): GraphQLRequestMeter {
    const metrics = this;
    const started = hrtime.bigint();
    let type = "unknown";
    let operation = "(invalid)";
    let inFlight = false;
    return {
      resolved(operationType, operationName) {
        type = operationType ?? "unknown";
        operation = metrics.operationLabel(operationName ?? null);
        metrics.inFlight.inc({ type });
        inFlight = true;
      },
      abandoned() {
        if (inFlight) metrics.inFlight.dec({ type });
        inFlight = false;
      },
      finished(errors) {
        if (inFlight) metrics.inFlight.dec({ type });
        inFlight = false;
        metrics.requests.inc({ operation, type });
        metrics.duration.observe({ operation }, Number(hrtime.bigint() - started) / 1e9);
        for (const error of errors ?? []) {
          const code = error.extensions?.code;
          metrics.errors.inc({ code: typeof code === "string" ? code : "INTERNAL_SERVER_ERROR" });
        }
      },
    };
  }

  /** The Apollo plugin that feeds the request, error and refusal series. */
  plugin(): ApolloServerPlugin<RequestContext> {
    const metrics = this;
    return {
      async requestDidStart() {
        const meter = metrics.startRequest();
        return {
          async didResolveOperation({ operation: op, operationName }) {
            meter.resolved(op?.operation, operationName);
          },
          async willSendResponse({ response, contextValue }) {
            const body = response.body;
            metrics.countUserErrors(contextValue);
            meter.finished(body.kind === "single" ? body.singleResult.errors : body.initialResult.errors);
          },
        };
      },
    };
  }

  /**
   * `GET /metrics` in the Prometheus text format; bearer-protected when METRICS_TOKEN is set. In
   * production without METRICS_TOKEN it is closed (403): operation names, error rates and pool sizes
   * are not for the public.
   */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = this.app.config.metricsToken;
    if (!token && this.app.config.env === "production") {
      const body = JSON.stringify({ error: "Metrics are disabled: in production GET /metrics needs METRICS_TOKEN to be set on the server" });
      res.writeHead(403, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
      res.end(body);
      return;
    }
    if (token && !safeEqual(req.headers.authorization ?? "", `Bearer ${token}`)) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": "Bearer" });
      res.end("metrics need the METRICS_TOKEN bearer token\n");
      return;
    }
    const text = await this.registry.metrics();
    res.writeHead(200, { "content-type": this.registry.contentType, "cache-control": "no-store" });
    res.end(text);
  }

  /**
   * Counts the userErrors of the payloads the request's root mutation fields returned (recorded by
   * @Allow whatever the client selected: refusals are counted even when userErrors is not asked for).
   */
  countUserErrors(ctx: RequestContext): void {
    for (const { field: mutation, payload } of ctx.mutationPayloads.splice(0)) {
      const userErrors = (payload as { userErrors?: unknown } | null)?.userErrors;
      if (!Array.isArray(userErrors)) continue;
      for (const userError of userErrors) {
        const code = String((userError as { code?: unknown }).code ?? "UNKNOWN");
        this.userErrors.inc({ mutation, code });
        if (JOIN_MUTATIONS.has(mutation)) this.joinRefusals.inc({ mutation, code });
      }
    }
  }

  /** Client-chosen names are label values: keep them well-formed and bounded in number. */
  private operationLabel(name: string | null): string {
    if (!name) return "(anonymous)";
    if (!GRAPHQL_NAME.test(name)) return "(other)";
    if (this.operationLabels.has(name)) return name;
    if (this.operationLabels.size >= MAX_OPERATION_LABELS) return "(other)";
    this.operationLabels.add(name);
    return name;
  }

  private mysqlPool(): Mysql2PoolInternals | null {
    if (this.app.db.engine !== "mysql") return null;
    const driver = this.app.db.dataSource.driver as { pool?: Mysql2PoolInternals };
    return driver.pool ?? null;
  }
}
