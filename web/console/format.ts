/** Dates as the operator's locale shows them, compact enough for tables. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Enum values as words: LIVE_CODE → "live code". */
export function words(value: string): string {
  return value.toLowerCase().replace(/_/g, " ");
}
