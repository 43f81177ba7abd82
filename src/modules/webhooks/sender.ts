import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import { Webhook } from "standardwebhooks";
import { endpointUrlProblem, guardedLookup, type TargetRules } from "./target";

/** What one webhook carries (Standard Webhooks): the event id is the `webhook-id` of every attempt. */
export interface WebhookMessage {
  /** The event's global id. */
  id: string;
  type: string;
  /** When the event happened. */
  createdAt: number;
  data: Record<string, unknown>;
}

/** How one attempt ended: the receiver's HTTP status, or why there was none. */
export interface AttemptResult {
  status: number | null;
  error: string | null;
}

export interface SenderOptions extends TargetRules {
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM) for https endpoints. */
  extraCaPem?: string;
}

/**
 * Sends webhooks with node's http/https: signed with the `standardwebhooks` library, no redirects
 * followed, one deadline for the whole attempt, and sockets that connect only to addresses the
 * target rules allow (the agents' lookup checks every resolved address).
 */
export class WebhookSender {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(private readonly options: SenderOptions) {
    const lookup = guardedLookup(options.allowPrivate) as never;
    this.http = new HttpAgent({ keepAlive: true, maxSockets: 50, lookup } as never);
    this.https = new HttpsAgent({ keepAlive: true, maxSockets: 50, lookup, ...(options.extraCaPem ? { ca: [...rootCertificates, options.extraCaPem] } : {}) } as never);
  }

  /** The body and headers of one attempt at `now`. */
  static sign(secret: string, message: WebhookMessage, now: number): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify({ type: message.type, timestamp: new Date(message.createdAt).toISOString(), data: message.data });
    const timestamp = new Date(Math.floor(now / 1000) * 1000);
    const signature = new Webhook(secret).sign(message.id, timestamp, body);
    return {
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "group-platform-webhooks/1",
        "webhook-id": message.id,
        "webhook-timestamp": String(timestamp.getTime() / 1000),
        "webhook-signature": signature,
      },
    };
  }

  /** POSTs the message; never throws. */
  send(url: string, secret: string, message: WebhookMessage, now: number): Promise<AttemptResult> {
    // IP literals are dialled without a lookup: the rules are checked here as well.
    const problem = endpointUrlProblem(url, this.options);
    if (problem) return Promise.resolve({ status: null, error: `refused: ${problem}` });
    const target = new URL(url);
    const { body, headers } = WebhookSender.sign(secret, message, now);
    const secure = target.protocol === "https:";
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const finish = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const req = (secure ? httpsRequest : httpRequest)(
        target,
        { method: "POST", agent: secure ? this.https : this.http, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
        (res) => {
          // The status decides; the body is read and dropped so the connection can be reused.
          res.resume();
          res.on("end", () => finish({ status: res.statusCode ?? null, error: null }));
          res.on("error", () => finish({ status: res.statusCode ?? null, error: null }));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        finish({ status: null, error: `no answer within ${this.options.timeoutMs} ms` });
      }, this.options.timeoutMs);
      req.on("error", (error: NodeJS.ErrnoException) => finish({ status: null, error: describe(error) }));
      req.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

function describe(error: NodeJS.ErrnoException): string {
  if (error.code === "EWEBHOOKPRIVATE") return `refused: ${error.message}`;
  return (error.code ? `${error.code}: ${error.message}` : error.message).slice(0, 500);
}
