import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { toGlobalId } from "../../common/global-id";

/** A signed tree head: the root of a group's log at some size, signed by the server. */
export interface TreeHead {
  /** The group's internal row id (v2 signs its global id, computed from it). */
  groupRowId: string;
  treeSize: number;
  rootHash: string;
  /** Epoch milliseconds. */
  signedAt: number;
}

/**
 * Formats of the signed bytes. v1 (heads signed before v2 existed) named the group's internal row
 * id and epoch milliseconds, which the API never shows; v2 uses only values the API returns.
 */
export type HeadVersion = 1 | 2;
export const CURRENT_HEAD_VERSION: HeadVersion = 2;

/** A tree head exactly as the API returns it (`Group.evidence`, `EvidenceHead`). */
export interface ExposedTreeHead {
  /** The group's global id (`Group.id`). */
  groupId: string;
  treeSize: number;
  /** Hex SHA-256 root. */
  rootHash: string;
  /** ISO-8601 UTC with milliseconds, as the DateTime scalar serialises it. */
  signedAt: string;
}

/**
 * The v2 bytes, from the API's own values only:
 * `group-platform/evidence/v2\n<Group.id>\n<treeSize>\n<signedAt ISO-8601>\n<rootHash hex>` (UTF-8).
 */
export function exposedTreeHeadMessage(head: ExposedTreeHead): Buffer {
  return Buffer.from(`group-platform/evidence/v2\n${head.groupId}\n${head.treeSize}\n${head.signedAt}\n${head.rootHash}`, "utf8");
}

/** The values of a head as the API shows them. */
export function exposedHead(head: TreeHead): ExposedTreeHead {
  return { groupId: toGlobalId("Group", head.groupRowId), treeSize: head.treeSize, rootHash: head.rootHash, signedAt: new Date(head.signedAt).toISOString() };
}

/** The exact bytes an Ed25519 tree-head signature of the given format covers. */
export function treeHeadMessage(head: TreeHead, version: HeadVersion): Buffer {
  if (version === 1) {
    return Buffer.from(`group-platform/evidence/v1\n${head.groupRowId}\n${head.treeSize}\n${head.signedAt}\n${head.rootHash}`, "utf8");
  }
  return exposedTreeHeadMessage(exposedHead(head));
}

export function verifyTreeHead(publicKey: KeyObject, head: TreeHead, version: HeadVersion, signature: string): boolean {
  try {
    return verify(null, treeHeadMessage(head, version), publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** The first 16 hex digits of SHA-256 over the public key's DER: which key signed a head. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

/**
 * The server's Ed25519 evidence key. Configured (EVIDENCE_SIGNING_KEY, a PKCS#8 PEM) in production
 * and shared by every instance; in development generated once and kept in a file under ./data/.
 */
export class EvidenceSigner {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  static fromPem(pem: string): EvidenceSigner {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "ed25519") throw new Error("EVIDENCE_SIGNING_KEY must be an Ed25519 private key");
    return new EvidenceSigner(key);
  }

  static generate(): EvidenceSigner {
    return new EvidenceSigner(generateKeyPairSync("ed25519").privateKey);
  }

  /** Reads the key file, creating it (mode 0600) on first start. */
  static fromFile(path: string): EvidenceSigner {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }) as string;
      // Written whole under a private name, then linked into place: instances started together
      // from one checkout all end up with the one key that won, never with a half-written file.
      const scratch = `${path}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(scratch, pem, { mode: 0o600, flag: "wx" });
      try {
        linkSync(scratch, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      } finally {
        unlinkSync(scratch);
      }
    }
    return EvidenceSigner.fromPem(readFileSync(path, "utf8"));
  }

  /** Signs a head in the current format (v2); `version` 1 only reproduces old heads (tests). */
  sign(head: TreeHead, version: HeadVersion = CURRENT_HEAD_VERSION): string {
    return sign(null, treeHeadMessage(head, version), this.privateKey).toString("base64");
  }

  verify(head: TreeHead, version: HeadVersion, signature: string): boolean {
    return verifyTreeHead(this.publicKey, head, version, signature);
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: "spki", format: "pem" }) as string;
  }
}
