import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createDecoder, createSigner, createVerifier, TokenError } from "fast-jwt";

const API_KEY_PREFIX = "gpk";
const ISSUER = "group-platform";
const ALGORITHM = "HS256";

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export interface NewApiKey {
  /** The whole key, shown to the caller once. */
  key: string;
  /** Public lookup part, stored in clear. */
  prefix: string;
  /** SHA-256 of the secret part; the secret itself is never stored. */
  secretHash: string;
}

/**
 * Tenant API keys look like `gpk_<prefix>_<secret>`: 72 random bits of prefix to find the row,
 * 256 random bits of secret checked against its hash. A fast hash suffices for random secrets.
 */
export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(9).toString("base64url");
  const secret = randomBytes(32).toString("base64url");
  return { key: `${API_KEY_PREFIX}_${prefix}_${secret}`, prefix, secretHash: sha256Hex(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = /^gpk_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : null;
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(`${API_KEY_PREFIX}_`);
}

export function newJwtSecret(): string {
  return randomBytes(32).toString("hex");
}

export interface UserTokenClaims {
  tenantId: string;
  userId: string;
}

export interface VerifiedClaims extends UserTokenClaims {
  /** Epoch milliseconds. */
  expiresAt: number;
  /**
   * When the token was issued, in epoch milliseconds: the `iat_ms` claim, so a revocation and a
   * token issued later in the same second tell apart; tokens without it count from `iat`.
   */
  issuedAt: number;
}

/**
 * Most tenant secrets whose signer, and tenant-and-secret pairs whose verifier, are kept (each).
 * Building one turns the secret into a node:crypto key object; a full map starts afresh.
 */
const MAX_KEYED = 1000;
const signers = new Map<string, (payload: Record<string, unknown>) => string>();
/** Verifiers by secret, then tenant (no key string built per token). */
const verifiers = new Map<string, Map<string, (token: string) => Record<string, unknown>>>();

/** `cache`'s entry for `key`, made on first use. `make` throws for a secret that cannot be a key: nothing is kept. */
function kept<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= MAX_KEYED) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** Signs a user token with the tenant's own secret: HS256 only, issuer and audience pinned. */
export async function signUserToken(
  jwtSecret: string,
  claims: UserTokenClaims,
  issuedAtMs: number,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(issuedAtMs / 1000);
  const exp = iat + ttlSeconds;
  const sign = kept(signers, jwtSecret, () => createSigner({ key: Buffer.from(jwtSecret, "hex"), algorithm: ALGORITHM }));
  // Header `{"alg":"HS256","typ":"JWT"}` and the claims in this order: the bytes jose wrote before.
  // fast-jwt keeps the given iat and exp (no expiresIn, no clock of its own).
  const token = sign({
    tid: claims.tenantId,
    iat_ms: issuedAtMs,
    iss: ISSUER,
    aud: `tenant:${claims.tenantId}`,
    sub: claims.userId,
    iat,
    exp,
    jti: randomBytes(12).toString("base64url"),
  });
  return { token, expiresAt: exp * 1000 };
}

const decodePayload: (token: string) => Record<string, unknown> = createDecoder();

/**
 * The payload of a token, unverified; null unless its three parts are base64url, its header and
 * payload JSON objects.
 */
function unverifiedPayload(token: string): Record<string, unknown> | null {
  try {
    return decodePayload(token);
  } catch {
    return null;
  }
}

/** Base64url characters of a payload's first 48 bytes: `{"tid":"` and a 36-character tenant id, and a closing quote. */
const PAYLOAD_PREFIX_CHARS = 64;
/** A payload that begins with its `tid` claim, a string of up to 36 plain characters. */
const TID_FIRST = /^\{"tid":"([0-9A-Za-z_-]{1,36})"/;

/**
 * The tenant a token claims to belong to, read before verification to pick the key: from the
 * payload's leading bytes when it begins with its `tid` (as every token signed here does), else
 * from the whole payload; null if unreadable. Only the payload segment is decoded: the verifier
 * decodes and checks the whole token (segments, header, algorithm, signature, `tid` and audience
 * against the tenant found here) next.
 */
export function claimedTenant(token: string): string | null {
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (second < 0) return null;
  // Tokens signed here name the tenant first (signUserToken): its 36 characters lie in the
  // payload's first 48 bytes, so only those are decoded. A tenant read so still has to be the
  // one the verified payload names (verifyUserToken), so a token that claims two picks one key and fails.
  if (second - first > PAYLOAD_PREFIX_CHARS) {
    const leading = TID_FIRST.exec(Buffer.from(token.slice(first + 1, first + 1 + PAYLOAD_PREFIX_CHARS), "base64url").toString("latin1"));
    if (leading) return leading[1]!;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token.slice(first + 1, second), "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const tid = payload !== null && typeof payload === "object" ? (payload as { tid?: unknown }).tid : undefined;
  return typeof tid === "string" ? tid : null;
}

/** A user token's expiry (epoch ms) as it claims it, or null; only meaningful for a token already verified. */
export function claimedExpiry(token: string): number | null {
  const exp = unverifiedPayload(token)?.exp;
  return typeof exp === "number" ? exp * 1000 : null;
}

/**
 * The tenant's verifier, built once per tenant and secret: signature (HS256 only, a synchronous
 * node:crypto HMAC), issuer and audience pinned, iss and aud required as jose required them
 * (fast-jwt skips the check of an absent claim). Its own time checks are off: fast-jwt's "now" is
 * fixed when the verifier is built (clockTimestamp) or else Date.now(), while a token is judged at
 * the caller's `nowMs` (verifyUserToken checks nbf and exp). No token cache (fast-jwt's `cache`
 * stays off): the Authenticator keeps the tokens it verified.
 */
function verifierFor(jwtSecret: string, tenantId: string): (token: string) => Record<string, unknown> {
  const bySecret = kept(verifiers, jwtSecret, () => new Map<string, (token: string) => Record<string, unknown>>());
  return kept(bySecret, tenantId, () =>
    createVerifier({
      key: Buffer.from(jwtSecret, "hex"),
      algorithms: [ALGORITHM],
      allowedIss: ISSUER,
      allowedAud: `tenant:${tenantId}`,
      requiredClaims: ["exp", "iat", "sub", "tid", "iss", "aud"],
      ignoreExpiration: true,
      ignoreNotBefore: true,
      cache: false,
    }),
  );
}

/**
 * Verifies signature, algorithm, issuer, audience and expiry against `nowMs`. Null when anything is
 * off. Time is judged as jose judged it: the current whole second, no tolerance, iat, exp and (when
 * present) nbf numbers, valid from nbf and until exp, exclusive.
 */
export function verifyUserToken(token: string, jwtSecret: string, tenantId: string, nowMs: number): VerifiedClaims | null {
  // Outside the try: a secret that cannot be a key is the caller's error, not a bad token.
  const verify = verifierFor(jwtSecret, tenantId);
  let payload: Record<string, unknown>;
  try {
    payload = verify(token);
  } catch (error) {
    if (error instanceof TokenError) return null;
    throw error;
  }
  const now = Math.floor(nowMs / 1000);
  const { iat, nbf, exp } = payload;
  if (typeof iat !== "number" || typeof exp !== "number" || exp <= now) return null;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > now)) return null;
  if (payload.tid !== tenantId || typeof payload.sub !== "string") return null;
  const iatSecond = iat * 1000;
  // iat_ms must agree with iat (same second), so it cannot claim a later issue time than the token has.
  const iatMs = typeof payload.iat_ms === "number" && Number.isInteger(payload.iat_ms) && Math.floor(payload.iat_ms / 1000) * 1000 === iatSecond ? payload.iat_ms : iatSecond;
  return { tenantId, userId: payload.sub, expiresAt: exp * 1000, issuedAt: iatMs };
}
