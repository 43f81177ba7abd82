import { BREAK, type DocumentNode, type GraphQLSchema, TypeInfo, visit, visitWithTypeInfo } from "graphql";

/**
 * Whether `test` holds for every field the document selects, in every operation and fragment, each
 * visited with a TypeInfo that knows its type, parent type and definition. Stops at the first that fails.
 */
export function everyField(schema: GraphQLSchema, document: DocumentNode, test: (typeInfo: TypeInfo) => boolean): boolean {
  const typeInfo = new TypeInfo(schema);
  let every = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        if (test(typeInfo)) return undefined;
        every = false;
        return BREAK;
      },
    }),
  );
  return every;
}
