import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Webhook } from "standardwebhooks";
import type { WebhookConfig } from "../../src/config";

/** A self-signed certificate for 127.0.0.1 (production accepts only https endpoints), made with openssl. */
export interface LoopbackCertificate {
  cert: string;
  key: string;
  /** The certificate as a file (WEBHOOK_CA_FILE for child processes). */
  certFile: string;
  dispose(): void;
}

export function loopbackCertificate(): LoopbackCertificate {
  const dir = mkdtempSync(join(tmpdir(), "gp-webhook-tls-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ], { stdio: "ignore" });
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certFile, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One request a receiver got. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The payload as `Webhook.verify` returned it, or null when verification failed. */
  verified: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  status: number;
  /** When it arrived (ms since the epoch). */
  receivedAt: number;
}

/** A webhook receiver on 127.0.0.1 that verifies every request with standardwebhooks. */
export interface Receiver {
  url: string;
  received: Received[];
  /** The secret used to verify (set it to the endpoint's secret once created). */
  secret: string | null;
  /** Decides the answer to each request (default 204). */
  answer: (request: Omit<Received, "status" | "receivedAt">, index: number) => number | "hang";
  /** Waits until `predicate` holds (a hang detector of two minutes, not a performance bound). */
  until(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(tls: LoopbackCertificate | null): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: "",
    received: [],
    secret: null,
    answer: () => 204,
    async until(predicate, what, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`receiver: timed out waiting for ${what} (${receiver.received.length} requests so far)`);
        await sleep(20);
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const receivedAt = Date.now();
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = { "webhook-id": String(req.headers["webhook-id"] ?? ""), "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""), "webhook-signature": String(req.headers["webhook-signature"] ?? "") };
      let verified: Received["verified"] = null;
      try {
        verified = receiver.secret ? (new Webhook(receiver.secret).verify(body, headers) as Received["verified"]) : null;
      } catch {
        verified = null;
      }
      const request = { id: headers["webhook-id"], timestamp: headers["webhook-timestamp"], signature: headers["webhook-signature"], body, verified };
      const answer = receiver.answer(request, receiver.received.length);
      if (answer === "hang") {
        receiver.received.push({ ...request, status: 0, receivedAt });
        hanging.add(res);
        return;
      }
      receiver.received.push({ ...request, status: answer, receivedAt });
      res.writeHead(answer, { "content-type": "text/plain" });
      res.end("ok");
    });
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/** Webhook settings for test servers: loopback allowed, a day of retries shortened to `retryScale` of it. */
export function testWebhookConfig(tls: LoopbackCertificate | null, overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    allowPrivateTargets: true,
    retryScale: 0.00005,
    timeoutMs: 2000,
    pollMs: 50,
    concurrency: 16,
    dispatcherEnabled: true,
    extraCaPem: tls?.cert,
    ...overrides,
  };
}

export const ENDPOINT_FIELDS = "id url description eventTypes enabled createdAt";
export const DELIVERY_FIELDS = "id eventId eventType status attempts lastResponseStatus lastError nextAttemptAt";
