import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** A request refused before GraphQL sees it (body too large): answered with its status and BAD_REQUEST. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`);
  // Events rather than an async iterator over the stream (one promise per chunk); past the limit the
  // request is destroyed, as leaving such a loop would.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.destroy();
        reject(new HttpError(413, `Request body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A UTF-16 code unit of a surrogate pair standing alone: JSON can carry it (`"\\ud800"`), UTF-8 cannot. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The path of the first string (or key) in a parsed body holding a lone surrogate, or null. Such a
 * string cannot be stored: both drivers write it as U+FFFD, so the row would differ from what the
 * server returned, hashed and signed. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function illFormedStringPath(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, "body"]];
  while (stack.length) {
    const [item, path] = stack.pop()!;
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) return path;
    } else if (item !== null && typeof item === "object") {
      for (const [key, child] of Object.entries(item)) {
        if (LONE_SURROGATE.test(key)) return path;
        stack.push([child, Array.isArray(item) ? `${path}[${key}]` : `${path}.${key}`]);
      }
    }
  }
  return null;
}

export function graphQLErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}
