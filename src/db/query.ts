import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import type { PageRequest } from "../common/pagination";
import { deferWrite } from "./database";

/**
 * Takes a row lock on MySQL (`SELECT … FOR UPDATE`). SQLite has no row locks: there every
 * transaction already runs alone (see Database.tx).
 */
export function forUpdate<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  const type = qb.connection.options.type;
  return type === "mysql" || type === "mariadb" ? qb.setLock("pessimistic_write") : qb;
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
    await deferWrite(em, em.createQueryBuilder().insert().into(entity).values(rows.slice(i, i + 200)).updateEntity(false).getQueryAndParameters());
  }
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
