import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { App } from "../app";
import { devStateEnabled, savedDemo, saveDemo } from "../dev-credentials";
import { type DemoCredentials, refreshDemo, rememberCredentials, seededCredentials } from "../dev-seed";
import { PAGE_SECURITY_HEADERS, sendNotBuilt, StaticFiles, WEB_ROOT } from "./static-files";

const files = new StaticFiles(join(WEB_ROOT, "explorer"));

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** True while the server would still accept this credential (seeded keys get rotated, tokens expire). */
async function stillValid(app: App, token: string): Promise<boolean> {
  try {
    await app.authenticator.authenticate(`Bearer ${token}`);
    return true;
  } catch {
    return false;
  }
}

const NOT_SEEDED = "No demo credentials are known for this database: run `npm run seed` (the explorer picks them up) or paste a token into the Headers tab.";

/**
 * The demo credentials to offer: in development the ones saved in ./data/ (so `npm run seed` in
 * another terminal is picked up, and expired tokens are renewed), else what this process seeded.
 */
async function currentDemo(app: App): Promise<DemoCredentials | undefined> {
  if (!devStateEnabled(app.config)) return seededCredentials(app);
  const saved = savedDemo(app.config) ?? seededCredentials(app);
  if (!saved) return undefined;
  const refreshed = await refreshDemo(app, saved);
  if (!refreshed) return saved; // the key no longer works: sessionFor says so
  if (refreshed.changed) saveDemo(app.config, refreshed.demo);
  rememberCredentials(app, refreshed.demo);
  return refreshed.demo;
}

/**
 * What the explorer page needs from this process: the demo credentials it seeded at start, if it
 * did and they still work. They are handed only to a browser on this machine, outside production.
 */
async function sessionFor(app: App, req: IncomingMessage) {
  const without = (hint: string) => ({ graphqlPath: "/graphql", generation: "none", demo: null, hint });
  if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) return without("Demo credentials are only shown to a browser on the machine the server runs on.");
  const demo = await currentDemo(app);
  if (!demo) return without(NOT_SEEDED);
  // `npm run seed` in another process rotates the key this process remembers.
  if (!(await stillValid(app, demo.apiKey))) {
    return without("The demo API key this server seeded has been rotated (by `npm run seed`?): paste the new credentials into the Headers tab.");
  }
  const tokens: Record<string, string> = {};
  for (const user of demo.users) if (await stillValid(app, user.token)) tokens[user.externalId] = user.token;
  return {
    graphqlPath: "/graphql",
    generation: createHash("sha256").update(demo.apiKey).digest("hex").slice(0, 12),
    demo: { tenantId: demo.tenantId, apiKey: demo.apiKey, tokens, userIds: demo.userIds },
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
    const body = JSON.stringify(await sessionFor(app, req));
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
  if (path.startsWith("/explorer/assets/")) return files.serve(req, res, path.slice("/explorer/".length), PAGE_SECURITY_HEADERS);
  return false;
}
