import assert from "node:assert/strict";
import { ErrorCode } from "../../src/common/errors";
import type { TestServer } from "./server";

/**
 * What a stack trace or a piece of SQL looks like in a response. `ER_` and `SQLITE_` (driver error
 * codes) must start a word, so the schema's own names (BAD_USER_INPUT, MEMBER_JOINED) do not match.
 */
export const INTERNALS = /\bat [A-Za-z_$][\w$.]* \(|stacktrace|SELECT |INSERT |UPDATE |\bER_|\bSQLITE_/;

/** The `extensions.code` values a client may see: the domain's, and those of the GraphQL layer. */
export const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  "UNAUTHENTICATED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "QUERY_TOO_COMPLEX",
]);

export interface RawRequest {
  method?: string;
  /** Path and query string (default /graphql). */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
}

/** One HTTP request exactly as given (no JSON encoding, no default headers beyond fetch's own). */
export async function rawRequest(server: TestServer, request: RawRequest): Promise<RawResponse> {
  const response = await fetch(`${server.base}${request.path ?? "/graphql"}`, {
    method: request.method ?? "POST",
    headers: request.headers ?? {},
    body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body,
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** A GraphQL POST with a JSON body; `token` becomes the bearer. */
export function postGraphQL(server: TestServer, body: unknown, token?: string | null, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(server, {
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
}

/** Every string a request carried (so that echoes of the caller's own input are not mistaken for leaks). */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) stringsIn(v, stringsIn(k, out));
  return out;
}

/** All `userErrors` lists anywhere in a response's data. */
function userErrorLists(value: unknown, out: unknown[][] = []): unknown[][] {
  if (Array.isArray(value)) for (const v of value) userErrorLists(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "userErrors" && Array.isArray(v)) out.push(v);
      else userErrorLists(v, out);
    }
  }
  return out;
}

function scrub(text: string, supplied: string[]): string {
  let result = text;
  for (const s of supplied) {
    if (s.length < 3) continue;
    for (const form of [s, JSON.stringify(s).slice(1, -1)]) if (result.includes(form)) result = result.split(form).join("");
  }
  return result;
}

/**
 * What every response of the server must be, whatever it was sent: not a 5xx; JSON; every error
 * with a client-facing `extensions.code` (never INTERNAL_SERVER_ERROR, which stands for a bug);
 * every userError with a code; and no stack trace or SQL in what the errors say.
 * `supplied`: the strings the request carried, which error messages may legitimately quote.
 */
export function assertHygienic(response: RawResponse, supplied: string[], label: string): void {
  const where = () => `${label}\n  → HTTP ${response.status}: ${response.text.slice(0, 600)}`;
  assert.ok(response.status < 500, `server error: ${where()}`);
  // 431: Node's HTTP parser refuses headers above 16 KB before the application sees the request.
  if (response.status === 431 && response.text === "") return;
  // A preflight (OPTIONS /graphql) is answered 204 with no body: there is nothing to say.
  if (response.status === 204 && response.text === "") return;
  // The API explorer (/ in development), the operator console and the code pages (/join/<token>,
  // /live/<token>, a 404 page for an unknown token) are HTML pages by design.
  if ((response.status === 200 || response.status === 404) && /^<!doctype html>/i.test(response.text)) return;
  assert.notEqual(response.json, undefined, `not JSON: ${where()}`);
  const errors: Array<{ message?: unknown; extensions?: { code?: unknown } }> | undefined = response.json?.errors;
  if (errors !== undefined) {
    assert.ok(Array.isArray(errors) && errors.length > 0, `errors is not a non-empty list: ${where()}`);
    for (const error of errors) {
      const code = error?.extensions?.code;
      assert.equal(typeof code, "string", `an error without extensions.code: ${where()}`);
      assert.ok(CLIENT_CODES.has(code as string), `an error with code ${String(code)}: ${where()}`);
      assert.equal(typeof error.message, "string", `an error without a message: ${where()}`);
    }
  }
  const lists = userErrorLists(response.json?.data);
  for (const list of lists) {
    // `code` is non-null in the schema; when selected it must be one a client knows.
    for (const e of list as Array<{ code?: unknown }>) if (e && "code" in e) assert.ok(typeof e.code === "string" && CLIENT_CODES.has(e.code), `a userError with code ${String(e.code)}: ${where()}`);
  }
  // Error texts are where internals would surface; data carries stored content, checked elsewhere.
  const said = response.json && typeof response.json === "object" ? JSON.stringify([response.json.errors ?? null, lists, response.json.error ?? null]) : response.text;
  const match = INTERNALS.exec(scrub(said, supplied));
  assert.equal(match, null, `internals in the response (${JSON.stringify(match?.[0])}): ${where()}`);
}
