import type { IncomingMessage, ServerResponse } from "node:http";

/** What a GraphQL client sends beyond the CORS-safelisted headers. */
const ALLOWED_HEADERS = ["content-type", "authorization", "idempotency-key", "x-request-id", "apollo-require-preflight"].join(", ");
/** Response headers a browser script may read (the safelisted ones come free). */
const EXPOSED_HEADERS = ["x-request-id", "retry-after"].join(", ");
const ALLOWED_METHODS = "GET, POST, OPTIONS";
/** How long a browser may cache a preflight answer, in seconds. */
const MAX_AGE = "600";

/**
 * CORS for `/graphql` (Fetch standard): a listed `Origin` (or any, with `*` outside production) gets
 * `Access-Control-Allow-Origin` echoing it, on preflights and on the actual request; an unlisted
 * one gets none of the Access-Control headers, so the browser withholds the response from its
 * script. Responses always carry `Vary: Origin`, as their headers depend on it. No credentials
 * mode: callers authenticate with a bearer token, not cookies. Apollo's CSRF prevention still
 * applies to the actual request (a JSON POST or `apollo-require-preflight` is what passes it).
 */
export class Cors {
  private readonly any: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes("*");
    this.origins = new Set(origins);
  }

  allows(origin: string | undefined): origin is string {
    return typeof origin === "string" && (this.any || this.origins.has(origin));
  }

  /**
   * Sets the CORS headers of a `/graphql` response. Answers a preflight (`OPTIONS`) itself and
   * returns true; otherwise returns false and the request goes on to GraphQL.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    res.setHeader("vary", "Origin");
    const allowed = this.allows(origin);
    if (allowed) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
    }
    if (req.method !== "OPTIONS") return false;
    if (allowed) {
      res.setHeader("access-control-allow-methods", ALLOWED_METHODS);
      res.setHeader("access-control-allow-headers", ALLOWED_HEADERS);
      res.setHeader("access-control-max-age", MAX_AGE);
    }
    res.writeHead(204, { allow: ALLOWED_METHODS, "content-length": "0" });
    res.end();
    return true;
  }
}
