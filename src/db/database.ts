import { hrtime } from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { type DataSource, type EntityManager, QueryFailedError, type QueryRunner } from "typeorm";
import { ReentrantMutex } from "./mutex";
import { QueryCounter } from "./query-logger";
import { parseWsrepStatus, WSREP_STATUS_SQL, type WsrepStatus } from "./wsrep";

/** Statements slower than this are logged (as TypeORM's maxQueryExecutionTime does for its own). */
const SLOW_QUERY_MS = 500;

/** MySQL / MariaDB / Galera errors after which re-running the whole transaction is correct. */
const RETRYABLE_MYSQL_ERRNOS = new Set([
  1213, // ER_LOCK_DEADLOCK (also Galera's certification conflicts)
  1205, // ER_LOCK_WAIT_TIMEOUT
  1180, // ER_ERROR_DURING_COMMIT (Galera: "Deadlock found when trying to get lock" on commit)
  9007, // TiDB: write conflict (optimistic transactions)
  8002, // TiDB: SELECT … FOR UPDATE cannot be retried by the server
  8022, // TiDB: transaction retryable error
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

/** What one transaction keeps until it commits: work to run after the commit, scratch values, when it took a hot row lock. */
interface TransactionScope {
  afterCommit: Array<() => void>;
  locals: Map<unknown, unknown>;
  /** hrtime.bigint() when the transaction first took a row lock others queue on (see holdingRowLock). */
  lockedAt: bigint | null;
  /** hrtime.bigint() when the work was done and COMMIT was about to be sent (or, when deferred writes commit, had been answered). */
  workDoneAt: bigint | null;
  /** Writes waiting to be sent (see deferWrite); null when writes run at once (SQLite, outside Database.tx). */
  deferred: DeferredWrite[] | null;
  /** Sends the waiting writes and `reads` in one statement (see readTogether); null where writes are not deferred. */
  together: ((reads: readonly Read<unknown>[]) => Promise<unknown[]>) | null;
}

/**
 * A SELECT whose rows the caller turns into a value: what readTogether sends with other reads (and
 * the transaction's waiting writes) in one round trip. `take` gets the rows as objects keyed by
 * column name, as `em.query` returns them.
 */
export interface Read<T> {
  sql: string;
  params: unknown[];
  take(rows: Array<Record<string, unknown>>): T;
}

/**
 * The transaction has begun on this side only: START TRANSACTION has not been sent yet and goes to
 * the server with the transaction's first statement (see Database.tx). Kept in the query runner's
 * data under this key.
 */
const BEGIN_PENDING = "gp.beginPending";

function beginPending(runner: QueryRunner): boolean {
  return (runner.data as Record<string, unknown>)[BEGIN_PENDING] === true;
}

/** Marks the runner's transaction as begun on the server (START TRANSACTION sent), or as never begun there. */
function settleBegin(runner: QueryRunner, begunOnServer: boolean): void {
  delete (runner.data as Record<string, unknown>)[BEGIN_PENDING];
  if (!begunOnServer) Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
}

/** A statement whose answer the caller does not need before the transaction's next statement (see deferWrite). */
interface DeferredWrite {
  sql: string;
  params: unknown[];
  guard?: WriteGuard;
}

/** What a guarded write must do, and how the transaction fails when it does not. */
export interface WriteGuard {
  /** Rows the statement must change (ROW_COUNT()). */
  rows: number;
  /** The error the transaction fails with otherwise; it runs inside the transaction, so it may read why. */
  refusal: () => Error | Promise<Error>;
}

const SCOPE = "gp.transactionScope";

function scopeOf(em: EntityManager): TransactionScope | undefined {
  return em.queryRunner?.data?.[SCOPE] as TransactionScope | undefined;
}

/**
 * Runs `fn` once the transaction `em` belongs to has committed; never when it rolls back or is
 * re-run (each attempt starts with an empty list). Returns false, and drops `fn`, when `em` is
 * not inside a `Database.tx` transaction. `fn` must not throw.
 */
export function afterCommit(em: EntityManager, fn: () => void): boolean {
  const scope = scopeOf(em);
  if (!scope) return false;
  scope.afterCommit.push(fn);
  return true;
}

/** Values that live as long as the transaction `em` belongs to (null outside `Database.tx`). */
export function transactionLocals(em: EntityManager): Map<unknown, unknown> | null {
  return scopeOf(em)?.locals ?? null;
}

/**
 * Notes that the transaction `em` belongs to now holds a row lock other transactions queue on (a
 * group's row): once it commits, the time from the first such lock to the COMMIT being sent is
 * reported to `Database.observeLockHold` observers (/metrics). Not to the COMMIT's answer: InnoDB
 * releases row locks as it commits, before the redo log flush that answer waits for (measured:
 * a waiting FOR UPDATE is granted before the holder's COMMIT returns). Outside `Database.tx` it
 * does nothing.
 */
export function holdingRowLock(em: EntityManager): void {
  const scope = scopeOf(em);
  if (scope && scope.lockedAt === null) scope.lockedAt = hrtime.bigint();
}

/**
 * Sends a write whose answer the caller does not need now: on MariaDB inside `Database.tx` it waits
 * until the transaction's next statement, or its end, and goes to the server together with the
 * other writes waiting then — one round trip (an anonymous compound statement, `BEGIN NOT ATOMIC …
 * END`) instead of one per write, and at the end of the transaction that same round trip also
 * commits. Under a group's row lock this is what keeps the lock short: the writes of a join or a
 * message reach the server at once instead of one event-loop turn after another.
 *
 * Any other statement of the transaction (a read, a TypeORM write) first sends what waits, so
 * reads always see the transaction's own writes and statements run in the order issued. A
 * `guard` makes the write conditional: when it changes another number of rows, the rest is not
 * run and the transaction fails with `guard.refusal()` (thrown where the writes are sent: at the
 * next statement or when the work returns, rolled back as any failure). On SQLite, on MySQL and
 * TiDB (no anonymous compound statements) and outside a transaction, the write runs at once and a
 * failed guard throws here.
 */
export async function deferWrite(em: EntityManager, [sql, params]: [string, unknown[]], guard?: WriteGuard): Promise<void> {
  const scope = scopeOf(em);
  if (scope?.deferred) {
    scope.deferred.push({ sql, params, guard });
    return;
  }
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    if (guard && Number(result.affected ?? 0) !== guard.rows) throw await guard.refusal();
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}

const GUARD_SIGNAL = "gp deferred write guard ";

/** The part of mysql2's callback connection (a query runner's databaseConnection) that sendStatement uses. */
interface RunnerConnection {
  query(sql: string, values: unknown[], callback: (error: Error | null, result: unknown) => void): void;
  /** The statement with `values` spliced into its placeholders, as `query` would send it. */
  format(sql: string, values: unknown[]): string;
}

/**
 * Sends one statement on the transaction's connection through the driver, counted and logged as
 * TypeORM's `query` does it (logQuery, logQuerySlow, logQueryError; a failure is a
 * QueryFailedError carrying the driver's error) but without what that adds on every call and these
 * statements do not use: a promise wrapper that mysql2 builds behind a `require` each time,
 * subscriber broadcasts, and a copy of the result (the `require` alone was ≈ 1 % of the API's
 * CPU under the join load, where these statements carry every join's writes).
 * Returns the driver's result as it came.
 */
async function sendStatement(runner: QueryRunner, sql: string, params: unknown[]): Promise<unknown> {
  const connection = await (runner as unknown as { connect(): Promise<RunnerConnection> }).connect();
  const logger = runner.connection.logger;
  logger.logQuery(sql, params, runner);
  const started = performance.now();
  try {
    return await new Promise((resolve, reject) => connection.query(sql, params, (error, result) => (error ? reject(error) : resolve(result))));
  } catch (error) {
    logger.logQueryError(error as Error, sql, params, runner);
    throw new QueryFailedError(sql, params, error as Error);
  } finally {
    const took = performance.now() - started;
    if (took > SLOW_QUERY_MS) logger.logQuerySlow(took, sql, params, runner);
  }
}

/**
 * Sends the deferred writes, then `reads`, in one statement (and, with `commit`, the COMMIT in it
 * too), preceded by START TRANSACTION when the transaction has not begun on the server yet; returns
 * the reads' result sets. A guard that fails stops the statement with SIGNAL before anything after
 * it runs; the transaction is still open then and is rolled back by its caller.
 */
async function sendDeferred(runner: QueryRunner, scope: TransactionScope, commit: boolean, reads: readonly Read<unknown>[] = []): Promise<unknown[]> {
  const writes = scope.deferred!.splice(0);
  const begin = beginPending(runner);
  if (writes.length === 0 && reads.length === 0) {
    // Only the pending begin: it goes alone, before the statement that asked for it.
    if (begin && !commit) {
      await sendStatement(runner, "START TRANSACTION", []);
      settleBegin(runner, true);
    }
    return [];
  }
  if (!begin && !commit && writes.length + reads.length === 1 && !writes[0]?.guard) {
    const [only] = writes.length ? writes : reads;
    const rows = await sendStatement(runner, only.sql, only.params);
    return writes.length ? [] : [rows];
  }
  // Each part's parameters are spliced into that part alone: the driver would otherwise scan the
  // whole compound statement (≈ 100 KB for a batch of joins) for placeholders.
  const connection = await (runner as unknown as { connect(): Promise<RunnerConnection> }).connect();
  const part = ({ sql, params }: { sql: string; params: unknown[] }) => (params.length ? connection.format(sql, params) : sql);
  let sql = begin ? "BEGIN NOT ATOMIC\nSTART TRANSACTION;\n" : "BEGIN NOT ATOMIC\n";
  writes.forEach((write, i) => {
    sql += `${part(write)};\n`;
    if (write.guard) sql += `IF ROW_COUNT() <> ${write.guard.rows} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${GUARD_SIGNAL}${i}'; END IF;\n`;
  });
  for (const read of reads) sql += `${part(read)};\n`;
  if (commit) sql += "COMMIT;\n";
  sql += "END";
  let results: unknown;
  try {
    results = await sendStatement(runner, sql, []);
  } catch (error) {
    // START TRANSACTION ran (it is first): a failure later in the statement leaves the transaction open, for the caller to roll back.
    if (begin) settleBegin(runner, true);
    const driverError = (error as { driverError?: { errno?: number; sqlMessage?: string } }).driverError;
    const message = driverError?.errno === 1644 ? (driverError.sqlMessage ?? "") : "";
    const failed = message.startsWith(GUARD_SIGNAL) ? writes[Number(message.slice(GUARD_SIGNAL.length))] : undefined;
    if (failed?.guard) throw await failed.guard.refusal();
    throw error;
  }
  if (begin) settleBegin(runner, true);
  if (commit) {
    // The compound statement committed: the runner must not send COMMIT (or ROLLBACK) again.
    Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
  }
  if (reads.length === 0) return [];
  // A compound statement answers with one result set per SELECT in it, then its own status.
  if (!Array.isArray(results) || results.length !== reads.length + 1) throw new Error(`readTogether: expected ${reads.length} result sets`);
  return results.slice(0, reads.length);
}

/**
 * Runs `reads` (SELECTs, each one result set) through `em` and returns what each one's `take` makes
 * of its rows (undefined for a null in the list: a read with nothing to do). Inside a `Database.tx`
 * transaction on MariaDB they go to the server in one round trip, an anonymous compound statement,
 * together with the writes waiting before them (deferWrite) and the transaction's START TRANSACTION
 * when nothing has been sent yet: a unit of work that must read several things before it writes
 * waits for the server once instead of once per read. Elsewhere they run one after another, in
 * order. Either way each read sees the transaction's own writes, and a read with FOR UPDATE holds
 * its locks until the transaction ends.
 */
export async function readTogether<const R extends readonly (Read<unknown> | null)[]>(em: EntityManager, reads: R): Promise<{ -readonly [K in keyof R]: R[K] extends Read<infer T> ? T : undefined }> {
  const sent = reads.filter((read): read is Read<unknown> => read !== null);
  const together = scopeOf(em)?.together;
  const sets = together ? await together(sent) : await readOneByOne(em, sent);
  let next = 0;
  return reads.map((read) => (read === null ? undefined : read.take(sets[next++] as Array<Record<string, unknown>>))) as never;
}

/** Runs one Read through `em` on its own: what readTogether does with a list of one, minus the compound statement. */
export async function runRead<T>(em: EntityManager, read: Read<T>): Promise<T> {
  return read.take((await em.query(read.sql, read.params)) as Array<Record<string, unknown>>);
}

async function readOneByOne(em: EntityManager, reads: readonly Read<unknown>[]): Promise<unknown[]> {
  const sets: unknown[] = [];
  for (const read of reads) sets.push(await em.query(read.sql, read.params));
  return sets;
}

/**
 * Runs `work` with a fresh transaction scope on `em`'s query runner; returns what to run after the
 * commit. With `defer` (MariaDB), writes sent through deferWrite wait for the next statement, and
 * those still waiting when the work returns are sent with the COMMIT.
 */
async function scoped<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>, defer: boolean): Promise<{ result: T; scope: TransactionScope }> {
  const runner = em.queryRunner!;
  const data = runner.data as Record<string, unknown>;
  const previous = data[SCOPE];
  const scope: TransactionScope = { afterCommit: [], locals: new Map(), lockedAt: null, workDoneAt: null, deferred: defer ? [] : null, together: null };
  data[SCOPE] = scope;
  const query = runner.query;
  if (defer) {
    // Every statement of the transaction first sends the writes waiting before it (and the pending START TRANSACTION).
    runner.query = async function (this: QueryRunner, ...args: Parameters<QueryRunner["query"]>) {
      if (scope.deferred?.length || beginPending(runner)) await sendDeferred(runner, scope, false);
      return query.apply(runner, args);
    } as QueryRunner["query"];
    scope.together = (reads) => sendDeferred(runner, scope, false, reads);
  }
  try {
    const result = await work(em);
    // Deferred writes hold the lock until their compound statement's COMMIT has run: measured up to its answer (an upper bound).
    if (scope.deferred?.length) await sendDeferred(runner, scope, true);
    // Nothing was ever sent: there is no transaction on the server to commit.
    else if (beginPending(runner)) settleBegin(runner, false);
    scope.workDoneAt = hrtime.bigint();
    return { result, scope };
  } finally {
    data[SCOPE] = previous;
    scope.deferred = null;
    scope.together = null;
    if (defer) delete (runner as { query?: unknown }).query;
  }
}

function runAfterCommit(hooks: Array<() => void>): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // after-commit work reports its own failures; the transaction has committed regardless
    }
  }
}

/** What `/healthz` reports about the database. */
/** The part of mysql2's callback pool that Database.rows uses (the driver's own pool). */
interface DriverPool {
  getConnection(callback: (error: Error | null, connection: DriverConnection) => void): void;
}
interface DriverConnection {
  query(options: { sql: string; values: readonly unknown[]; rowsAsArray: true }, callback: (error: Error | null, rows: unknown[][]) => void): void;
  release(): void;
}

export interface DatabaseHealth {
  ok: boolean;
  /** Galera only: the node's replication state. */
  wsrep?: WsrepStatus;
}

export interface DatabaseOptions {
  /** The server is a Galera cluster node. */
  galera?: boolean;
  /** Connections run with wsrep_sync_wait (causal reads). */
  causalReads?: boolean;
  /** The server runs `BEGIN NOT ATOMIC … END` (MariaDB): deferred writes are sent together (see deferWrite). */
  compoundStatements?: boolean;
}

export interface TransactionOptions {
  /** Most attempts before a retryable conflict is surfaced (default 60). */
  attempts?: number;
  /** Stop retrying once this much time has passed since the first attempt (default 20 s). */
  retryForMs?: number;
}

/**
 * The one way services reach the database. `tx` runs a unit of work in one transaction and re-runs
 * it whole on deadlocks; `read` runs reads outside a transaction. On embedded SQLite (one
 * connection) both are serialised, so no request ever sees another's uncommitted writes.
 */
export class Database {
  readonly engine: "mysql" | "sqlite";
  private readonly sqliteLock = new ReentrantMutex();

  readonly galera: boolean;
  readonly causalReads: boolean;
  /** Deferred writes wait and go together (MariaDB); otherwise they run at once (see deferWrite). */
  readonly compoundStatements: boolean;
  /** Transactions re-run after a deadlock, lock timeout or certification conflict (for /metrics). */
  conflicts = 0;
  private readonly lockHoldObservers: Array<(seconds: number) => void> = [];

  constructor(
    readonly dataSource: DataSource,
    /** Counts every SQL statement (see QueryCounter). */
    readonly queries: QueryCounter = new QueryCounter(),
    options: DatabaseOptions = {},
  ) {
    this.engine = dataSource.options.type === "mysql" || dataSource.options.type === "mariadb" ? "mysql" : "sqlite";
    this.galera = options.galera ?? false;
    this.compoundStatements = this.engine === "mysql" && (options.compoundStatements ?? false);
    this.causalReads = options.causalReads ?? false;
  }

  /**
   * Runs `work` in one transaction; what it registered with `afterCommit` runs once the commit
   * succeeded (never for a rolled-back or re-run attempt).
   */
  async tx<T>(work: (em: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const { result, scope } = await this.txScoped((em) => scoped(em, work, this.compoundStatements), options);
    if (scope.lockedAt !== null && scope.workDoneAt !== null) {
      const seconds = Number(scope.workDoneAt - scope.lockedAt) / 1e9;
      for (const observe of this.lockHoldObservers) observe(seconds);
    }
    runAfterCommit(scope.afterCommit);
    return result;
  }

  /** Calls `fn` with how long each committed transaction held its hot row lock before committing (see holdingRowLock), in seconds. */
  observeLockHold(fn: (seconds: number) => void): void {
    this.lockHoldObservers.push(fn);
  }

  private async txScoped<T>(work: (em: EntityManager) => Promise<T>, options: TransactionOptions): Promise<T> {
    if (this.engine === "sqlite") {
      return this.sqliteLock.run(() => this.dataSource.transaction((em) => work(em)));
    }
    // Galera certifies a transaction against every node's concurrent writes at commit: on a hot
    // row (a live code, a filling group) several instances keep conflicting, so a request keeps
    // retrying for a while (bounded by time and count) instead of giving up after a few losses.
    const attempts = options.attempts ?? 60;
    const giveUpAt = Date.now() + (options.retryForMs ?? 20_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactionOnce(work);
      } catch (error) {
        // A duplicate key means a concurrent transaction inserted the same row first: re-running
        // the work sees that row and takes the path for it (e.g. "already a member").
        const retry = isRetryable(error) || (isDuplicateKey(error) && attempt < 3);
        if (!retry || attempt >= attempts || Date.now() >= giveUpAt) throw error;
        this.conflicts++;
        // Jittered exponential back-off: conflicting transactions spread out instead of colliding again.
        await sleep(Math.random() * Math.min(250, 4 * 2 ** attempt));
      }
    }
  }

  /**
   * One attempt, as TypeORM's `transaction` does it, except for the connection afterwards: when the
   * server went away mid-transaction or the ROLLBACK failed (a Galera node leaving the primary
   * component refuses it), the connection may still hold an open transaction on the server, so it
   * is destroyed instead of going back to the pool, where the next request would inherit it.
   */
  private async transactionOnce<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    let discard = false;
    try {
      // READ COMMITTED is every pooled connection's session default (see app.ts): no SET TRANSACTION round trip.
      if (this.compoundStatements) {
        // START TRANSACTION waits for the transaction's first statement and goes to the server with
        // it (see sendDeferred): one round trip less for every transaction, on the paths that hold
        // a hot row lock too (readTogether sends it with their reads).
        Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
        (runner.data as Record<string, unknown>)[BEGIN_PENDING] = true;
      } else {
        await runner.startTransaction();
      }
      const result = await work(runner.manager);
      // Writes deferred to the end were sent with the COMMIT (see deferWrite).
      if (runner.isTransactionActive) await runner.commitTransaction();
      return result;
    } catch (error) {
      // A transaction that never reached the server has nothing to roll back.
      if (beginPending(runner)) settleBegin(runner, false);
      if (runner.isTransactionActive) {
        try {
          await runner.rollbackTransaction();
        } catch {
          discard = true;
        }
      }
      if (isDatabaseUnavailable(error)) discard = true;
      throw error;
    } finally {
      if (discard) (runner as unknown as { databaseConnection?: { destroy(): void } }).databaseConnection?.destroy();
      await runner.release();
    }
  }

  async read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.engine === "sqlite") return this.sqliteLock.run(() => work(this.dataSource.manager));
    return work(this.dataSource.manager);
  }

  /**
   * One read statement outside a transaction, its rows as arrays of column values in SELECT order,
   * straight from the driver: no query runner, no row objects. For the hot read paths, whose
   * SELECT lists are built with db/rows.ts readers. Counted like every statement.
   */
  async rows(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    this.queries.count++;
    const started = performance.now();
    const rows = await (this.engine === "sqlite"
      ? this.sqliteLock.run(async () => {
          const driver = this.dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): { raw(on: boolean): { all(...params: unknown[]): unknown[][] } } } };
          return driver.databaseConnection.prepare(sql).raw(true).all(...params);
        })
      : new Promise<unknown[][]>((resolve, reject) => {
          const pool = (this.dataSource.driver as unknown as { pool: DriverPool }).pool;
          pool.getConnection((error, connection) => {
            if (error) return reject(error);
            try {
              connection.query({ sql, values: params, rowsAsArray: true }, (queryError, result) => {
                connection.release();
                if (queryError) reject(queryError);
                else resolve(result);
              });
            } catch (formatError) {
              // A value the driver cannot put in SQL fails before anything is sent: the connection goes back.
              connection.release();
              reject(formatError);
            }
          });
        }));
    const took = performance.now() - started;
    if (took > SLOW_QUERY_MS) this.queries.logQuerySlow(took, sql);
    return rows;
  }

  /**
   * Whether this instance can serve: the database answers within `timeoutMs`, and on Galera the
   * node is `wsrep_ready` in the primary component. A node that lost its peers, or is still
   * receiving its state transfer, answers SQL but refuses (or would serve stale) queries.
   */
  async health(timeoutMs = 1000): Promise<DatabaseHealth> {
    if (!this.dataSource.isInitialized) return { ok: false };
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("health check timed out")), timeoutMs);
      });
      return await Promise.race([this.checkHealth(), timeout]);
    } catch {
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }

  private async checkHealth(): Promise<DatabaseHealth> {
    if (!this.galera) {
      // Embedded SQLite serves one unit of work at a time: the check waits for the one running, not
      // for every read queued behind it (a flood of queries would make a working database look down).
      if (this.engine === "sqlite") await this.sqliteLock.run(() => this.dataSource.manager.query("SELECT 1"), true);
      else await this.read((em) => em.query("SELECT 1"));
      return { ok: true };
    }
    // Status queries must not wait for causality: a node outside the primary component would
    // make them hang or fail instead of answering "not ready".
    const sql = this.causalReads ? `SET STATEMENT wsrep_sync_wait = 0 FOR ${WSREP_STATUS_SQL}` : WSREP_STATUS_SQL;
    const wsrep = parseWsrepStatus(await this.read((em) => em.query(sql)));
    return { ok: wsrep.ready && wsrep.clusterStatus === "Primary", wsrep };
  }
}
