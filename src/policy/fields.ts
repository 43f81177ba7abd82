import { z } from "zod";
import { CodeType, CreationOverflow } from "./limits";

/** A TypeScript string enum object (e.g. `CodeType`). */
export type EnumObject = Record<string, string>;

/** An integer sub-field of an object field, with its bounds. */
export interface IntPart {
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

/**
 * How one policy field is shaped. `min`/`max` bound what an operator may set as an override;
 * `cappedByGroupSize` marks a cap that may never exceed `maxGroupSize` (see overrides.ts).
 */
export type PolicyFieldSpec = { readonly description: string } & (
  | { readonly kind: "int"; readonly min: number; readonly max: number; readonly cappedByGroupSize?: boolean }
  | { readonly kind: "nullableInt"; readonly min: number; readonly max: number; readonly cappedByGroupSize?: boolean }
  | { readonly kind: "boolean" }
  /** A set of enum values (no repeats). `enumName` is the GraphQL name the GraphQL layer registers it under. */
  | { readonly kind: "enumList"; readonly values: EnumObject; readonly enumName: string }
  | { readonly kind: "enum"; readonly values: EnumObject; readonly enumName: string }
  /**
   * A small record of integers, e.g. `{ count windowDays }`; `typeName` names its GraphQL object/input types
   * (`typeDescription` describes them); `nullable`: null is a value of the field (e.g. "no limit").
   */
  | {
      readonly kind: "object";
      readonly typeName: string;
      readonly typeDescription?: string;
      readonly nullable?: boolean;
      readonly parts: Readonly<Record<string, IntPart>>;
    }
);

const HOUR = 3600;
const DAY = 24 * HOUR;
const ttl = { kind: "int", min: 60, max: 365 * DAY } as const;

/**
 * THE list of policy fields: every number and switch a plan decides, declared once. Everything else
 * is generated from it — the `PolicyLimits` type, `POLICY_FIELDS`, the override validation
 * (`policyOverridesSchema`), the caps bounded by `maxGroupSize`, and the GraphQL types `PlanPolicy`,
 * `PolicyOverrides` and `PolicyOverridesInput` (src/modules/tenant/policy.types.ts).
 *
 * Adding a field: one entry here, plus its value in each plan (plans.ts). The order is the order of
 * stored overrides and of override problems reported together.
 */
export const POLICY_FIELD_TABLE = {
  maxGroupSize: { kind: "int", min: 3, max: 100_000, description: "Hard cap on members of one group." },
  directAddLimit: {
    kind: "int",
    min: 3,
    max: 100_000,
    cappedByGroupSize: true,
    description: "Members a group may reach by direct add (owner counted); beyond it invitees must accept.",
  },
  codeJoinCap: { kind: "int", min: 1, max: 100_000, cappedByGroupSize: true, description: "No code joins a group that already has this many members." },
  permanentCodeMaxMembers: {
    kind: "nullableInt",
    min: 1,
    max: 100_000,
    cappedByGroupSize: true,
    description: "A PERMANENT code joins people only until the group has this many members (null: no limit).",
  },
  liveCodeGroupCap: {
    kind: "nullableInt",
    min: 2,
    max: 100_000,
    cappedByGroupSize: true,
    description: "Members per group behind a live code (null: the plan has no live codes).",
  },
  codeTypes: { kind: "enumList", values: CodeType, enumName: "CodeType", description: "Join-code types the plan may create." },
  temporaryCodeTtlSeconds: { ...ttl, description: "Default lifetime of a TEMPORARY code, in seconds." },
  temporaryCodeTtlMinSeconds: { ...ttl, description: "Shortest lifetime a caller may choose for a TEMPORARY code, in seconds." },
  temporaryCodeTtlMaxSeconds: { ...ttl, description: "Longest lifetime a caller may choose for a TEMPORARY code, in seconds." },
  dailyGroupCreationLimit: { kind: "int", min: 0, max: 100_000, description: "Groups one user may create in a rolling 24 hours." },
  dailyGroupCreationOverflow: {
    kind: "enum",
    values: CreationOverflow,
    enumName: "CreationOverflow",
    description: "Over the daily creation limit: REFUSE (RATE_LIMITED) or REVIEW (created PENDING_REVIEW).",
  },
  maxAdmins: { kind: "int", min: 0, max: 1000, description: "Admins per group (owner not counted)." },
  transferRequiresAdmin: { kind: "boolean", description: "Ownership may only be transferred to an ADMIN." },
  requireDataUsageRules: { kind: "boolean", description: "The tenant must publish a data-usage rules URL before its users create groups." },
  statsEnabled: { kind: "boolean", description: "Join-source and activity dashboards." },
  invitationTtlSeconds: { ...ttl, description: "How long a PENDING invitation may be accepted, in seconds." },
  bulkActionThreshold: {
    kind: "int",
    min: 1,
    max: 100_000,
    description: "Invitations or removals by one user within bulkActionWindowSeconds that count as abnormal.",
  },
  bulkActionWindowSeconds: { kind: "int", min: 1, max: DAY, description: "The window bulkActionThreshold is counted over, in seconds." },
  adminsMayRemoveAdmins: { kind: "boolean", description: "Admins may remove other admins; false: plain members only." },
  permanentCodeRefreshable: { kind: "boolean", description: "false: a group's permanent code from birth is its only one and is never revoked." },
  ownershipTransferLimit: {
    kind: "object",
    typeName: "OwnershipTransferLimit",
    typeDescription: "At most `count` ownership transfers of one group within any `windowDays` days.",
    nullable: true,
    parts: {
      count: { min: 0, max: 1000, description: "Explicit ownership transfers allowed within the window" },
      windowDays: { min: 1, max: 3650, description: "The window's length, in days" },
    },
    description: "Ownership transfers per group within a window; null: unlimited.",
  },
} as const satisfies Record<string, PolicyFieldSpec>;

type Table = typeof POLICY_FIELD_TABLE;
export type PolicyField = keyof Table;

/** The TypeScript value of a field of this shape. */
export type PolicyFieldValue<S> = S extends { kind: "int" }
  ? number
  : S extends { kind: "nullableInt" }
    ? number | null
    : S extends { kind: "boolean" }
      ? boolean
      : S extends { kind: "enumList"; values: infer E }
        ? Array<E[keyof E]>
        : S extends { kind: "enum"; values: infer E }
          ? E[keyof E]
          : S extends { kind: "object"; parts: infer P; nullable: true }
            ? { [K in keyof P]: number } | null
            : S extends { kind: "object"; parts: infer P }
              ? { [K in keyof P]: number }
              : never;

/**
 * Every number and switch a plan decides (generated from `POLICY_FIELD_TABLE`). A tenant's
 * `policyOverrides` may replace any of them. `null` means "no such limit / feature".
 */
export type PolicyLimits = { -readonly [K in PolicyField]: PolicyFieldValue<Table[K]> };

export type PolicyOverrides = Partial<PolicyLimits>;

/** At most `count` explicit ownership transfers of one group in any `windowDays` days. */
export type OwnershipTransferLimit = NonNullable<PolicyLimits["ownershipTransferLimit"]>;

/** Every policy field name, in table order. */
export const POLICY_FIELDS = Object.freeze(Object.keys(POLICY_FIELD_TABLE)) as readonly PolicyField[];

/** Every field with its spec, in table order (for generators that do not need the literal types). */
export const POLICY_FIELD_SPECS: ReadonlyArray<readonly [PolicyField, PolicyFieldSpec]> = Object.freeze(
  POLICY_FIELDS.map((name) => [name, POLICY_FIELD_TABLE[name] as PolicyFieldSpec] as const),
);

type CappedField = { [K in PolicyField]: Table[K] extends { cappedByGroupSize: true } ? K : never }[PolicyField];

/**
 * The caps that may never exceed `maxGroupSize` (the table's `cappedByGroupSize`). Unless a
 * tenant's overrides set one explicitly, it follows `maxGroupSize` down.
 */
export const CAPS_AT_MOST_GROUP_SIZE = Object.freeze(
  POLICY_FIELD_SPECS.filter(([, spec]) => "cappedByGroupSize" in spec && spec.cappedByGroupSize).map(([name]) => name),
) as readonly CappedField[];

/** "CodeType" → "code type". */
const spacedLower = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

/** The override validation of one field: its bounds; `null` (clear the override) and absence are allowed. */
function overrideSchemaOf(spec: PolicyFieldSpec): z.ZodType {
  switch (spec.kind) {
    case "int":
    case "nullableInt":
      return z.number().int().min(spec.min).max(spec.max).nullish();
    case "boolean":
      return z.boolean().nullish();
    case "enumList":
      return z
        .array(z.enum(spec.values))
        .max(Object.keys(spec.values).length)
        .refine((values) => new Set(values).size === values.length, `must not repeat a ${spacedLower(spec.enumName)}`)
        .nullish();
    case "enum":
      return z.enum(spec.values).nullish();
    case "object":
      return z
        .object(Object.fromEntries(Object.entries(spec.parts).map(([part, b]) => [part, z.number().int().min(b.min).max(b.max)])))
        .nullish();
  }
}

/**
 * Validation of an operator's overrides (a patch: a field given replaces that override, `null`
 * clears it, absent keeps it), generated from the table's kinds and bounds. Contradictions between
 * fields (caps above maxGroupSize, TTL ranges) are overrides.ts's `overrideProblems`.
 */
export const policyOverridesSchema = z
  .object(Object.fromEntries(POLICY_FIELD_SPECS.map(([name, spec]) => [name, overrideSchemaOf(spec)])) as Record<PolicyField, z.ZodType>)
  .nullish();
