import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

export interface AppConfig {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  databaseUrl: string | undefined;
  /** Bearer token of the platform operator. */
  platformAdminToken: string;
  /** True when the token was generated at start (development only) and should be printed. */
  platformAdminTokenGenerated: boolean;
  /** Base of the links join codes encode, e.g. https://groups.example.com (default: the server's own address). */
  publicBaseUrl: string | undefined;
  logLevel: string;
  dbPoolSize: number;
  /**
   * Causal reads on a Galera node (`wsrep_sync_wait`): "auto" turns them on when the server is a
   * Galera node, so a read sees every write committed anywhere in the cluster before it began.
   */
  causalReads: "auto" | "on" | "off";
  /** Connections the kernel queues for accept() (LISTEN_BACKLOG; capped by net.core.somaxconn). */
  listenBacklog: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Ed25519 private key (PKCS#8 PEM) that signs evidence tree heads; shared by all instances. */
  evidenceSigningKey: string | undefined;
  /** Where development keeps a generated evidence key when none is configured. */
  evidenceKeyFile: string;
  /** Where development keeps the demo credentials and the generated platform token (never used in production). */
  devCredentialsFile: string;
  /** Execute operations with graphql-jit (GRAPHQL_JIT=false: graphql-js). */
  graphqlJit: boolean;
  /**
   * Answer repeated queries and mutations through the fast lane (http/fast-lane.ts) instead of Apollo's
   * pipeline, with identical responses (QUERY_FAST_LANE=off: every request through Apollo). Needs graphql-jit.
   */
  queryFastLane: boolean;
  /** Largest computed cost one operation may have (MAX_QUERY_COST). */
  maxQueryCost: number;
  /** Deepest selection nesting accepted (MAX_QUERY_DEPTH). */
  maxQueryDepth: number;
  /** Most aliases in one operation (MAX_QUERY_ALIASES). */
  maxQueryAliases: number;
  /** Most lexical tokens in one document (MAX_QUERY_TOKENS). */
  maxQueryTokens: number;
  /** Shared state across instances (rate limits); unset: each instance keeps its own. */
  redisUrl: string | undefined;
  /** Per-principal leaky bucket of query-cost points (RATE_LIMIT=off disables it). */
  rateLimit: { enabled: boolean; capacity: number; leakPerSecond: number };
  /** When set, `GET /metrics` requires `Authorization: Bearer <metricsToken>`; unset in production: closed. */
  metricsToken: string | undefined;
  /** Rendered QR codes kept in memory (QR_CACHE_ENTRIES; SVG and PNG count separately). */
  qrCacheEntries: number;
  /** Worker threads drawing QR codes that are not cached yet (QR_WORKERS). */
  qrWorkers: number;
  /**
   * What one principal may keep under Idempotency-Keys at a time: live keys, and bytes of stored
   * responses. A new key past either bound is refused (429 IDEMPOTENCY_KEY_LIMIT_REACHED).
   */
  idempotency: { maxKeysPerPrincipal: number; maxBytesPerPrincipal: number };
  /**
   * Failed authentications per client address (socket address): a leaky bucket of `limit` failures
   * refilled at `refillPerMinute`; past it, failures are answered 429 RATE_LIMITED. limit 0: off.
   */
  authFailures: { limit: number; refillPerMinute: number };
  /**
   * Origins whose browser scripts may call `/graphql` (CORS_ORIGINS, comma-separated), e.g.
   * `https://app.example.com`; `["*"]` (any origin) is refused in production. Empty: no CORS.
   */
  corsOrigins: string[];
  /**
   * GraphQL subscriptions over WebSocket (README "Real time"): open connections and subscriptions
   * per principal, the most bytes a socket may have unsent before it is closed as a slow consumer
   * (1013), undelivered viewerActivity events kept per subscription, and how often an open
   * connection's credential is checked again (revocation closes it with 4401).
   */
  subscriptions: {
    connectionsPerPrincipal: number;
    subscriptionsPerPrincipal: number;
    maxBufferedBytes: number;
    maxQueuedPerSubscription: number;
    authRecheckMs: number;
  };
  /** Webhook delivery (README "Webhooks"): see {@link WebhookConfig}. */
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /**
   * WEBHOOK_ALLOW_PRIVATE_TARGETS: endpoints may point at loopback, private and link-local
   * addresses (default: only in development; tests set it). Off, such targets are refused when
   * the endpoint is saved and again at every connection (the resolved address is checked).
   */
  allowPrivateTargets: boolean;
  /** WEBHOOK_RETRY_SCALE: multiplies every retry delay and the 24 h retry span (tests: e.g. 0.0001). */
  retryScale: number;
  /** WEBHOOK_TIMEOUT_MS: how long one attempt waits for the receiver's answer (15 s). */
  timeoutMs: number;
  /** WEBHOOK_POLL_MS: how often an idle dispatcher looks for due deliveries (commits also wake it). */
  pollMs: number;
  /** WEBHOOK_CONCURRENCY: attempts one instance has in flight at most (also its claim batch). */
  concurrency: number;
  /** WEBHOOK_DISPATCHER=off: this instance sends nothing (others, or a later start, do). */
  dispatcherEnabled: boolean;
  /** WEBHOOK_CA_FILE's contents: extra trusted CA certificates (PEM) for https endpoints (private CAs). */
  extraCaPem: string | undefined;
}

/**
 * CORS_ORIGINS: a comma-separated list of origins (`scheme://host[:port]`, exactly as a browser
 * sends them in `Origin`), or `*`. Anything else is refused at start, so a typo cannot silently
 * leave a browser app locked out (or a path-carrying URL never match).
 */
export function parseCorsOrigins(raw: string | undefined): string[] {
  const items = (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (items.includes("*")) {
    if (items.length > 1) throw new Error("CORS_ORIGINS: `*` stands alone, it cannot be combined with listed origins");
    return ["*"];
  }
  for (const item of items) {
    let origin: string | null = null;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = null;
    }
    if (origin !== item || !/^https?:/.test(item)) {
      throw new Error(`CORS_ORIGINS: ${JSON.stringify(item)} is not an origin (scheme://host[:port], no path or trailing slash)`);
    }
  }
  return [...new Set(items)];
}

function numberFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number in ${min}…${max}`);
  return value;
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in ${min}…${max}`);
  return value;
}

function choiceFromEnv<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!choices.includes(raw as T)) throw new Error(`${name} must be one of ${choices.join(", ")}`);
  return raw as T;
}

/** Reads the environment once at start; everything else receives the resulting object. */
export function loadConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const rawEnv = process.env.NODE_ENV;
  const env = rawEnv === "production" || rawEnv === "test" ? rawEnv : "development";
  let platformAdminToken = process.env.PLATFORM_ADMIN_TOKEN ?? "";
  let generated = false;
  if (!platformAdminToken && overrides.platformAdminToken === undefined) {
    if (env === "production") throw new Error("PLATFORM_ADMIN_TOKEN must be set in production");
    platformAdminToken = `gpadmin_${randomBytes(24).toString("base64url")}`;
    generated = true;
  }
  if (platformAdminToken && platformAdminToken.length < 16) throw new Error("PLATFORM_ADMIN_TOKEN must be at least 16 characters");
  const port = intFromEnv("PORT", 4000, 0, 65535);
  const config: AppConfig = {
    env,
    host: process.env.HOST ?? "127.0.0.1",
    port,
    databaseUrl: process.env.DATABASE_URL || undefined,
    platformAdminToken,
    platformAdminTokenGenerated: generated,
    publicBaseUrl: process.env.PUBLIC_BASE_URL ? process.env.PUBLIC_BASE_URL.replace(/\/+$/, "") : undefined,
    logLevel: process.env.LOG_LEVEL ?? (env === "test" ? "silent" : "info"),
    dbPoolSize: intFromEnv("DB_POOL_SIZE", 20, 1, 500),
    causalReads: choiceFromEnv("DB_CAUSAL_READS", ["auto", "on", "off"], "auto"),
    listenBacklog: intFromEnv("LISTEN_BACKLOG", 4096, 1, 65535),
    maxBodyBytes: intFromEnv("MAX_BODY_BYTES", 1_000_000, 1024, 50_000_000),
    evidenceSigningKey: process.env.EVIDENCE_SIGNING_KEY?.replace(/\\n/g, "\n") || undefined,
    evidenceKeyFile: process.env.EVIDENCE_KEY_FILE ?? "./data/evidence-key.pem",
    devCredentialsFile: process.env.DEV_CREDENTIALS_FILE || "./data/dev-credentials.json",
    graphqlJit: process.env.GRAPHQL_JIT !== "false",
    queryFastLane: process.env.QUERY_FAST_LANE !== "off",
    maxQueryCost: intFromEnv("MAX_QUERY_COST", 10_000, 10, 10_000_000),
    maxQueryDepth: intFromEnv("MAX_QUERY_DEPTH", 15, 2, 100),
    maxQueryAliases: intFromEnv("MAX_QUERY_ALIASES", 30, 0, 1000),
    maxQueryTokens: intFromEnv("MAX_QUERY_TOKENS", 5000, 100, 100_000),
    redisUrl: process.env.REDIS_URL || undefined,
    rateLimit: {
      enabled: process.env.RATE_LIMIT !== "off",
      capacity: intFromEnv("RATE_LIMIT_CAPACITY", 100_000, 10, 1_000_000_000),
      leakPerSecond: intFromEnv("RATE_LIMIT_LEAK_PER_SECOND", 2_000, 1, 100_000_000),
    },
    metricsToken: process.env.METRICS_TOKEN || undefined,
    qrCacheEntries: intFromEnv("QR_CACHE_ENTRIES", 10_000, 1, 10_000_000),
    qrWorkers: intFromEnv("QR_WORKERS", 1, 1, 64),
    idempotency: {
      maxKeysPerPrincipal: intFromEnv("IDEMPOTENCY_MAX_KEYS", 1000, 1, 10_000_000),
      maxBytesPerPrincipal: intFromEnv("IDEMPOTENCY_MAX_BYTES", 10_000_000, 1000, 10_000_000_000),
    },
    authFailures: {
      limit: intFromEnv("AUTH_FAILURE_LIMIT", 100, 0, 1_000_000),
      refillPerMinute: intFromEnv("AUTH_FAILURE_REFILL_PER_MINUTE", 60, 1, 1_000_000),
    },
    corsOrigins: parseCorsOrigins(process.env.CORS_ORIGINS),
    subscriptions: {
      connectionsPerPrincipal: intFromEnv("WS_CONNECTIONS_PER_PRINCIPAL", 20, 1, 1_000_000),
      subscriptionsPerPrincipal: intFromEnv("WS_SUBSCRIPTIONS_PER_PRINCIPAL", 100, 1, 1_000_000),
      maxBufferedBytes: intFromEnv("WS_MAX_BUFFERED_BYTES", 4_000_000, 1024, 1_000_000_000),
      maxQueuedPerSubscription: intFromEnv("WS_MAX_QUEUED_EVENTS", 1000, 1, 1_000_000),
      authRecheckMs: intFromEnv("WS_AUTH_RECHECK_MS", 5000, 50, 3_600_000),
    },
    webhooks: {
      allowPrivateTargets: process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS ? process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS === "true" : env === "development",
      retryScale: numberFromEnv("WEBHOOK_RETRY_SCALE", 1, 0.000001, 1000),
      timeoutMs: intFromEnv("WEBHOOK_TIMEOUT_MS", 15_000, 100, 600_000),
      pollMs: intFromEnv("WEBHOOK_POLL_MS", 1000, 10, 600_000),
      concurrency: intFromEnv("WEBHOOK_CONCURRENCY", 32, 1, 1000),
      dispatcherEnabled: process.env.WEBHOOK_DISPATCHER !== "off",
      extraCaPem: process.env.WEBHOOK_CA_FILE ? readFileSync(process.env.WEBHOOK_CA_FILE, "utf8") : undefined,
    },
    ...overrides,
  };
  if (config.env === "production" && config.corsOrigins.includes("*")) {
    throw new Error("CORS_ORIGINS=* is not allowed in production: list the browser origins that may call the API (comma-separated, e.g. https://app.example.com)");
  }
  return config;
}
