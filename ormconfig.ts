import "reflect-metadata";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createConnection } from "mysql2/promise";
import { DataSource, type DataSourceOptions } from "typeorm";
import { MIGRATIONS } from "./migrations";
import { SnakeNamingStrategy } from "./src/db/naming";
import { QueryCounter } from "./src/db/query-logger";
import { ENTITIES } from "./src/entities";

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
    poolSize: pool.size ?? 20,
    connectTimeout: 5000,
    extra: { enableKeepAlive: true, maxIdle: pool.size ?? 20, idleTimeout: 60000 },
  };
}

/** Creates the MySQL database when missing (utf8mb4, binary collation: the same comparisons as SQLite). */
export async function ensureDatabase(target: DatabaseTarget): Promise<void> {
  if (target.engine === "sqlite") {
    if (target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true });
    return;
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
  } finally {
    await connection.end();
  }
}

/** For the TypeORM CLI: the data source DATABASE_URL describes. */
export default new DataSource(dataSourceOptions(parseDatabaseUrl(process.env.DATABASE_URL)));
