import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { PAGE_SECURITY_HEADERS, sendNotBuilt, StaticFiles, WEB_ROOT } from "./static-files";

const files = new StaticFiles(join(WEB_ROOT, "console"));

/**
 * `/console`: the operator console for a tenant's administrators. A static single-page app; all
 * its data comes from the public /graphql endpoint with the tenant API key, so it needs nothing
 * from the server beyond its files (and is served in production too).
 */
export async function handleConsole(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (path === "/console" || path === "/console/") {
    if (!(await files.serve(req, res, "index.html", PAGE_SECURITY_HEADERS))) sendNotBuilt(res, "operator console");
    return true;
  }
  if (path.startsWith("/console/assets/")) return files.serve(req, res, path.slice("/console/".length), PAGE_SECURITY_HEADERS);
  return false;
}
