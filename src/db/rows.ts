import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";

/**
 * Reads entities straight from the rows of a raw query, by the entity's column metadata: the hot
 * read paths select exactly the columns they need (`select`), and each row becomes an entity
 * without TypeORM's query builder, alias maps or result transformer. Values go through the
 * driver's hydration (booleans, transformers such as bigint → number), as TypeORM's own reads do.
 */
export interface RowReader<T> {
  /** `alias.column AS prefix_column, …` for a SELECT list. */
  select(alias: string): string;
  /** How many columns `select` lists. */
  readonly width: number;
  /** The column aliases `select` gives, in order (for an outer SELECT over a derived table). */
  readonly aliases: readonly string[];
  /** The entity from a row of Database.rows (columns by position), this reader's columns starting at `at`. */
  readAt(row: readonly unknown[], at: number): T;
  /** The entity from a row as an object keyed by column alias (what `em.query` returns for `select`). */
  read(row: Readonly<Record<string, unknown>>): T;
  /** Property names this reader sets (all of the entity's columns when built without a list). */
  readonly properties: readonly string[];
}

const readers = new WeakMap<DataSource, Map<string, RowReader<unknown>>>();

export function rowReader<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, prefix: string, properties?: readonly string[]): RowReader<T> {
  const metadata = dataSource.getMetadata(target);
  const key = `${metadata.name}|${prefix}|${properties ? properties.join(",") : "*"}`;
  let byKey = readers.get(dataSource);
  if (!byKey) readers.set(dataSource, (byKey = new Map()));
  const cached = byKey.get(key);
  if (cached) return cached as RowReader<T>;

  const columns: ColumnMetadata[] = properties
    ? properties.map((p) => {
        const column = metadata.findColumnWithPropertyName(p);
        if (!column) throw new Error(`${metadata.name} has no column property ${p}`);
        return column;
      })
    : metadata.columns;
  const driver = dataSource.driver;
  // Text columns without a transformer come back from both drivers as they are stored: no hydration step.
  const plain = (column: ColumnMetadata) => !column.transformer && ["varchar", "text", "char", "nvarchar"].includes(String(column.type));
  const fields = columns.map((column) => ({
    column,
    property: column.propertyName,
    alias: `${prefix}${column.databaseName}`,
    hydrate: plain(column) ? null : (value: unknown) => driver.prepareHydratedValue(value, column),
  }));
  const Entity = metadata.target as new () => T;
  const reader: RowReader<T> = {
    properties: fields.map((f) => f.property),
    select: (alias) => fields.map((f) => `${alias}.${driver.escape(f.column.databaseName)} AS ${driver.escape(f.alias)}`).join(", "),
    width: fields.length,
    aliases: fields.map((f) => driver.escape(f.alias)),
    readAt(row, at) {
      const entity = new Entity() as Record<string, unknown>;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        const value = row[at + i];
        entity[f.property] = f.hydrate === null ? value : f.hydrate(value);
      }
      return entity as T;
    },
    read(row) {
      return this.readAt(fields.map((f) => row[f.alias]), 0);
    },
  };
  byKey.set(key, reader as RowReader<unknown>);
  return reader;
}
