import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type GraphQLResponse, type Operation, operationText, production, serverMode, testEvidenceKey } from "./server";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ApiProcess {
  url: string;
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `npm start`'s entry point as a separate OS process and waits for /healthz. */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  // TEST_API_LOGS=<dir>: keep each process's log (pino writes to stdout) as <dir>/api-<port>.log.
  const logDir = process.env.TEST_API_LOGS;
  const stdout = logDir ? openSync(join(logDir, `api-${port}.log`), "a") : "ignore";
  const child = spawn(process.execPath, [join(__dirname, "../../src/main.js")], {
    env: { ...process.env, NODE_ENV: serverMode, ...(production ? { EVIDENCE_SIGNING_KEY: testEvidenceKey } : {}), LOG_LEVEL: "warn", PORT: String(port), ...env },
    stdio: ["ignore", stdout, "pipe"],
  });
  if (typeof stdout === "number") closeSync(stdout);
  const base = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(child, `${base}/healthz`, "API process");
  return { url: `${base}/graphql`, base, child, stop: () => stopProcess(child) };
}

/**
 * Polls `healthUrl` until it answers 200; fails with the child's stderr if it exits, or after two
 * minutes (a hang detector: starting takes seconds, longer on a busy machine).
 */
export async function waitUntilHealthy(child: ChildProcess, healthUrl: string, what: string): Promise<void> {
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`${what} exited: ${stderr}`);
    try {
      if ((await fetch(healthUrl)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${what} did not become healthy within 2 minutes: ${stderr}`);
}

/** True once the child has ended, by exiting or by a signal (then `exitCode` stays null). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when the child has ended, also when it already had. */
export async function exited(child: ChildProcess): Promise<void> {
  if (!hasExited(child)) await new Promise((resolve) => child.once("exit", resolve));
}

/** SIGTERM, then waits for the exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  child.kill("SIGTERM");
  await exited(child);
}

/** POSTs an operation to the API at `url`: a typed document gives typed data and checked variables (see TestServer.gql). */
export function gqlAt<Result, Variables>(url: string, document: TypedDocumentNode<Result, Variables>, variables: NoInfer<Variables>, token: string): Promise<Omit<GraphQLResponse<Result>, "headers">>;
export function gqlAt(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<any>;
export async function gqlAt(url: string, operation: Operation, variables: object, token: string): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: operationText(operation), variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}
