import { Column, type ColumnOptions, PrimaryColumn } from "typeorm";

/** bigint comes back from mysql2 as a string; instants and counters are safe as JS numbers. */
export const bigintAsNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value == null ? null : Number(value)),
};

/** A 64-bit integer read as a JS number (sequence numbers, counters). */
export function BigIntColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: "bigint", transformer: bigintAsNumber, ...options });
}

/** An instant in epoch milliseconds: identical on SQLite and MySQL, no time-zone conversions. */
export function InstantColumn(options: ColumnOptions = {}): PropertyDecorator {
  return BigIntColumn(options);
}

/** The row id column (a UUIDv7 string), exposed to TypeScript as `rowId`. */
export function RowIdColumn(): PropertyDecorator {
  return PrimaryColumn({ name: "id", type: "varchar", length: 36 });
}

/** A reference to another row's id. */
export function RefColumn(name: string, options: ColumnOptions = {}): PropertyDecorator {
  return Column({ name, type: "varchar", length: 36, ...options });
}
