import assert from "node:assert/strict";
import { createHmac, createSign, generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { claimedExpiry, claimedTenant, newJwtSecret, signUserToken, verifyUserToken } from "../../src/auth/credentials";

const SECRET = "9c1e5a7b3d2f40818a6b4c2d0e1f3a5b7c9d0e2f4a6b8c0d1e3f5a7b9c2d4e6f";
const TENANT = "4b0c2f6e-8a1d-4e3b-9c5f-7d2a1b0e6c93";
const OTHER_TENANT = "a7e1d3c5-2b4f-4a6e-8d0c-1f3b5d7e9a2c";
const USER = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
const ISSUED_MS = Date.parse("2026-06-01T00:00:00.123Z");
const IAT = Math.floor(ISSUED_MS / 1000);
const EXP = IAT + 3600;
const NOW = ISSUED_MS + 60_000;

/**
 * Minted once by the jose-based signUserToken (jose 6.2.18) with SECRET, TENANT, USER, ISSUED_MS,
 * a TTL of 3600 s and jti AAECAwQFBgcICQoL: a token issued before the switch to fast-jwt.
 */
const JOSE_TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
  "eyJ0aWQiOiI0YjBjMmY2ZS04YTFkLTRlM2ItOWM1Zi03ZDJhMWIwZTZjOTMiLCJpYXRfbXMiOjE3ODAyNzIwMDAxMjMsImlzcyI6Imdyb3VwLXBsYXRmb3JtIiwiYXVkIjoidGVuYW50OjRiMGMyZjZlLThhMWQtNGUzYi05YzVmLTdkMmExYjBlNmM5MyIsInN1YiI6IjBmOWU4ZDdjLTZiNWEtNGMzZC04ZTJmLTFhMGI5YzhkN2U2ZiIsImlhdCI6MTc4MDI3MjAwMCwiZXhwIjoxNzgwMjc1NjAwLCJqdGkiOiJBQUVDQXdRRkJnY0lDUW9MIn0." +
  "ZNGoaSDLGPHUpT3FhiLhxYof2vUtTFnrD4yeUsODyMA";

const HEADER = { alg: "HS256", typ: "JWT" };

function b64(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

function decodePart(token: string, index: number): any {
  return JSON.parse(Buffer.from(token.split(".")[index], "base64url").toString("utf8"));
}

/** The claims signUserToken writes, in the order jose wrote them; `overrides` replace or add claims. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { tid: TENANT, iat_ms: ISSUED_MS, iss: "group-platform", aud: `tenant:${TENANT}`, sub: USER, iat: IAT, exp: EXP, jti: "AAECAwQFBgcICQoL", ...overrides };
}

function without(claim: string): Record<string, unknown> {
  const { [claim]: _, ...rest } = claims();
  return rest;
}

/** A token signed by hand with node:crypto: HMAC-SHA256 (or another hash) over `header.payload`. */
function hmacToken(payload: unknown, { header = HEADER as Record<string, unknown>, secret = SECRET, hash = "sha256" } = {}): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac(hash, Buffer.from(secret, "hex")).update(body).digest("base64url")}`;
}

const verify = (token: string, nowMs = NOW, tenantId = TENANT, secret = SECRET) => verifyUserToken(token, secret, tenantId, nowMs);
const VALID = { tenantId: TENANT, userId: USER, expiresAt: EXP * 1000, issuedAt: ISSUED_MS };

describe("user tokens (signUserToken, verifyUserToken)", () => {
  it("verifies a token signUserToken issued, synchronously, with its issue time to the millisecond", async () => {
    const { token, expiresAt } = await signUserToken(SECRET, { tenantId: TENANT, userId: USER }, ISSUED_MS, 3600);
    assert.equal(expiresAt, EXP * 1000);
    const result = verify(token);
    assert.ok(!(result instanceof Promise), "verification is synchronous");
    assert.deepEqual(result, VALID);
  });

  it("signs exactly what the jose version signed: header, claims and their order, HMAC over the hex-decoded secret", async () => {
    const { token } = await signUserToken(SECRET, { tenantId: TENANT, userId: USER }, ISSUED_MS, 3600);
    assert.deepEqual(decodePart(token, 0), HEADER);
    const jti = decodePart(token, 1).jti;
    assert.match(jti, /^[A-Za-z0-9_-]{16}$/, "12 random bytes, base64url");
    assert.equal(token, hmacToken(claims({ jti })), "byte for byte the token built by hand");
    assert.equal(Object.keys(decodePart(token, 1)).join(), "tid,iat_ms,iss,aud,sub,iat,exp,jti");
    assert.equal(hmacToken(claims()), JOSE_TOKEN, "the hand-built shape is the one jose wrote");
    const second = await signUserToken(SECRET, { tenantId: TENANT, userId: USER }, ISSUED_MS, 3600);
    assert.notEqual(decodePart(second.token, 1).jti, jti, "a fresh jti per token");
  });

  it("still verifies tokens the jose version issued", () => {
    assert.deepEqual(verify(JOSE_TOKEN), VALID);
    assert.deepEqual(verify(hmacToken(claims())), VALID);
  });

  it("judges expiry by the given instant in whole seconds, as jose did: valid until exp, exclusive", () => {
    const token = hmacToken(claims());
    assert.deepEqual(verify(token, EXP * 1000 - 1), VALID);
    assert.equal(verify(token, EXP * 1000), null);
    assert.equal(verify(token, EXP * 1000 + 3_600_000), null);
    // The caller's clock, not the machine's: a token that expired in 2001 is valid in 2000.
    const old = hmacToken(claims({ iat: 978_307_200, iat_ms: 978_307_200_000, exp: 1_000_000_000 }));
    assert.equal(verify(old), null);
    assert.equal(verify(old, 978_307_200_000)?.userId, USER);
    // … and a token valid from 2100 is valid in 2100 (not judged by the machine's clock either way).
    const future = hmacToken(claims({ iat: 4_102_444_800, iat_ms: 4_102_444_800_000, nbf: 4_102_444_800, exp: 4_102_448_400 }));
    assert.equal(verify(future), null);
    assert.equal(verify(future, 4_102_444_800_000)?.issuedAt, 4_102_444_800_000);
    // A fractional exp is compared with the current whole second, as jose compared it.
    const fractional = hmacToken(claims({ exp: EXP + 0.5 }));
    assert.equal(verify(fractional, EXP * 1000 + 999)?.expiresAt, EXP * 1000 + 500);
    assert.equal(verify(fractional, (EXP + 1) * 1000), null);
  });

  it("refuses a token before its nbf, and an nbf that is not a number", () => {
    const nbf = Math.floor(NOW / 1000) + 10;
    const token = hmacToken(claims({ nbf }));
    assert.equal(verify(token), null, "not yet valid");
    assert.equal(verify(token, nbf * 1000 - 1), null);
    assert.deepEqual(verify(token, nbf * 1000), VALID, "valid from nbf on");
    assert.deepEqual(verify(hmacToken(claims({ nbf: IAT }))), VALID);
    assert.equal(verify(hmacToken(claims({ nbf: Math.floor(NOW / 1000) + 0.5 })), Math.floor(NOW / 1000) * 1000 + 900), null, "whole seconds");
    assert.equal(verify(hmacToken(claims({ nbf: String(IAT) }))), null);
    assert.equal(verify(hmacToken(claims({ nbf: null }))), null);
  });

  it("refuses a signature made with another secret, or with the right secret in another encoding", () => {
    assert.equal(verify(hmacToken(claims(), { secret: newJwtSecret() })), null);
    const body = `${b64(HEADER)}.${b64(claims())}`;
    assert.equal(verify(`${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`), null, "the hex string as UTF-8 bytes");
    assert.equal(verify(JOSE_TOKEN, NOW, TENANT, newJwtSecret()), null, "after the tenant's secret changed");
  });

  it("accepts HS256 only: alg none, HS384, HS512, RS256 and a missing alg are refused", () => {
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`;
    assert.equal(verify(unsigned), null);
    assert.equal(verify(`${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.${JOSE_TOKEN.split(".")[2]}`), null);
    assert.equal(verify(`${JOSE_TOKEN.split(".").slice(0, 2).join(".")}.`), null, "HS256 without its signature");
    assert.equal(verify(hmacToken(claims(), { header: { alg: "HS384", typ: "JWT" }, hash: "sha384" })), null);
    assert.equal(verify(hmacToken(claims(), { header: { alg: "HS512", typ: "JWT" }, hash: "sha512" })), null);
    assert.equal(verify(hmacToken(claims(), { header: { alg: "HS512", typ: "JWT" } })), null, "HS512 header over an HS256 MAC");
    assert.equal(verify(hmacToken(claims(), { header: { typ: "JWT" } })), null);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const body = `${b64({ alg: "RS256", typ: "JWT" })}.${b64(claims())}`;
    assert.equal(verify(`${body}.${createSign("RSA-SHA256").update(body).sign(privateKey).toString("base64url")}`), null);
    // A header naming critical extensions nobody here understands.
    assert.equal(verify(hmacToken(claims(), { header: { ...HEADER, crit: ["exp"], exp: 1 } })), null);
  });

  it("pins the issuer and the audience to the tenant", () => {
    assert.equal(verify(hmacToken(claims({ iss: "someone-else" }))), null);
    assert.equal(verify(hmacToken(claims({ iss: ["group-platform"] }))), null);
    assert.equal(verify(hmacToken(claims({ aud: `tenant:${OTHER_TENANT}` }))), null, "another tenant's audience");
    assert.equal(verify(hmacToken(claims({ aud: TENANT }))), null);
    assert.equal(verify(hmacToken(claims({ aud: [] }))), null);
    // jose accepted an audience list that includes the tenant's; so does this.
    assert.deepEqual(verify(hmacToken(claims({ aud: [`tenant:${OTHER_TENANT}`, `tenant:${TENANT}`] }))), VALID);
    // One secret for two tenants (never the case, but the cached verifier must not mix them up).
    const other = hmacToken(claims({ tid: OTHER_TENANT, aud: `tenant:${OTHER_TENANT}` }));
    assert.equal(verify(other, NOW, OTHER_TENANT)?.tenantId, OTHER_TENANT);
    assert.equal(verify(other, NOW, TENANT), null);
    assert.equal(verify(JOSE_TOKEN, NOW, OTHER_TENANT), null);
    assert.deepEqual(verify(JOSE_TOKEN, NOW, TENANT), VALID);
  });

  for (const claim of ["exp", "iat", "sub", "tid", "iss", "aud"]) {
    it(`refuses a token without ${claim}`, () => {
      assert.equal(verify(hmacToken(without(claim))), null);
    });
  }

  it("refuses claims of the wrong type", () => {
    for (const [claim, value] of [
      ["exp", String(EXP)],
      ["exp", null],
      ["iat", String(IAT)],
      ["iat", null],
      ["sub", 42],
      ["sub", null],
      ["tid", 42],
      ["aud", 42],
      ["iss", null],
    ] as const) {
      assert.equal(verify(hmacToken(claims({ [claim]: value }))), null, `${claim}: ${JSON.stringify(value)}`);
    }
  });

  it("refuses a tid other than the tenant's, even with the tenant's audience", () => {
    assert.equal(verify(hmacToken(claims({ tid: OTHER_TENANT }))), null);
    assert.equal(verify(hmacToken(claims({ tid: OTHER_TENANT, aud: `tenant:${OTHER_TENANT}` }))), null);
  });

  it("takes the issue time from iat_ms only when it agrees with iat", () => {
    const at = (overrides: Record<string, unknown>) => verify(hmacToken(claims(overrides)))?.issuedAt;
    assert.equal(at({}), ISSUED_MS);
    assert.equal(at({ iat_ms: ISSUED_MS + 1000 }), IAT * 1000, "a later second than iat");
    assert.equal(at({ iat_ms: ISSUED_MS - 1000 }), IAT * 1000, "an earlier second than iat");
    assert.equal(at({ iat_ms: ISSUED_MS + 0.5 }), IAT * 1000, "not an integer");
    assert.equal(at({ iat_ms: String(ISSUED_MS) }), IAT * 1000);
    assert.equal(at({ iat_ms: undefined }), IAT * 1000, "absent");
    assert.equal(at({ iat_ms: IAT * 1000 + 999 }), IAT * 1000 + 999);
  });

  it("answers null, never throws, for malformed tokens", () => {
    const [h, p, s] = JOSE_TOKEN.split(".");
    const malformed = [
      "",
      "hello",
      "a.b",
      "a.b.c",
      "..",
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `${h}.${p}.${s}.`,
      `${h}.${p}.${s.slice(0, -2)}`,
      `${h}.${p}.${s}x`,
      `${h}.${p}=.${s}`,
      `${h}.${p} .${s}`,
      `${h}.${p.slice(0, -1)}.${s}`,
      `${h}.${b64("not json")}.${s}`,
      `${b64("not json")}.${p}.${s}`,
      hmacToken("not json"),
      hmacToken([claims()]),
      hmacToken(null),
      hmacToken(42),
      hmacToken(claims(), { header: [HEADER] as any }),
      hmacToken(claims(), { header: "HS256" as any }),
      `${h}.${p}.${"A".repeat(4096)}`,
      JOSE_TOKEN.replace(/\./g, ".."),
      ` ${JOSE_TOKEN}`,
    ];
    for (const token of malformed) assert.equal(verify(token), null, JSON.stringify(token));
    assert.deepEqual(verify(JOSE_TOKEN), VALID, "the intact token still verifies");
  });

  it("refuses, unlike jose, odd shapes that only the tenant's secret could sign (signUserToken never writes them)", () => {
    const signed = (body: string) => `${body}.${createHmac("sha256", Buffer.from(SECRET, "hex")).update(body).digest("base64url")}`;
    // Base64 padding in a segment (jose, through atob on Node 20, read past it).
    const paddedPayload = Buffer.from(JSON.stringify(claims())).toString("base64");
    assert.match(paddedPayload, /=$/);
    assert.equal(verify(signed(`${b64(HEADER)}.${paddedPayload}`)), null);
    const body = `${b64(HEADER)}.${b64(claims())}`;
    assert.equal(verify(`${body}.${createHmac("sha256", Buffer.from(SECRET, "hex")).update(body).digest("base64")}`), null);
    // The b64 extension declared critical (jose understood it), an audience list with a non-string.
    assert.equal(verify(hmacToken(claims(), { header: { ...HEADER, crit: ["b64"], b64: true } })), null);
    assert.equal(verify(hmacToken(claims({ aud: [`tenant:${TENANT}`, 5] }))), null);
  });

  it("throws for a secret that cannot be a key (a programming error, not a bad token)", () => {
    assert.throws(() => verifyUserToken(JOSE_TOKEN, "", TENANT, NOW));
    assert.throws(() => verifyUserToken(JOSE_TOKEN, "not hex", TENANT, NOW));
    assert.deepEqual(verify(JOSE_TOKEN), VALID);
  });

  it("keeps verifying across more secrets than it keeps verifiers for", () => {
    const secrets = Array.from({ length: 1200 }, () => newJwtSecret());
    const tokens = secrets.map((secret) => hmacToken(claims(), { secret }));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < secrets.length; i += 1) assert.deepEqual(verify(tokens[i], NOW, TENANT, secrets[i]), VALID);
    }
    assert.equal(verify(tokens[0], NOW, TENANT, secrets[1]), null);
  });
});

describe("claimedTenant, claimedExpiry (unverified)", () => {
  it("read tid and exp of a token without checking it", () => {
    assert.equal(claimedTenant(JOSE_TOKEN), TENANT);
    assert.equal(claimedExpiry(JOSE_TOKEN), EXP * 1000);
    const forged = hmacToken(claims({ tid: OTHER_TENANT, exp: 5 }), { secret: newJwtSecret() });
    assert.equal(claimedTenant(forged), OTHER_TENANT);
    assert.equal(claimedExpiry(forged), 5000);
  });

  it("read the tenant from the payload's leading bytes when it names it first, as tokens signed here do; a payload naming two tenants verifies under neither", async () => {
    const { token } = await signUserToken(SECRET, { tenantId: TENANT, userId: "u-1" }, NOW, 3600);
    assert.ok(Buffer.from(token.split(".")[1]!, "base64url").toString().startsWith(`{"tid":"${TENANT}"`));
    assert.equal(claimedTenant(token), TENANT);
    // The leading bytes name TENANT, the parsed payload (the last `tid`) OTHER_TENANT: whichever key is picked, it fails.
    const twice = `{"tid":"${TENANT}","tid":"${OTHER_TENANT}","iss":"group-platform","aud":"tenant:${TENANT}","sub":"u-1","iat":${Math.floor(NOW / 1000)},"exp":${Math.floor(NOW / 1000) + 3600}}`;
    const header = Buffer.from(JSON.stringify(HEADER)).toString("base64url");
    const body = `${header}.${Buffer.from(twice).toString("base64url")}`;
    const forged = `${body}.${createHmac("sha256", Buffer.from(SECRET, "hex")).update(body).digest("base64url")}`;
    assert.equal(claimedTenant(forged), TENANT);
    assert.equal(verify(forged, NOW, TENANT), null);
    assert.equal(verify(forged, NOW, OTHER_TENANT), null);
  });

  it("answer null for anything unreadable or of the wrong type", () => {
    for (const token of ["", "hello", "a.b", "a.b.c", `${b64(HEADER)}.${b64("[1]")}.x`, `${b64(HEADER)}.${b64("null")}.x`, `${b64(HEADER)}.${b64("{")}.x`]) {
      assert.equal(claimedTenant(token), null, token);
      assert.equal(claimedExpiry(token), null, token);
    }
    assert.equal(claimedTenant(hmacToken(without("tid"))), null);
    assert.equal(claimedTenant(hmacToken(claims({ tid: 42 }))), null);
    assert.equal(claimedExpiry(hmacToken(without("exp"))), null);
    assert.equal(claimedExpiry(hmacToken(claims({ exp: String(EXP) }))), null);
  });
});
