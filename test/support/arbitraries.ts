import fc from "fast-check";
import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from "graphql";

/*
 * fast-check arbitraries for hostile input: strings, numbers, ids and tokens that real clients (and
 * attackers) send, and whole GraphQL operations built from the schema with such arguments.
 */

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** Fragments that break naive code: controls, bidi, zero-width, lone surrogates, NFKC expanders, injections. */
export const HOSTILE_PIECES = [
  "",
  " ",
  "a",
  "Zoë",
  "群聊",
  "微信群",
  "ｆｕｌｌ　ｗｉｄｔｈ",
  "ＦＯＲＢＩＤＤＥＮ",
  "forbidden",
  "f.o.r.b.i.d.d.e.n",
  "review me",
  "Ｒｅｖｉｅｗ　ｍｅ",
  "\u0000",
  "\u0007",
  "\b",
  "\t",
  "\n",
  "\r\n",
  "\u001b[31m",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u200b",
  "\u200d",
  "\u2028",
  "\u202e",
  "\u2066",
  "\ufeff",
  "\ufffd",
  "\uffff",
  "\ud800",
  "\ud83d",
  "😀",
  "👨‍👩‍👧‍👦",
  "🇨🇳",
  "e\u0301",
  "\u0301\u0301\u0301",
  "\ufdfa",
  "\ufdfb",
  "㍿",
  "ﬃ",
  "Å",
  "ß",
  "İ",
  "'",
  '"',
  "\\",
  "`",
  "%",
  "_",
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  "\") { __typename } #",
  "<script>alert(1)</script>",
  "${jndi:ldap://x/a}",
  "{{7*7}}",
  "../../etc/passwd",
  "%s%n%x",
  "null",
  "undefined",
  "NaN",
  "-0",
  "1e309",
  "__proto__",
  "constructor",
  "0x1F",
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Any string a JSON body can carry, weighted towards the pieces above and towards length limits. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 6 }).map((a) => a.join("")) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }), loneSurrogate), maxLength: 20 }) },
  {
    weight: 2,
    // Around every length limit the API has, in one-, two- and many-unit characters.
    arbitrary: fc
      .tuple(
        fc.constantFrom("x", "é", "群", "😀", "\ufdfa", "ｗ", "e\u0301"),
        fc.constantFrom(4, 5, 29, 30, 31, 49, 50, 51, 63, 64, 65, 79, 80, 81, 99, 100, 101, 128, 129, 200, 201, 499, 500, 501, 4999, 5000, 5001),
        fc.constantFrom("", "a", "\ud83d"),
      )
      .map(([c, n, head]) => head + c.repeat(n)),
  },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(70_000), "😀".repeat(30_000), "\u0000".repeat(1000)) },
);

/** Ints around every boundary, plus anything in 32 bits. */
export const hostileInt: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, -1, 1, 2, 3, 4, 5, 10, 20, 30, 59, 60, 99, 100, 101, 366, 367, 3600, 86400, 2592000, 2592001, 100000, 100001, 2147483647, -2147483648) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 600 }) },
  { weight: 1, arbitrary: fc.integer() },
);

/** Numbers GraphQL's Int must refuse: beyond 32 bits, fractions, the largest doubles. */
export const outOfRangeNumber = fc.constantFrom(2147483648, -2147483649, 1.5, -0.0001, 1e308, -1e308, 2 ** 53 + 2, 5e-324);

export const hostileFloat: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 90, -90, 90.0000001, -90.0000001, 180, -180, 180.0000001, 31.2304, 121.4737, 1e308, -1e308, 5e-324) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

export const hostileDateTime: fc.Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom("2026-02-30T00:00:00Z", "9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "2026-01-01", "2026-01-01T25:00:00Z", "yesterday", "", "2026-01-01T00:00:00+14:00", "+275760-09-13T00:00:00.000Z", "1970-01-01T00:00:00.000Z"),
);

/** Any JSON value, for arguments sent with the wrong type. */
export const wrongTypeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, "", "x", [], {}, [null], { a: 1 }, [[[]]], 2147483648),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Where ids and tokens come from: the live objects of the fixture, by type (read at generation time). */
export interface IdPool {
  ids: Record<string, string[]>;
  tokens: string[];
}

const ID_TYPE_BY_NAME: Array<[RegExp, string]> = [
  [/^(userId|userIds|memberIds|contactId)$/, "User"],
  [/^(groupId|groupIds)$/, "Group"],
  [/^invitationId$/, "Invitation"],
  [/^codeId$/, "GroupCode"],
  [/^liveCodeId$/, "LiveCode"],
  [/^sessionId$/, "FaceToFaceSession"],
  [/^reviewItemId$/, "ReviewItem"],
  [/^messageId$/, "Message"],
  [/^tenantId$/, "Tenant"],
];

const pick = <T>(items: T[], i: number, fallback: T) => (items.length ? items[i % items.length] : fallback);

/** Malformed ids: empty, padded, wrong type, not a UUID, overlong, or the right shape for nothing. */
export const malformedId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "0",
    "-1",
    "null",
    "Group:1",
    "R3JvdXA6MQ",
    "=",
    "A".repeat(121),
    "R3JvdXA6",
    b64("Group:" + "0".repeat(36)),
    b64("Group:00000000-0000-0000-0000-000000000000"),
    b64("User:../../etc/passwd"),
    b64(":"),
    b64("Group:00000000-0000-0000-0000-000000000000\u0000"),
    b64("Group:00000000-0000-0000-0000-000000000000 OR 1=1"),
    b64("__proto__:00000000-0000-0000-0000-000000000000"),
  ),
  fc
    .tuple(fc.constantFrom("Group", "User", "Message", "Tenant", "Invitation", "GroupCode", "LiveCode", "ReviewItem", "RiskEvent", "FaceToFaceSession", "Member", "Nope"), fc.uuid())
    .map(([type, uuid]) => b64(`${type}:${uuid}`)),
);

/** An id for an argument: mostly a live one of the type its name implies (or of any type), else malformed or hostile. */
export function idFor(pool: IdPool, name: string): fc.Arbitrary<string> {
  const type = ID_TYPE_BY_NAME.find(([re]) => re.test(name))?.[1];
  const all = () => Object.values(pool.ids).flat();
  return fc.oneof(
    { weight: 8, arbitrary: fc.nat().map((i) => pick(type ? (pool.ids[type] ?? []) : all(), i, "x")) },
    { weight: 2, arbitrary: fc.nat().map((i) => pick(all(), i, "x")) },
    { weight: 2, arbitrary: malformedId },
    { weight: 1, arbitrary: hostileString },
  );
}

/** A code token: a live one, a near miss, or garbage. */
export function tokenFor(pool: IdPool): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((i) => pick(pool.tokens, i, "x")) },
    { weight: 1, arbitrary: fc.nat().map((i) => pick(pool.tokens, i, "x").slice(0, -1) + "A") },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(..."ABCabc012_-".split("")), minLength: 15, maxLength: 65 }) },
    { weight: 2, arbitrary: hostileString },
  );
}

/** A value for an input of this type, by the schema; `name` picks ids and tokens of the right kind. */
export function inputValue(type: GraphQLInputType, name: string, pool: IdPool, depth = 0): fc.Arbitrary<unknown> {
  const sometimesWrong = (arb: fc.Arbitrary<unknown>) => fc.oneof({ weight: 19, arbitrary: arb }, { weight: 1, arbitrary: wrongTypeValue });
  if (isNonNullType(type)) return fc.oneof({ weight: 40, arbitrary: inputValue(type.ofType, name, pool, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  if (isListType(type)) {
    const item = inputValue(type.ofType, name, pool, depth + 1);
    return sometimesWrong(fc.oneof({ weight: 8, arbitrary: fc.array(item, { maxLength: depth > 1 ? 2 : 5 }) }, { weight: 1, arbitrary: item }));
  }
  if (isEnumType(type)) {
    return sometimesWrong(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) }, { weight: 1, arbitrary: hostileString }));
  }
  if (isInputObjectType(type)) {
    if (depth > 3) return fc.constant(null);
    const fields = Object.values(type.getFields());
    const parts: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of fields) parts[field.name] = inputValue(field.type, field.name, pool, depth + 1);
    const required = fields.filter((f) => isNonNullType(f.type) && f.defaultValue === undefined).map((f) => f.name);
    return sometimesWrong(
      fc.tuple(fc.record(parts, { requiredKeys: required }), fc.oneof({ weight: 20, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(hostileString, wrongTypeValue) })).map(
        ([value, extra]) => (extra ? { ...value, [extra[0]]: extra[1] } : value),
      ),
    );
  }
  switch (getNamedType(type).name) {
    case "ID":
      return sometimesWrong(idFor(pool, name));
    case "String":
      return sometimesWrong(/token$/i.test(name) ? tokenFor(pool) : name === "after" ? fc.oneof(hostileString, fc.constant(null)) : hostileString);
    case "Int":
      return sometimesWrong(fc.oneof({ weight: 12, arbitrary: hostileInt }, { weight: 1, arbitrary: outOfRangeNumber }));
    case "Float":
      return sometimesWrong(hostileFloat);
    case "Boolean":
      return sometimesWrong(fc.boolean());
    case "DateTime":
      return sometimesWrong(hostileDateTime);
    default:
      return wrongTypeValue;
  }
}

/** A GraphQL literal for a value of this type (strings as JSON strings, enums bare when they can be). */
export function toLiteral(value: unknown, type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map((v) => toLiteral(v, isListType(inner) ? inner.ofType : inner)).join(", ")}]`;
  if (typeof value === "object") {
    const fields = isInputObjectType(inner) ? inner.getFields() : {};
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k))
      .map(([k, v]) => `${k}: ${toLiteral(v, fields[k]?.type ?? inner)}`)
      .join(", ")}}`;
  }
  if (typeof value === "string") {
    return isEnumType(getNamedType(inner)) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) && !["true", "false", "null"].includes(value) ? value : JSON.stringify(value);
  }
  return String(value);
}

const NESTED_ARG: Record<string, fc.Arbitrary<string>> = {
  first: fc.constantFrom("0", "1", "2", "5", "20", "100", "101", "-1", "null"),
  after: fc.oneof(fc.constantFrom("null", '""', '"WzEsIngiXQ"', '"WyJ4IiwieCJd"', '"bm90IGpzb24"', `"${"A".repeat(300)}"`), hostileString.map((s) => JSON.stringify(s))),
  days: fc.constantFrom("1", "7", "366", "367", "0", "-1", "2147483647"),
  status: fc.constantFrom("null", "PENDING", "APPROVED", "ACTIVE", "DISSOLVED", "EXPIRED", '"PENDING"', "NOPE"),
};

function fieldSelection(field: GraphQLField<unknown, unknown>, depth: number): fc.Arbitrary<string> {
  const args = field.args.filter((a) => NESTED_ARG[a.name]);
  const argText =
    args.length === 0
      ? fc.constant("")
      : fc
          .tuple(...args.map((a) => fc.option(NESTED_ARG[a.name].map((v) => `${a.name}: ${v}`), { freq: 2 })))
          .map((parts) => parts.filter((p): p is string => p !== null))
          .map((parts) => (parts.length ? `(${parts.join(", ")})` : ""));
  const alias = fc.oneof({ weight: 9, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("a: ", "b: ", "__x: ") });
  const directive = fc.oneof({ weight: 40, arbitrary: fc.constant("") }, { weight: 3, arbitrary: fc.constantFrom(" @include(if: false)", " @skip(if: true)", " @include(if: true)") });
  return fc.tuple(alias, argText, directive, selectionFor(field.type, depth + 1)).map(([a, args2, d, sel]) => `${a}${field.name}${args2}${d}${sel}`);
}

/** A selection set for a value of this type, at most a few levels deep. */
export function selectionFor(type: GraphQLOutputType, depth = 0): fc.Arbitrary<string> {
  const named = getNamedType(type);
  if (isLeafType(named)) return fc.constant("");
  if (depth >= 3) return fc.constant(" { __typename }");
  if (isObjectType(named)) {
    const fields = Object.values(named.getFields());
    return fc
      .subarray(fields, { minLength: 1, maxLength: Math.min(4, fields.length) })
      .chain((chosen) => fc.tuple(...chosen.map((f) => fieldSelection(f, depth))))
      .map((parts) => ` { ${parts.join(" ")} }`);
  }
  if (isUnionType(named)) {
    return fc
      .subarray([...named.getTypes()], { minLength: 1, maxLength: 2 })
      .chain((types) => fc.tuple(...types.map((t) => selectionFor(t, depth + 1).map((s) => `... on ${t.name}${s}`))))
      .map((parts) => ` { __typename ${parts.join(" ")} }`);
  }
  if (isAbstractType(named)) return fc.constantFrom(" { __typename ... on Node { id } }", " { id __typename ... on Group { name } ... on User { displayName } }");
  return fc.constant("");
}

export interface GeneratedOperation {
  field: string;
  kind: "query" | "mutation";
  query: string;
  variables: Record<string, unknown>;
}

/**
 * A whole operation on one root field of the schema: its arguments from `inputValue` (as variables,
 * or inlined as literals), a random selection set, and now and then a broken document.
 */
export function operationFor(schema: GraphQLSchema, pool: IdPool): fc.Arbitrary<GeneratedOperation> {
  const roots: Array<["query" | "mutation", GraphQLField<unknown, unknown>]> = [
    ...Object.values(schema.getQueryType()!.getFields()).map((f) => ["query", f] as ["query", GraphQLField<unknown, unknown>]),
    ...Object.values(schema.getMutationType()!.getFields()).map((f) => ["mutation", f] as ["mutation", GraphQLField<unknown, unknown>]),
  ];
  const argument = (arg: GraphQLArgument) =>
    fc.record({
      present: fc.oneof({ weight: isNonNullType(arg.type) ? 30 : 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      inline: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      value: inputValue(arg.type, arg.name, pool),
    });
  return fc
    .constantFrom(...roots)
    .chain(([kind, field]) =>
      fc.record({
        kind: fc.constant(kind),
        field: fc.constant(field),
        args: fc.tuple(...field.args.map(argument)),
        selection: selectionFor(field.type),
        corruption: fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom("", "{", "}", "(", "$", '"', "...", "\\", "#", "\u0000")) }),
      }),
    )
    .map(({ kind, field, args, selection, corruption }) => {
      const defs: string[] = [];
      const passed: string[] = [];
      const variables: Record<string, unknown> = {};
      field.args.forEach((arg, i) => {
        const a = args[i];
        if (!a.present) return;
        if (a.inline) passed.push(`${arg.name}: ${toLiteral(a.value, arg.type)}`);
        else {
          defs.push(`$${arg.name}: ${String(arg.type)}`);
          passed.push(`${arg.name}: $${arg.name}`);
          variables[arg.name] = a.value;
        }
      });
      let query = `${kind}${defs.length ? `(${defs.join(", ")})` : ""} { ${field.name}${passed.length ? `(${passed.join(", ")})` : ""}${selection} }`;
      if (corruption) {
        const at = corruption[0] % (query.length + 1);
        query = query.slice(0, at) + corruption[1] + query.slice(at + 1);
      }
      return { field: field.name, kind, query, variables };
    });
}
