import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import type { PageRequest } from "../common/pagination";

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
 * round trip (under a group's row lock, where history entries and members are inserted).
 */
export async function insertRows<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await em.createQueryBuilder().insert().into(entity).values(rows.slice(i, i + 200)).updateEntity(false).execute();
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
