import { CAPS_AT_MOST_GROUP_SIZE, POLICY_FIELDS, type PolicyLimits, type PolicyOverrides } from "./fields";
import { CodeType, Plan } from "./limits";
import { PLAN_LIMITS } from "./plans";

export { CAPS_AT_MOST_GROUP_SIZE };

/** A fresh copy of a field's value (lists and records are not shared with the plan's frozen ones). */
const copyValue = <T>(value: T): T => (Array.isArray(value) ? ([...value] as T) : value !== null && typeof value === "object" ? { ...value } : value);

/** What an operator sends: a field given replaces it, `null` clears it back to the plan's value, absent keeps it. */
export type OverridesPatch = { [K in keyof PolicyLimits]?: PolicyLimits[K] | null };

export interface OverrideProblem {
  field: keyof PolicyLimits;
  message: string;
}

/**
 * A plan's limits with overrides applied field by field over the table's fields (absent fields keep
 * the plan's value), then the caps bounded by `maxGroupSize` (the table's `cappedByGroupSize`) lowered to it. The result is what requests run under.
 */
export function mergeLimits(plan: Plan, overrides: PolicyOverrides | null | undefined): PolicyLimits {
  const base = PLAN_LIMITS[plan];
  const merged = Object.fromEntries(
    POLICY_FIELDS.map((field) => {
      const value = overrides?.[field];
      return [field, copyValue(value !== undefined && value !== null ? value : base[field])];
    }),
  ) as PolicyLimits;
  for (const field of CAPS_AT_MOST_GROUP_SIZE) {
    const value = merged[field];
    if (value != null && value > merged.maxGroupSize) merged[field] = merged.maxGroupSize;
  }
  return merged;
}

/**
 * The stored overrides after a patch: `undefined` keeps them all, `null` clears them all, an object
 * changes only the fields it names (`null` in a field removes that override).
 */
export function applyOverridesPatch(stored: PolicyOverrides | null | undefined, patch: OverridesPatch | null | undefined): PolicyOverrides | null {
  if (patch === undefined) return stored && Object.keys(stored).length ? { ...stored } : null;
  if (patch === null) return null;
  const next: Record<string, unknown> = { ...(stored ?? {}) };
  for (const field of POLICY_FIELDS) {
    if (!(field in patch)) continue;
    const value = patch[field];
    if (value === undefined) continue;
    if (value === null) delete next[field];
    else next[field] = value;
  }
  // Keep only known fields, in a stable order.
  const ordered = Object.fromEntries(POLICY_FIELDS.filter((f) => next[f] !== undefined && next[f] !== null).map((f) => [f, next[f]]));
  return Object.keys(ordered).length ? (ordered as PolicyOverrides) : null;
}

/**
 * Every contradiction in a tenant's overrides, all at once (empty: coherent). `explicit` is what
 * this request sent: a cap above `maxGroupSize` is a contradiction only when it was sent now; a cap
 * stored earlier, or the plan's own, follows a lowered `maxGroupSize` down instead.
 */
export function overrideProblems(plan: Plan, overrides: PolicyOverrides | null, explicit: OverridesPatch | null | undefined): OverrideProblem[] {
  const limits = mergeLimits(plan, overrides);
  const given = (field: keyof PolicyLimits) => explicit != null && explicit[field] !== undefined && explicit[field] !== null;
  const problems: OverrideProblem[] = [];
  for (const field of CAPS_AT_MOST_GROUP_SIZE) {
    const value = explicit?.[field];
    if (given(field) && typeof value === "number" && value > limits.maxGroupSize) {
      problems.push({ field, message: `${field} (${value}) may not exceed maxGroupSize (${limits.maxGroupSize})` });
    }
  }
  const { temporaryCodeTtlSeconds: ttl, temporaryCodeTtlMinSeconds: min, temporaryCodeTtlMaxSeconds: max } = limits;
  if (min > max) {
    const field = given("temporaryCodeTtlMaxSeconds") && !given("temporaryCodeTtlMinSeconds") ? "temporaryCodeTtlMaxSeconds" : "temporaryCodeTtlMinSeconds";
    problems.push({ field, message: `temporaryCodeTtlMinSeconds (${min}) may not exceed temporaryCodeTtlMaxSeconds (${max})` });
  } else if (ttl < min || ttl > max) {
    problems.push({ field: "temporaryCodeTtlSeconds", message: `temporaryCodeTtlSeconds (${ttl}) must lie within ${min}…${max}` });
  }
  if (limits.codeTypes.includes(CodeType.LIVE) && limits.liveCodeGroupCap == null) {
    problems.push({ field: "liveCodeGroupCap", message: "plans with LIVE codes need a liveCodeGroupCap" });
  }
  return problems;
}
