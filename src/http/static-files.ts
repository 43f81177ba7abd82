import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ttf": "font/ttf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/**
 * The pages only load what this server serves: no CDN, no inline script, no other origin. Styles
 * may be inline because the editor and chart libraries set element styles.
 */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** The built browser bundles: dist/web next to dist/src (see web/build.mjs). */
export const WEB_ROOT = join(__dirname, "../../web");

/**
 * Serves files under one directory of the build output. Paths are normalised and must stay inside
 * it; files are read per request (they are small, and a rebuild shows up without a restart) and
 * revalidated with an ETag.
 */
export class StaticFiles {
  constructor(private readonly root: string) {}

  /** Answers with the file at `relative`, or returns false when there is none (the caller 404s). */
  async serve(req: IncomingMessage, res: ServerResponse, relative: string, headers: Record<string, string> = {}): Promise<boolean> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(relative);
    } catch {
      return false;
    }
    if (decoded.includes("\0")) return false;
    const path = normalize(join(this.root, decoded));
    if (!path.startsWith(this.root + sep)) return false;
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return false;
    }
    const etag = `"${createHash("sha1").update(body).digest("base64url")}"`;
    const common = { etag, "cache-control": "no-cache", ...headers };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, common);
      res.end();
      return true;
    }
    res.writeHead(200, { ...common, "content-type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream", "content-length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
}

/** What a page route answers when the bundles were not built (tsc alone does not build them). */
export function sendNotBuilt(res: ServerResponse, what: string): void {
  res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
  res.end(`The ${what} is not built: run \`npm run build\`.\n`);
}
