import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import {
  type DocumentNode,
  execute,
  type ExecutionResult,
  getNamedType,
  GraphQLError,
  type GraphQLSchema,
  isAbstractType,
  isScalarType,
  printSchema,
  specifiedScalarTypes,
} from "graphql";
import { getVariableValues } from "graphql/execution/values";
import { compileQuery, type CompiledQuery, isCompiledQuery } from "graphql-jit";
import type { RequestContext } from "../context/context";
import { everyField } from "../graphql/document-fields";
import { compileWithPreloadedReads } from "../graphql/preloaded";

type Compiled = CompiledQuery | null;

const BUILT_IN_SCALARS = new Set(specifiedScalarTypes.map((type) => type.name));

/**
 * Whether graphql-jit's compiled JSON serialiser (`customJSONSerializer`: fast-json-stringify over a
 * JSON schema of the operation's answer) writes what JSON.stringify writes for every answer of the
 * document: every field selected is of an object, list, enum or built-in scalar type. jit builds no
 * schema for a custom scalar (it throws), and for an abstract type it merges the fields its possible
 * types select into one object, where two of them may select one response name differently; such
 * documents keep JSON.stringify. (Strings: fast-json-stringify escapes `"` and `\` as JSON.stringify
 * does and hands any string with a control character or a surrogate to JSON.stringify itself.)
 */
export function serializableByJit(schema: GraphQLSchema, document: DocumentNode): boolean {
  return everyField(schema, document, (typeInfo) => {
    const type = typeInfo.getType();
    const named = type ? getNamedType(type) : null;
    return named !== null && !isAbstractType(named) && !(isScalarType(named) && !BUILT_IN_SCALARS.has(named.name));
  });
}

/**
 * Executes operations with graphql-jit: each distinct document (Apollo parses and validates it
 * once and hands back the same DocumentNode from its cache) is compiled to a specialised function
 * on first use; documents jit cannot compile fall back to graphql-js. Plugged into Apollo Server 5
 * through its gateway interface (`execute`), the one place it accepts an executor; the query fast
 * lane (fast-lane.ts) runs the same compiled functions.
 */
export class JitExecutor {
  private readonly compiledQueries = new WeakMap<DocumentNode, Map<string, Compiled>>();
  private cachedCount = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxCached = 1000,
  ) {}

  /**
   * The document's operation compiled (once), or null when jit cannot compile it or the cache is full.
   * Its `stringify` is jit's compiled serialiser where that writes what JSON.stringify would
   * (serializableByJit), else JSON.stringify.
   */
  compiled(document: DocumentNode, operationName: string | null | undefined): CompiledQuery | null {
    let byOperation = this.compiledQueries.get(document);
    const key = operationName ?? "";
    let query = byOperation?.get(key);
    if (query === undefined) {
      if (this.cachedCount >= this.maxCached) return null;
      const customJSONSerializer = serializableByJit(this.schema, document);
      const result = compileWithPreloadedReads(this.schema, document, () => compileQuery(this.schema, document, operationName ?? undefined, { customJSONSerializer }));
      query = isCompiledQuery(result) ? result : null;
      if (!byOperation) this.compiledQueries.set(document, (byOperation = new Map()));
      byOperation.set(key, query);
      this.cachedCount++;
    }
    return query;
  }

  readonly execute: GatewayExecutor = async (request) => {
    const { schema } = this;
    const { document, operationName, context, operation } = request;
    // A mutation the fast lane has run already: its outcome, never a second run (fast-lane.ts).
    const ran = (context as RequestContext).laneRun?.outcome;
    if (ran) {
      (context as RequestContext).laneRun.outcome = null;
      if ("thrown" in ran) throw ran.thrown;
      return (ran.result.errors ? { ...ran.result, errors: ran.result.errors.map(normalizeError) } : ran.result) as ExecutionResult<Record<string, unknown>>;
    }
    const variables = request.request.variables ?? {};
    // No operation to run (e.g. an operationName the document does not define): Apollo turns this
    // error into OPERATION_RESOLUTION_FAILURE, a 400.
    if (!operation) {
      return { errors: [new GraphQLError(operationName ? `Unknown operation named "${operationName}".` : "Must provide an operation.")] };
    }
    // Coerce variables first, as graphql-js does, so bad input is a 400 BAD_USER_INPUT, not a 500.
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) {
      if (request.response?.http) request.response.http.status = 400;
      return { errors: coerced.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: "BAD_USER_INPUT" } })) };
    }
    const query = this.compiled(document, operationName);
    if (query) {
      const result = (await query.query(undefined, context, variables)) as ExecutionResult<Record<string, unknown>>;
      return result.errors ? { ...result, errors: result.errors.map(normalizeError) } : result;
    }
    return (await execute({ schema, document, operationName, variableValues: variables, contextValue: context })) as ExecutionResult<Record<string, unknown>>;
  };
}

/**
 * graphql-jit builds some errors without `extensions` (and drops `originalError`), which Apollo's
 * error pipeline does not accept; rebuild them as regular GraphQLErrors so the one error formatter
 * sees, logs and classifies them as it does under graphql-js.
 */
function normalizeError(error: GraphQLError): GraphQLError {
  if (error.extensions && error.originalError !== undefined) return error;
  const original = (error.originalError ?? error) as Error & { extensions?: Record<string, unknown> };
  const rebuilt = new GraphQLError(error.message, {
    nodes: error.nodes,
    path: error.path,
    originalError: original,
    extensions: error.extensions ?? original.extensions ?? {},
  });
  return error.locations ? Object.assign(rebuilt, { locations: error.locations }) : rebuilt;
}

/** A "gateway" that serves a fixed local schema with the given executor. */
export function localGateway(schema: GraphQLSchema, executor: GatewayExecutor): GatewayInterface {
  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
}
