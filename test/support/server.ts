import { generateKeyPairSync, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type DocumentNode, print } from "graphql";
import { createConnection } from "mysql2/promise";
import { createApp } from "../../src/app";
import type { Clock } from "../../src/common/clock";
import { type AppConfig, loadConfig } from "../../src/config";
import { type RunningServer, startServer } from "../../src/http/server";
import { createLogger } from "../../src/logger";

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
  headers: Headers;
}

/**
 * The operation a test sends: a typed document from test/generated/ (its result type and variables
 * checked at compile time), or a string for deliberately malformed or dynamic operations.
 */
export type Operation = string | DocumentNode;

const printed = new WeakMap<DocumentNode, string>();

/** The text sent over HTTP for an operation (documents are printed once). */
export function operationText(operation: Operation): string {
  if (typeof operation === "string") return operation;
  let text = printed.get(operation);
  if (text === undefined) printed.set(operation, (text = print(operation)));
  return text;
}

/** `gql`'s signature: typed documents give typed data and checked variables; strings stay untyped. */
export interface Gql<Extra extends unknown[] = []> {
  <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: NoInfer<Variables>, ...rest: Extra): Promise<GraphQLResponse<Result>>;
  (query: string, variables?: Record<string, unknown>, ...rest: Extra): Promise<GraphQLResponse>;
}

export interface TestServer {
  url: string;
  base: string;
  platformToken: string;
  server: RunningServer;
  databaseUrl: string;
  /** POSTs a GraphQL request; `token` goes in the Authorization header. */
  gql: Gql<[token?: string | null]>;
  /** Runs raw SQL on the server's database (for assertions on rows). */
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Which engine this run targets: DATABASE_URL=mysql://… selects MariaDB, anything else SQLite. */
export const engine: "mysql" | "sqlite" = process.env.DATABASE_URL?.startsWith("mysql") ? "mysql" : "sqlite";

/**
 * The mode the servers under test run in: `TEST_NODE_ENV=production` runs every test against a
 * server with `NODE_ENV=production` behaviour (no introspection, no suggestions, production keys),
 * as CI's production pass does; otherwise the "test" mode.
 */
export const serverMode: "production" | "test" = process.env.TEST_NODE_ENV === "production" ? "production" : "test";
export const production = serverMode === "production";

/** A fresh Ed25519 evidence key (PKCS#8 PEM), as production requires one to be configured. */
export const testEvidenceKey: string = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

export function freshDatabaseUrl(): { url: string; drop: () => Promise<void> } {
  const suffix = `${process.pid}_${randomBytes(4).toString("hex")}`;
  if (engine === "mysql") {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `gp_test_${suffix}`;
    base.pathname = `/${name}`;
    const url = base.toString();
    return {
      url,
      drop: async () => {
        const admin = new URL(url);
        const connection = await createConnection({
          host: admin.hostname,
          port: Number(admin.port || 3306),
          user: decodeURIComponent(admin.username),
          password: decodeURIComponent(admin.password),
        });
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await connection.end();
      },
    };
  }
  const path = join(tmpdir(), `gp-test-${suffix}.sqlite`);
  return {
    url: `sqlite:${path}`,
    drop: async () => {
      for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
    },
  };
}

/**
 * Starts the real HTTP server on a free loopback port with a database of its own (a temporary
 * SQLite file, or a fresh MariaDB database), migrated exactly as production is.
 */
export async function startTestServer(options: { clock?: Clock; config?: Partial<AppConfig>; databaseUrl?: string; platformToken?: string } = {}): Promise<TestServer> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => {} } : freshDatabaseUrl();
  const platformToken = options.platformToken ?? `gpadmin_test_${randomBytes(16).toString("hex")}`;
  const config = loadConfig({
    env: serverMode,
    ...(production ? { evidenceSigningKey: testEvidenceKey } : {}),
    port: 0,
    host: "127.0.0.1",
    databaseUrl: database.url,
    platformAdminToken: platformToken,
    platformAdminTokenGenerated: false,
    logLevel: process.env.TEST_LOG_LEVEL ?? "silent",
    dbPoolSize: 10,
    ...options.config,
  });
  const log = createLogger(config.logLevel);
  const app = await createApp({ config, log, clock: options.clock });
  const server = await startServer(app, 0, "127.0.0.1");
  const base = server.url.replace(/\/graphql$/, "");

  async function gql(operation: Operation, variables: object = {}, token: string | null = null) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(server.url, { method: "POST", headers, body: JSON.stringify({ query: operationText(operation), variables }) });
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`Non-JSON response (${response.status}): ${text.slice(0, 500)}`);
    }
    return { status: response.status, headers: response.headers, ...body };
  }

  return {
    url: server.url,
    base,
    platformToken,
    server,
    databaseUrl: database.url,
    gql,
    sql: (query, params = []) => app.db.read((em) => em.query(query, params)),
    async close() {
      await server.stop(2000);
      await database.drop();
    },
  };
}
