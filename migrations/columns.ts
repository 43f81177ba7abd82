import type { TableColumnOptions } from "typeorm";

/** Column shapes shared by every migration, so both engines get the same schema. */
export const id = (): TableColumnOptions => ({ name: "id", type: "varchar", length: "36", isPrimary: true });
export const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: "36", isNullable: nullable });
export const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: "varchar",
  length: String(length),
  isNullable: nullable,
});
export const bigint = (name: string, nullable = false): TableColumnOptions => ({ name, type: "bigint", isNullable: nullable });
export const int = (name: string, defaultValue?: number): TableColumnOptions => ({
  name,
  type: "int",
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});
export const bool = (name: string, defaultValue = false): TableColumnOptions => ({ name, type: "boolean", default: defaultValue });
