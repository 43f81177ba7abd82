import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import mysql2 from "mysql2";
import { createConnection } from "mysql2/promise";
import type { DataSourceOptions } from "typeorm";
import { MIGRATIONS } from "../../migrations";
import { SnakeNamingStrategy } from "./naming";
import { QueryCounter } from "./query-logger";
import { ENTITIES } from "../entities";

export const DEFAULT_SQLITE_PATH = "./data/group-platform.sqlite";

export type DatabaseTarget =
  | { engine: "sqlite"; path: string }
  | { engine: "mysql"; url: URL; database: string };

/**
 * Reads DATABASE_URL: unset → the embedded SQLite file under ./data/, `sqlite:<path>` → that file,
 * `mysql://user:pass@host:3306/db` → MySQL 8 / MariaDB 10.6+ through mysql2.
 */
export function parseDatabaseUrl(raw: string | undefined): DatabaseTarget {
  if (!raw) return { engine: "sqlite", path: resolve(DEFAULT_SQLITE_PATH) };
  if (raw.startsWith("sqlite:")) {
    const path = raw.slice("sqlite:".length).replace(/^\/\//, "");
    if (!path) throw new Error("DATABASE_URL=sqlite:<path> needs a path");
    return { engine: "sqlite", path: path === ":memory:" ? path : resolve(path) };
  }
  const url = new URL(raw);
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") {
    throw new Error(`DATABASE_URL must start with mysql:// or sqlite: (got ${url.protocol})`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) throw new Error("DATABASE_URL must name a database: mysql://user:pass@host:3306/db");
  return { engine: "mysql", url, database };
}

export interface PoolSettings {
  /** Connections per instance (DB_POOL_SIZE, default 20). */
  size?: number;
  /** Statements every new MySQL connection runs before its first query (e.g. Galera's causal reads). */
  sessionStatements?: string[];
}

/**
 * mysql2 with a pool that runs `statements` on each connection it opens, before anything else
 * (a connection runs its commands in order). TypeORM takes the driver module as an option.
 */
function mysql2WithSessionSetup(statements: string[]): typeof mysql2 {
  if (!statements.length) return mysql2;
  return {
    ...mysql2,
    createPool(config: mysql2.PoolOptions) {
      const pool = mysql2.createPool(config);
      pool.on("connection", (connection) => {
        for (const sql of statements) connection.query(sql, () => {});
      });
      return pool;
    },
  } as typeof mysql2;
}

export function dataSourceOptions(target: DatabaseTarget, pool: PoolSettings = {}, logger?: QueryCounter): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logger: logger ?? new QueryCounter(),
    maxQueryExecutionTime: 500,
  } as const;
  if (target.engine === "sqlite") {
    return {
      ...common,
      type: "better-sqlite3",
      database: target.path,
      enableWAL: target.path !== ":memory:",
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma("foreign_keys = ON");
        db.pragma("busy_timeout = 5000");
      },
    };
  }
  return {
    ...common,
    type: "mysql",
    host: target.url.hostname,
    port: Number(target.url.port || 3306),
    username: decodeURIComponent(target.url.username),
    password: decodeURIComponent(target.url.password),
    database: target.database,
    charset: "utf8mb4_bin",
    supportBigNumbers: true,
    bigNumberStrings: false,
    // mysql2's promise API (TypeORM's query runner) otherwise builds an Error for its stack on every
    // query, in case the query fails: a measured share of a join's CPU. Errors keep message and code.
    trace: false,
    poolSize: pool.size ?? 20,
    connectTimeout: 5000,
    driver: mysql2WithSessionSetup(pool.sessionStatements ?? []),
    extra: { enableKeepAlive: true, maxIdle: pool.size ?? 20, idleTimeout: 60000, queryFormat: spliceValues },
  };
}

/**
 * mysql2's placeholder formatting (what it does without a queryFormat), except that a statement
 * with no values is sent as it is: mysql2 scans every statement for placeholders even when it has
 * none to fill, and the compound statements of deferred writes come with their values written in
 * (db/database.ts sendDeferred, db/literal.ts). Called with the connection as `this`.
 */
function spliceValues(this: { config: { stringifyObjects?: boolean; timezone?: string } }, sql: string, values: unknown): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return sql;
  return mysql2.format(sql, values as never, this.config.stringifyObjects, this.config.timezone);
}

export interface ServerInfo {
  /** The MySQL server is a Galera cluster node (wsrep_on). */
  galera: boolean;
  /** The server runs anonymous compound statements (`BEGIN NOT ATOMIC … END`): MariaDB does; MySQL and TiDB do not. */
  compoundStatements: boolean;
}

/**
 * Creates the MySQL database when missing (utf8mb4, binary collation: the same comparisons as
 * SQLite) and tells what kind of server it is.
 */
export async function ensureDatabase(target: DatabaseTarget): Promise<ServerInfo> {
  if (target.engine === "sqlite") {
    if (target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true });
    return { galera: false, compoundStatements: false };
  }
  const connection = await createConnection({
    host: target.url.hostname,
    port: Number(target.url.port || 3306),
    user: decodeURIComponent(target.url.username),
    password: decodeURIComponent(target.url.password),
    connectTimeout: 5000,
  });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    // Empty on MySQL and TiDB; OFF on a MariaDB without a cluster.
    const [rows] = await connection.query("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'");
    const value = (rows as Array<{ Value?: string }>)[0]?.Value;
    const [version] = await connection.query("SELECT VERSION() AS version");
    return { galera: value === "ON" || value === "1", compoundStatements: /mariadb/i.test(String((version as Array<{ version?: string }>)[0]?.version)) };
  } finally {
    await connection.end();
  }
}
