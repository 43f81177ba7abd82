import { setTimeout as sleep } from "node:timers/promises";
import type { DataSource, EntityManager } from "typeorm";
import { ReentrantMutex } from "./mutex";
import { QueryCounter } from "./query-logger";

/** MySQL / MariaDB / Galera errors after which re-running the whole transaction is correct. */
const RETRYABLE_MYSQL_ERRNOS = new Set([
  1213, // ER_LOCK_DEADLOCK (also Galera's certification conflicts)
  1205, // ER_LOCK_WAIT_TIMEOUT
  1180, // ER_ERROR_DURING_COMMIT (Galera: "Deadlock found when trying to get lock" on commit)
]);

export function isRetryable(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number; code?: string } })?.driverError ?? (error as { errno?: number; code?: string });
  if (!driverError) return false;
  if (typeof driverError.errno === "number" && RETRYABLE_MYSQL_ERRNOS.has(driverError.errno)) return true;
  return driverError.code === "SQLITE_BUSY";
}

export function isDuplicateKey(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number; code?: string } })?.driverError;
  return driverError?.errno === 1062 || driverError?.code === "SQLITE_CONSTRAINT_UNIQUE" || driverError?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  "SQLITE_BUSY",
  "SQLITE_IOERR",
]);

/** True for errors that mean "the database cannot be reached right now", not "this request is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const candidate = e as { code?: string; message?: string; driverError?: unknown; cause?: unknown };
    if (candidate.code && UNAVAILABLE_CODES.has(candidate.code)) return true;
    if (/Pool is closed|Connection lost|closed state|connect ETIMEDOUT|WSREP has not yet prepared node/i.test(candidate.message ?? "")) return true;
    e = candidate.driverError ?? candidate.cause;
  }
  return false;
}

export interface TransactionOptions {
  /** Attempts before a retryable conflict is surfaced (default 12). */
  attempts?: number;
}

/**
 * The one way services reach the database. `tx` runs a unit of work in one transaction and re-runs
 * it whole on deadlocks; `read` runs reads outside a transaction. On embedded SQLite (one
 * connection) both are serialised, so no request ever sees another's uncommitted writes.
 */
export class Database {
  readonly engine: "mysql" | "sqlite";
  private readonly sqliteLock = new ReentrantMutex();

  constructor(
    readonly dataSource: DataSource,
    /** Counts every SQL statement (see QueryCounter). */
    readonly queries: QueryCounter = new QueryCounter(),
  ) {
    this.engine = dataSource.options.type === "mysql" || dataSource.options.type === "mariadb" ? "mysql" : "sqlite";
  }

  async tx<T>(work: (em: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.engine === "sqlite") {
      return this.sqliteLock.run(() => this.dataSource.transaction((em) => work(em)));
    }
    const attempts = options.attempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction("READ COMMITTED", (em) => work(em));
      } catch (error) {
        // A duplicate key means a concurrent transaction inserted the same row first: re-running
        // the work sees that row and takes the path for it (e.g. "already a member").
        if (attempt >= attempts || !(isRetryable(error) || (isDuplicateKey(error) && attempt < 3))) throw error;
        // Jittered exponential back-off: conflicting transactions spread out instead of colliding again.
        await sleep(Math.random() * Math.min(200, 4 * 2 ** attempt));
      }
    }
  }

  async read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.engine === "sqlite") return this.sqliteLock.run(() => work(this.dataSource.manager));
    return work(this.dataSource.manager);
  }

  /** True when the database answers within `timeoutMs`. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    if (!this.dataSource.isInitialized) return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("ping timed out")), timeoutMs);
      });
      await Promise.race([this.read((em) => em.query("SELECT 1")), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
