import { GraphQLScalarType, Kind } from "graphql";

function toIso(value: unknown): string {
  const date = value instanceof Date ? value : typeof value === "number" ? new Date(value) : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new TypeError("DateTime cannot represent an invalid date");
  return date.toISOString();
}

function fromIso(value: unknown): Date {
  if (typeof value !== "string" || value.length > 40) throw new TypeError("DateTime must be an ISO-8601 string");
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw new TypeError("DateTime must be an ISO-8601 string");
  return date;
}

/** ISO-8601 UTC instants; stored as epoch milliseconds, served as `2026-01-01T00:00:00.000Z`. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "An ISO-8601 instant in UTC, e.g. 2026-01-01T00:00:00.000Z.",
  serialize: toIso,
  parseValue: fromIso,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError("DateTime must be an ISO-8601 string");
    return fromIso(ast.value);
  },
});
