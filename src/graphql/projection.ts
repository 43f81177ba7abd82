import type { FieldNode, GraphQLResolveInfo } from "graphql";
import type { Selection } from "./selection";

/**
 * What each GraphQL field of a type reads from its entity: field name → entity properties its
 * resolver needs. A selected field that is not listed makes the read take every column, so a new
 * field is never answered from a row that lacks what it needs.
 */
export type FieldNeeds = Readonly<Record<string, readonly string[]>>;

/**
 * The properties a selection needs (with `keys`, always read), sorted; null when the selection is
 * unknown or has a field the table does not list: read every column.
 */
export function propertiesFor(needs: FieldNeeds, keys: readonly string[], selection: Selection | null): string[] | null {
  if (!selection) return null;
  const out = new Set(keys);
  for (const name of selection.names()) {
    const props = needs[name];
    if (!props) return null;
    for (const p of props) out.add(p);
  }
  return [...out].sort();
}

/**
 * Works a value out once per field of a parsed document (Apollo hands back the same document for
 * the same query text), e.g. a projection from the field's selection.
 */
export function perField<T>(compute: (info: GraphQLResolveInfo) => T): (info: GraphQLResolveInfo) => T {
  const known = new WeakMap<FieldNode, T>();
  return (info) => {
    const field = info.fieldNodes[0]!;
    if (known.has(field)) return known.get(field)!;
    const value = compute(info);
    known.set(field, value);
    return value;
  };
}
