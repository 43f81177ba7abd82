import { Lexer, Source, TokenKind } from "graphql";

export type OperationType = "query" | "mutation" | "subscription";

const OPERATION_KEYWORDS = new Set<string>(["query", "mutation", "subscription"]);

/**
 * The type of the operation a request body would run, found with graphql's lexer alone (one pass
 * over the tokens, no AST): the operation named by `operationName`, else the document's only
 * operation. Null when the body names no runnable operation (not a document, a syntax error, an
 * unknown name, several operations and no name) — Apollo refuses such a request without running
 * anything. Stops after `maxTokens` tokens, as the parser would.
 */
export function operationTypeOf(body: unknown, maxTokens = 5000): OperationType | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== "string") return null;
  const wanted = typeof operationName === "string" && operationName !== "" ? operationName : null;
  const operations: Array<{ type: OperationType; name: string | null }> = [];
  try {
    const lexer = new Lexer(new Source(query));
    let braces = 0; // selection-set depth
    let parens = 0; // variable definitions at the top level (their default values may hold braces)
    let atDefinition = true; // the next top-level token starts a definition
    let naming: { type: OperationType; name: string | null } | null = null;
    for (let count = 0; ; count++) {
      if (count > maxTokens) return null;
      const token = lexer.advance();
      if (token.kind === TokenKind.EOF) break;
      if (braces === 0 && parens === 0) {
        if (token.kind === TokenKind.NAME && atDefinition) {
          atDefinition = false;
          naming = OPERATION_KEYWORDS.has(token.value) ? { type: token.value as OperationType, name: null } : null;
          if (naming) operations.push(naming);
          continue;
        }
        if (token.kind === TokenKind.NAME && naming) {
          naming.name = token.value;
          naming = null;
          continue;
        }
        naming = null;
        if (token.kind === TokenKind.BRACE_L && atDefinition) operations.push({ type: "query", name: null }); // `{ … }` shorthand
        atDefinition = false;
      }
      if (token.kind === TokenKind.PAREN_L && braces === 0) parens++;
      else if (token.kind === TokenKind.PAREN_R && braces === 0) parens--;
      else if (token.kind === TokenKind.BRACE_L && parens === 0) braces++;
      else if (token.kind === TokenKind.BRACE_R && parens === 0 && --braces === 0) atDefinition = true;
    }
    // An unfinished document (the lexer does not mind, the parser does) runs nothing either.
    if (braces !== 0 || parens !== 0 || naming) return null;
  } catch {
    return null; // a syntax error: Apollo answers 400 and runs nothing
  }
  if (wanted !== null) {
    const named = operations.filter((op) => op.name === wanted);
    return named.length === 1 ? named[0].type : null;
  }
  return operations.length === 1 ? operations[0].type : null;
}
