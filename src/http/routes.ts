import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../app";
import { handleConsole } from "./console";
import { handleExplorer } from "./explorer";
import type { Metrics } from "./metrics";

/** Handles a request and returns true, or returns false to let the server's own routes answer. */
export type Route = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/**
 * The operator-facing routes beside `/graphql`, kept out of server.ts so the request path there
 * stays small: Prometheus metrics, the operator console and (outside production) the API explorer.
 */
export function operatorRoutes(app: App, metrics: Metrics): Route {
  return async (req, res, path) => {
    if (path === "/metrics" && req.method === "GET") {
      await metrics.handle(req, res);
      return true;
    }
    return (await handleConsole(req, res, path)) || handleExplorer(app, req, res, path);
  };
}
