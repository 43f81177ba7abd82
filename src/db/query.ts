import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { DriverUtils } from "typeorm/driver/DriverUtils";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import type { PageRequest } from "../common/pagination";
import { bigintAsNumber } from "./columns";
import { deferWrite, type Read, runRead } from "./database";
import { mysqlLiteral } from "./literal";
import { type RowReader, rowReader } from "./rows";

/**
 * Takes a row lock on MySQL (`SELECT … FOR UPDATE`). SQLite has no row locks: there every
 * transaction already runs alone (see Database.tx).
 */
export function forUpdate<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  const type = qb.connection.options.type;
  return type === "mysql" || type === "mariadb" ? qb.setLock("pessimistic_write") : qb;
}

/** What findRows needs of one entity, condition, column list, limit and lock: worked out once. */
interface FindPlan {
  sql: string;
  columns: ColumnMetadata[];
  reader: RowReader<ObjectLiteral>;
}

const findPlans = new WeakMap<EntityMetadata, Map<string, FindPlan>>();

/**
 * The rows of `entity` whose properties equal `where`, hydrated by the driver — what
 * `em.findBy(entity, where)` returns, or with `properties` what `em.find` with that `select` does —
 * read through `em` (inside a transaction: after its deferred writes) and, with `lock`, locked FOR
 * UPDATE on MySQL (SQLite: see forUpdate). The SQL is built once per entity and shape from the
 * metadata, not through TypeORM's query builder, whose SQL generation and result transformation
 * cost 0.3–0.6 ms of CPU a statement on the join benchmark (the code, the tenant's webhook
 * endpoints and the group lock are read once per batch of joins, on the path every batch waits for).
 */
export async function findRows<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  where: Readonly<Record<string, unknown>>,
  options: { lock?: boolean; properties?: readonly string[]; limit?: number } = {},
): Promise<T[]> {
  return runRead(em, findRead(em, entity, where, options));
}

/** findRows as a Read, for readTogether: the same SQL and hydration, sent with other reads. */
export function findRead<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  where: Readonly<Record<string, unknown>>,
  options: { lock?: boolean; properties?: readonly string[]; limit?: number } = {},
): Read<T[]> {
  const metadata = em.connection.getMetadata(entity);
  const keys = Object.keys(where);
  const type = em.connection.options.type;
  const lock = options.lock === true && (type === "mysql" || type === "mariadb");
  const shape = `${keys.join(",")}|${options.properties?.join(",") ?? "*"}|${options.limit ?? ""}|${lock}`;
  let plans = findPlans.get(metadata);
  if (!plans) findPlans.set(metadata, (plans = new Map()));
  let plan = plans.get(shape);
  if (!plan) {
    const driver = em.connection.driver;
    const columns = keys.map((key) => {
      const column = metadata.findColumnWithPropertyName(key);
      if (!column) throw new Error(`${metadata.name} has no column property ${key}`);
      return column;
    });
    const reader = rowReader(em.connection, entity, "r_", options.properties) as RowReader<ObjectLiteral>;
    const condition = columns.map((c) => `r.${driver.escape(c.databaseName)} = ?`).join(" AND ");
    const limit = options.limit === undefined ? "" : ` LIMIT ${Math.trunc(options.limit)}`;
    const sql = `SELECT ${reader.select("r")} FROM ${driver.escape(metadata.tableName)} r WHERE ${condition}${limit}${lock ? " FOR UPDATE" : ""}`;
    plans.set(shape, (plan = { sql, columns, reader }));
  }
  const driver = em.connection.driver;
  const params = plan.columns.map((column, i) => {
    const value = where[keys[i]!];
    // `= NULL` matches nothing: a caller meaning IS NULL would silently read no rows.
    if (value === null || value === undefined) throw new Error(`findRows compares ${metadata.name}.${column.propertyName} with =, not with ${value}`);
    return driver.preparePersistentValue(value, column);
  });
  const { reader } = plan;
  return { sql: plan.sql, params, take: (rows) => rows.map((row) => reader.read(row) as T) };
}

/** findOneRow as a Read, for readTogether. */
export function findOneRead<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, where: Readonly<Record<string, unknown>>, options: { lock?: boolean } = {}): Read<T | null> {
  const read = findRead(em, entity, where, { ...options, limit: 1 });
  return { ...read, take: (rows) => read.take(rows)[0] ?? null };
}

/** The one row of `entity` whose properties equal `where` (null when there is none): `em.findOneBy`, through findRows. */
export async function findOneRow<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, where: Readonly<Record<string, unknown>>, options: { lock?: boolean } = {}): Promise<T | null> {
  return runRead(em, findOneRead(em, entity, where, options));
}

/**
 * Inserts rows that give every column, 200 per statement, and nothing else: `em.insert` follows an
 * INSERT on MySQL with a SELECT reading back the columns that have a database default, one more
 * round trip (under a group's row lock, where history entries and members are inserted). The
 * inserts are deferred writes (see deferWrite): a duplicate key fails the transaction when they
 * are sent.
 */
export async function insertRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await deferWrite(em, insertStatement(em.connection, entity, rows.slice(i, i + 200)));
  }
}

/** What insertStatement needs of one entity on one data source (so one engine): worked out once. */
interface InsertPlan {
  /** `INSERT INTO table(col, …) VALUES `, as TypeORM writes it. */
  head: string;
  columns: ColumnMetadata[];
  /** Per column, what a value left undefined becomes (TypeORM's createColumnValueExpression). */
  absent: string[];
  /**
   * Per column, the property to read the value from as it is when TypeORM would read and prepare it
   * unchanged (a plain column whose type the driver passes through, with no transformer but an
   * identity one), else null: getEntityValue and preparePersistentValue run for it.
   */
  plain: Array<string | null>;
  sqlite: boolean;
}

const insertPlans = new WeakMap<EntityMetadata, InsertPlan>();

/** Column types whose values MySQL's and SQLite's drivers prepare as they are (preparePersistentValue returns them unchanged). */
const PASSED_THROUGH_TYPES = new Set(["varchar", "char", "text", "int", "integer", "bigint"]);

/**
 * The multi-row INSERT TypeORM's InsertQueryBuilder would give for `rows` (`.insert().into(entity)
 * .values(rows).getQueryAndParameters()`): the same statement, built from the entity's
 * metadata once instead of through the builder, whose parameter naming, property-name rewriting and
 * escaping cost 0.1–0.2 ms of CPU per joined member (measured on the join benchmark's profile).
 * Values still go through the driver's preparePersistentValue (transformers, JSON, booleans, dates).
 * On MySQL the values are written into the SQL as the driver would format them (mysqlLiteral), not
 * left for it to splice into placeholders: a batch of joins carries ≈ 1,000 of them.
 */
export function insertStatement(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, rows: readonly ObjectLiteral[]): [string, unknown[]] {
  if (rows.length === 0) throw new Error("insertStatement needs at least one row");
  const metadata = dataSource.getMetadata(entity);
  let plan = insertPlans.get(metadata);
  if (!plan) insertPlans.set(metadata, (plan = insertPlan(dataSource, metadata)));
  const { head, columns, absent, plain, sqlite } = plan;
  const driver = dataSource.driver;
  const params: unknown[] = [];
  let sql = head;
  for (let r = 0; r < rows.length; r++) {
    sql += r === 0 ? "(" : "), (";
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c]!;
      if (c > 0) sql += ", ";
      const property = plain[c];
      const given: unknown = property === null ? column.getEntityValue(rows[r]) : rows[r]![property];
      if (typeof given === "function") throw new Error(`insertRows writes values, not SQL expressions (${metadata.name}.${column.propertyPath})`);
      const value: unknown = property === null ? driver.preparePersistentValue(given, column) : given;
      if (value === undefined) {
        sql += absent[c];
      } else if (sqlite) {
        // SQLite's driver writes numbers into the SQL text and binds booleans as 1/0 and dates as text.
        const [text, bound] = driver.escapeQueryWithParameters(":value", { value });
        sql += text;
        params.push(...bound);
      } else {
        // MySQL: the value written into the SQL as the driver's placeholder would write it (db/literal.ts), except for a value only the driver formats.
        const literal = mysqlLiteral(value);
        if (literal !== undefined) {
          sql += literal;
        } else {
          sql += "?";
          params.push(value);
        }
      }
    }
  }
  return [`${sql})`, params];
}

function insertPlan(dataSource: DataSource, metadata: EntityMetadata): InsertPlan {
  const driver = dataSource.driver;
  const sqlite = DriverUtils.isSQLiteFamily(driver);
  if (!sqlite && !DriverUtils.isMySQLFamily(driver)) throw new Error(`insertRows writes MySQL and SQLite only, not ${driver.options.type}`);
  // TypeORM's getInsertedColumns when no column list is given (on MySQL and SQLite that includes auto-increment columns).
  const columns = metadata.columns.filter((column) => column.isInsert);
  for (const column of columns) {
    // Columns TypeORM writes in ways of their own: refused rather than copied, as no entity written here has them.
    const own =
      column.isDiscriminator ||
      (column.isGenerated && column.generationStrategy !== "increment") ||
      (sqlite ? column.type === "jsonb" : driver.spatialTypes.includes(column.type));
    if (own) throw new Error(`insertRows cannot write ${metadata.name}.${column.propertyPath} (a discriminator, generated, jsonb or spatial column): use the query builder`);
  }
  // A value left undefined: a version column starts at 1; MySQL takes the column's DEFAULT; SQLite,
  // which has no DEFAULT in VALUES, takes the default declared on the entity, else NULL.
  const absent = columns.map((column) => (column.isVersion ? "1" : !sqlite ? "DEFAULT" : column.default != null ? driver.normalizeDefault(column)! : "NULL"));
  const table = metadata.tablePath
    .split(".")
    .map((part) => (part === "" ? part : driver.escape(part)))
    .join(".");
  const plain = columns.map((column) => {
    // No transformer, or the bigint columns' (db/columns.ts), whose `to` returns its value.
    const identity = column.transformer === undefined || column.transformer === bigintAsNumber;
    const passedThrough = typeof column.type === "string" && PASSED_THROUGH_TYPES.has(column.type);
    return identity && passedThrough && !column.embeddedMetadata && !column.relationMetadata && !column.referencedColumn ? column.propertyName : null;
  });
  return { head: `INSERT INTO ${table}(${columns.map((column) => driver.escape(column.databaseName)).join(", ")}) VALUES `, columns, absent, plain, sqlite };
}

/**
 * A condition that holds while the row of `entity` still has every column value `row` has, with its
 * parameters (null-safe equality: `<=>` on MySQL, `IS` on SQLite): a write guarded by it changes
 * the row only if nothing changed it since `row` was read or foreseen — optimistic concurrency
 * without a version column, and whatever column a later change touches.
 */
export function unchangedCondition<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, row: T): [string, unknown[]] {
  const metadata = dataSource.getMetadata(entity);
  const driver = dataSource.driver;
  const same = DriverUtils.isMySQLFamily(driver) ? "<=>" : "IS";
  const params: unknown[] = [];
  const conditions = metadata.columns.map((column) => {
    params.push(driver.preparePersistentValue(column.getEntityValue(row), column));
    return `${driver.escape(column.databaseName)} ${same} ?`;
  });
  return [conditions.join(" AND "), params];
}

/**
 * Keyset pagination on (key, id): stable under concurrent inserts, and every page is an index
 * range scan. Fetches one extra row so `toConnection` knows whether a next page exists.
 */
export function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  keyExpr: string,
  idExpr: string,
  page: PageRequest,
  order: "ASC" | "DESC" = "ASC",
  /** The key alone is unique (e.g. a sequence number): order by it only, so an index serves the sort. */
  uniqueKey = false,
): SelectQueryBuilder<T> {
  const cmp = order === "ASC" ? ">" : "<";
  if (uniqueKey) {
    qb.orderBy(keyExpr, order).limit(page.limit + 1);
    if (page.after) qb.andWhere(`${keyExpr} ${cmp} :pageKey`, { pageKey: page.after.key });
    return qb;
  }
  qb.orderBy(keyExpr, order).addOrderBy(idExpr, order).limit(page.limit + 1);
  if (page.after) {
    qb.andWhere(`(${keyExpr} ${cmp} :pageKey OR (${keyExpr} = :pageKey AND ${idExpr} ${cmp} :pageId))`, {
      pageKey: page.after.key,
      pageId: page.after.id,
    });
  }
  return qb;
}

/** Rows changed by a raw UPDATE or DELETE (`em.query` / `runner.query`), on either driver. */
export function affectedRows(result: unknown): number {
  if (Array.isArray(result)) return Number((result[1] as number | undefined) ?? (result[0] as { affectedRows?: number })?.affectedRows ?? 0);
  const r = result as { affectedRows?: number; changes?: number } | undefined;
  return Number(r?.affectedRows ?? r?.changes ?? 0);
}

/**
 * Adds `rows`' amounts to counter rows in one statement, creating the rows that do not exist yet:
 * each row names every column (its key, the other columns a new row needs, and the amounts in
 * `counters`); `key` is the table's primary key. The increment is one atomic row update on both
 * engines (`ON DUPLICATE KEY UPDATE n = n + VALUES(n)` on MySQL, `ON CONFLICT … DO UPDATE` on
 * SQLite), so concurrent transactions never lose one another's counts.
 */
export async function addToCounters(em: EntityManager, table: string, key: string[], counters: string[], rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const type = em.connection.options.type;
  const onConflict =
    type === "mysql" || type === "mariadb"
      ? `ON DUPLICATE KEY UPDATE ${counters.map((c) => `${c} = ${c} + VALUES(${c})`).join(", ")}`
      : `ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${counters.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}`;
  const values = rows.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
  await deferWrite(em, [`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values} ${onConflict}`, rows.flatMap((row) => columns.map((c) => row[c]))]);
}
