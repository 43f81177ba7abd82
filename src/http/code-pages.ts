import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type App, requestContext } from "../app";
import { ErrorCode } from "../common/errors";
import type { RequestContext } from "../context/context";
import { isDatabaseUnavailable } from "../db/database";
import { GroupCode, LiveCode } from "../modules/code/code.entities";
import { isWellFormedToken } from "../modules/code/links";

/**
 * The pages behind a code's `url` (`/join/<token>`, `/live/<token>`): what someone who scanned the
 * QR code sees in a browser — the group (or live code), whether it can be joined now and how.
 * Static HTML: no script, every value HTML-escaped, a Content-Security-Policy that allows only the
 * page's own stylesheet, and no Referer (the URL carries the token).
 */

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
main{max-width:34rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.5rem;margin:0 0 .25rem}.meta{color:#5b6475;margin:0 0 1rem}
.ok{color:#146c2e;font-weight:600}.no{color:#a4161a;font-weight:600}
pre{background:#f0f2f5;padding:.75rem;border-radius:8px;white-space:pre-wrap;word-break:break-all;font-size:.85rem}`;
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Why a join would be refused, in words. */
const REFUSALS: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.CODE_EXPIRED]: "This code has expired.",
  [ErrorCode.CODE_REVOKED]: "This code has been switched off.",
  [ErrorCode.CODE_EXHAUSTED]: "This code has been used as many times as it may be.",
  [ErrorCode.GROUP_FULL]: "The group is full.",
  [ErrorCode.GROUP_DISSOLVED]: "The group has been dissolved.",
  [ErrorCode.FEATURE_NOT_IN_PLAN]: "This kind of code is not available on the group's plan.",
  [ErrorCode.CODE_TYPE_NOT_ALLOWED]: "This kind of code is not available on the group's plan.",
  [ErrorCode.NOT_PERMITTED]: "The group is not open to joins right now.",
};

interface PageContent {
  title: string;
  meta: string;
  refusal: ErrorCode | null;
  mutation: string;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body></html>
`;
}

function codePage(content: PageContent, token: string): string {
  const status =
    content.refusal === null
      ? `<p class="ok" data-joinable="true">You can join now.</p>`
      : `<p class="no" data-joinable="false">${escapeHtml(REFUSALS[content.refusal] ?? "Joining is not possible right now.")} <small>(${escapeHtml(content.refusal)})</small></p>`;
  const call = `mutation {\n  ${content.mutation}(input: { token: "${token}" }) {\n    group { id name }\n    member { role }\n    userErrors { code message }\n  }\n}`;
  return page(
    `Join ${content.title}`,
    `<h1>${escapeHtml(content.title)}</h1>
<p class="meta">${escapeHtml(content.meta)}</p>
${status}
<h2>How to join</h2>
<ol>
<li>Open this link on your phone, in the app you are signed in to: it shows this page's group with a Join button.</li>
<li>Or, from a client signed in as you (a user token), call:
<pre><code>${escapeHtml(call)}</code></pre></li>
</ol>`,
  );
}

const NOT_FOUND_PAGE = page("Link not found", `<h1>This link does not lead to a group</h1>\n<p class="meta">The code may have been mistyped, or it never existed. Ask for a new code.</p>`);
const FAILED_PAGE = page("Try again", `<h1>Something went wrong</h1>\n<p class="meta">The group could not be looked up just now. Try again in a moment.</p>`);

function send(req: IncomingMessage, res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : html);
}

const ROUTE = /^\/(join|live)\/([^/]*)$/;

/** Serves `GET /join/<token>` and `GET /live/<token>`; returns false for any other request. */
export async function handleCodePage(app: App, req: IncomingMessage, res: ServerResponse, path: string, requestId: string): Promise<boolean> {
  const match = ROUTE.exec(path);
  if (!match || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const [, kind, token] = match;
  try {
    const content = isWellFormedToken(token) ? await (kind === "join" ? groupCodeContent(app, token, requestId) : liveCodeContent(app, token, requestId)) : null;
    if (!content) send(req, res, 404, NOT_FOUND_PAGE);
    else send(req, res, 200, codePage(content, token));
  } catch (error) {
    app.log.error({ err: error, reqId: requestId }, "code page failed");
    send(req, res, isDatabaseUnavailable(error) ? 503 : 500, FAILED_PAGE);
  }
  return true;
}

/** A context for the code's own tenant, with no caller: the page is public to whoever holds the link. */
async function contextFor(app: App, tenantId: string, requestId: string): Promise<RequestContext | null> {
  const tenant = await app.tenants.findTenant(tenantId);
  return tenant && requestContext(app, requestId, app.log.child({ reqId: requestId }), { kind: "ANONYMOUS" }, tenant);
}

async function groupCodeContent(app: App, token: string, requestId: string): Promise<PageContent | null> {
  const code = await app.db.read((em) => em.findOneBy(GroupCode, { token }));
  const ctx = code && (await contextFor(app, code.tenantId, requestId));
  const preview = ctx && (await app.db.read((em) => app.groupCodes.preview(ctx, em, token)));
  if (!preview) return null;
  const members = `${preview.memberCount} ${preview.memberCount === 1 ? "member" : "members"}`;
  return { title: preview.groupName, meta: `Group · ${members}`, refusal: preview.refusal, mutation: "joinGroupByCode" };
}

async function liveCodeContent(app: App, token: string, requestId: string): Promise<PageContent | null> {
  const code = await app.db.read((em) => em.findOneBy(LiveCode, { token }));
  const ctx = code && (await contextFor(app, code.tenantId, requestId));
  const preview = ctx && (await app.db.read((em) => app.liveCodes.preview(ctx, em, token)));
  if (!preview) return null;
  return { title: preview.name, meta: "Live code · joiners are placed in the first of its groups with room", refusal: preview.refusal, mutation: "joinByLiveCode" };
}
