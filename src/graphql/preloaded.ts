import { type DocumentNode, type GraphQLField, type GraphQLSchema, getNamedType, isAbstractType, isObjectType } from "graphql";
import { Extensions } from "type-graphql";
import { everyField } from "./document-fields";

/** What @Preloaded records in a field's extensions. */
interface PreloadedExtension {
  property: string;
  /** `Parent.field`s whose values always carry the property (see {@link Preloaded}). */
  always: readonly string[];
  /** Documents in which every value reaching the field carries it under the field's own name (see {@link Preloaded}). */
  inlineWhen?: (schema: GraphQLSchema, document: DocumentNode) => boolean;
  /** The parent's property naming the field node the value was read for (see {@link Preloaded}). */
  readFor?: string;
}

/**
 * Marks a field resolver whose value the query that loaded the parent may already have brought
 * along, under `property` (e.g. a member's user, read in the same statement as the member). Such
 * a value is answered directly, without calling the resolver; otherwise the resolver runs.
 *
 * `readFor` names the parent's property holding the field node the value was read for (e.g. a members
 * page read with the arguments of the `members` field below `myGroups`): the value answers that field
 * only, and any other field of the same name (an alias with other arguments, another query path
 * reaching the same entity) still runs its resolver.
 *
 * `inlineWhen` decides the same for a whole document: true when every value that reaches the field
 * in it carries its answer under the field's own name (e.g. `Group.members` below `myGroups`, read
 * along with the groups for the one members field the document has).
 *
 * `always` lists the fields (`Parent.field`) whose values always carry the property: a document
 * that reaches the type only through them is compiled by graphql-jit with a plain property read
 * instead of a resolver call (see {@link compileWithPreloadedReads}).
 */
export function Preloaded(
  property: string,
  options: { always?: readonly string[]; inlineWhen?: PreloadedExtension["inlineWhen"]; readFor?: string } = {},
): MethodDecorator & ClassDecorator & PropertyDecorator {
  const { always = [], inlineWhen, readFor } = options;
  return Extensions({ preloaded: { property, always, ...(inlineWhen ? { inlineWhen } : {}), ...(readFor ? { readFor } : {}) } satisfies PreloadedExtension });
}

function preloadedOf(field: GraphQLField<unknown, unknown>): PreloadedExtension | null {
  const value = field.extensions?.preloaded as PreloadedExtension | undefined;
  return value && typeof value.property === "string" ? value : null;
}

/**
 * Rewrites the resolvers of @Preloaded fields in a built schema: a parent carrying the value is
 * answered by a property read, which spares the per-call work of the resolver wrapper (argument
 * and root conversion, middleware dispatch) on the hottest fields, e.g. `Member.user` a thousand
 * times in one page of groups.
 */
export function answerPreloadedFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const preloaded = preloadedOf(field);
      const resolve = field.resolve;
      if (!preloaded || !resolve) continue;
      const { property, readFor } = preloaded;
      field.resolve = (root, args, context, info) => {
        const parent = root as Record<string, unknown>;
        const value = parent[property];
        const answers = value !== undefined && (readFor === undefined || parent[readFor] === info.fieldNodes[0]);
        return answers ? value : resolve(root, args, context, info);
      };
    }
  }
  return schema;
}

/**
 * Compiles `document` (with graphql-jit's `compile`) so that each @Preloaded field the document
 * reaches only through its `always` fields is a plain property read: no resolver call, so none of
 * the per-call objects graphql-jit makes for one (resolve info, path, argument object, closures) —
 * for `Member.user` in a page of groups, a thousand of each. Any other way to the type in the
 * document (a mutation payload, `node(id:)`, a fragment on an interface it implements) keeps the
 * resolver. compile runs synchronously while the resolvers are set aside.
 */
export function compileWithPreloadedReads<T>(schema: GraphQLSchema, document: DocumentNode, compile: () => T): T {
  const inlined: Array<{ field: GraphQLField<unknown, unknown>; resolve: GraphQLField<unknown, unknown>["resolve"] }> = [];
  for (const { type, field, preloaded } of preloadedFields(schema)) {
    // A document whose every value of the field is carried under the field's name (inlineWhen says so).
    if (preloaded.inlineWhen?.(schema, document)) {
      inlined.push({ field, resolve: field.resolve });
      continue;
    }
    if (preloaded.property !== field.name || preloaded.always.length === 0) continue;
    if (reachedOnlyThrough(schema, document, type, preloaded.always)) inlined.push({ field, resolve: field.resolve });
  }
  if (inlined.length === 0) return compile();
  for (const { field } of inlined) field.resolve = undefined;
  try {
    return compile();
  } finally {
    for (const { field, resolve } of inlined) field.resolve = resolve;
  }
}

const preloadedBySchema = new WeakMap<GraphQLSchema, Array<{ type: string; field: GraphQLField<unknown, unknown>; preloaded: PreloadedExtension }>>();

function preloadedFields(schema: GraphQLSchema) {
  let found = preloadedBySchema.get(schema);
  if (!found) {
    found = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      for (const field of Object.values(type.getFields())) {
        const preloaded = preloadedOf(field);
        if (preloaded) found.push({ type: type.name, field, preloaded });
      }
    }
    preloadedBySchema.set(schema, found);
  }
  return found;
}

/** Whether every field of the document that can produce a `typeName` object is one of `through` (`Parent.field`). */
function reachedOnlyThrough(schema: GraphQLSchema, document: DocumentNode, typeName: string, through: readonly string[]): boolean {
  const target = schema.getType(typeName);
  if (!target || !isObjectType(target)) return false;
  return everyField(schema, document, (typeInfo) => {
    const fieldType = typeInfo.getType();
    const parent = typeInfo.getParentType();
    // Unknown to the schema: validation refuses it, but stay on the safe side.
    if (!fieldType || !parent) return false;
    const named = getNamedType(fieldType);
    const produces = named === target || (isAbstractType(named) && schema.isSubType(named, target));
    return !produces || through.includes(`${parent.name}.${typeInfo.getFieldDef()?.name ?? ""}`);
  });
}
