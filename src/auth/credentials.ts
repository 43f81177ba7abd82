import { createHash, randomBytes, timingSafeEqual, webcrypto } from "node:crypto";
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from "jose";

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

/** Signs a user token with the tenant's own secret: HS256 only, issuer and audience pinned. */
export async function signUserToken(
  jwtSecret: string,
  claims: UserTokenClaims,
  issuedAtMs: number,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(issuedAtMs / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT({ tid: claims.tenantId, iat_ms: issuedAtMs })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(`tenant:${claims.tenantId}`)
    .setSubject(claims.userId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(randomBytes(12).toString("base64url"))
    .sign(Buffer.from(jwtSecret, "hex"));
  return { token, expiresAt: exp * 1000 };
}

/** The tenant a token claims to belong to, read before verification to pick the key. Null if unreadable. */
export function claimedTenant(token: string): string | null {
  try {
    const payload = decodeJwt(token);
    return typeof payload.tid === "string" ? payload.tid : null;
  } catch {
    return null;
  }
}

/** A user token's expiry (epoch ms) as it claims it, or null; only meaningful for a token already verified. */
export function claimedExpiry(token: string): number | null {
  try {
    const payload = decodeJwt(token);
    return typeof payload.exp === "number" ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Most tenant secrets whose imported verification keys are kept. */
const MAX_VERIFY_KEYS = 1000;
const verifyKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

/**
 * The tenant secret as a WebCrypto HMAC key, imported once: given the raw bytes, jose imports the
 * key again for every token it verifies (a measured share of a code join's CPU, where each joiner
 * brings a token not seen before).
 */
function verifyKey(jwtSecret: string): Promise<webcrypto.CryptoKey> {
  let key = verifyKeys.get(jwtSecret);
  if (!key) {
    if (verifyKeys.size >= MAX_VERIFY_KEYS) verifyKeys.clear();
    key = webcrypto.subtle.importKey("raw", Buffer.from(jwtSecret, "hex"), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    verifyKeys.set(jwtSecret, key);
    // A secret that cannot be imported is tried afresh next time, not remembered as a failure.
    key.catch(() => verifyKeys.delete(jwtSecret));
  }
  return key;
}

/** Verifies signature, algorithm, issuer, audience and expiry against `nowMs`. Null when anything is off. */
export async function verifyUserToken(token: string, jwtSecret: string, tenantId: string, nowMs: number): Promise<VerifiedClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await verifyKey(jwtSecret), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: `tenant:${tenantId}`,
      currentDate: new Date(nowMs),
      requiredClaims: ["exp", "iat", "sub", "tid"],
    });
    if (payload.tid !== tenantId || typeof payload.sub !== "string") return null;
    const iat = (payload.iat ?? 0) * 1000;
    // iat_ms must agree with iat (same second), so it cannot claim a later issue time than the token has.
    const iatMs = typeof payload.iat_ms === "number" && Number.isInteger(payload.iat_ms) && Math.floor(payload.iat_ms / 1000) * 1000 === iat ? payload.iat_ms : iat;
    return { tenantId, userId: payload.sub, expiresAt: (payload.exp ?? 0) * 1000, issuedAt: iatMs };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return null;
    throw error;
  }
}
