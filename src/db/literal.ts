import { escape } from "mysql2";

/**
 * Characters a string may not carry raw inside a MySQL single-quoted literal: the quote, the
 * backslash (an escape character unless NO_BACKSLASH_ESCAPES) and the control characters mysql2
 * escapes. A string with none of them means the same quoted as it is, in every sql_mode.
 */
const NEEDS_ESCAPING = /[\0\b\t\n\r\x1a'\\]/;

/**
 * A value as a MySQL literal, as mysql2's placeholder formatting writes it (the same text for
 * numbers, booleans and NULL; mysql2's own escaping for strings that need it), or undefined for a
 * value that is neither (a Date, a Buffer, an object: the caller leaves those to the driver's
 * placeholders). A string with nothing to escape is quoted as it is: mysql2 escapes double quotes
 * too, one slice at a time, and JSON values are full of them (a join's writes carry ≈ 100 KB of
 * them per batch; measured on the join benchmark's profile).
 */
export function mysqlLiteral(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return NEEDS_ESCAPING.test(value) ? escape(value) : `'${value}'`;
    case "number":
    case "bigint":
      return `${value}`;
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "NULL";
    default:
      return value === null ? "NULL" : undefined;
  }
}
