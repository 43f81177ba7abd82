import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { App } from "../app";
import { seededCredentials } from "../dev-seed";
import { PAGE_SECURITY_HEADERS, sendNotBuilt, StaticFiles, WEB_ROOT } from "./static-files";

const files = new StaticFiles(join(WEB_ROOT, "explorer"));

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * What the explorer page needs from this process: the demo credentials it seeded at start, if it
 * did. They are handed only to a browser on this machine, and only outside production.
 */
function sessionFor(app: App, req: IncomingMessage) {
  const demo = seededCredentials(app);
  const local = LOOPBACK.has(req.socket.remoteAddress ?? "");
  if (!demo || !local) {
    return {
      graphqlPath: "/graphql",
      generation: "none",
      demo: null,
      hint: demo
        ? "Demo credentials are only shown to a browser on the machine the server runs on."
        : "This server did not seed the demo tenant in this run: run `npm run seed` and paste a printed token into the Headers tab.",
    };
  }
  return {
    graphqlPath: "/graphql",
    generation: createHash("sha256").update(demo.apiKey).digest("hex").slice(0, 12),
    demo: {
      tenantId: demo.tenantId,
      apiKey: demo.apiKey,
      tokens: Object.fromEntries(demo.users.map((u) => [u.externalId, u.token])),
      userIds: demo.userIds,
    },
    hint: null,
  };
}

/**
 * `/` in development (and tests): GraphiQL with the example operations of examples/ and the demo
 * credentials. In production `/` stays the JSON service description and none of this is served.
 */
export async function handleExplorer(app: App, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (app.config.env === "production" || (req.method !== "GET" && req.method !== "HEAD")) return false;
  if (path === "/") {
    if (!(await files.serve(req, res, "index.html", PAGE_SECURITY_HEADERS))) sendNotBuilt(res, "API explorer");
    return true;
  }
  if (path === "/explorer/session.json") {
    const body = JSON.stringify(sessionFor(app, req));
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
  if (path.startsWith("/explorer/assets/")) return files.serve(req, res, path.slice("/explorer/".length), PAGE_SECURITY_HEADERS);
  return false;
}
