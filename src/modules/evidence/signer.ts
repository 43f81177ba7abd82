import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A signed tree head: the root of a group's log at some size, signed by the server. */
export interface TreeHead {
  groupId: string;
  treeSize: number;
  rootHash: string;
  /** Epoch milliseconds. */
  signedAt: number;
}

/** The exact bytes an Ed25519 tree-head signature covers. */
export function treeHeadMessage(head: TreeHead): Buffer {
  return Buffer.from(`group-platform/evidence/v1\n${head.groupId}\n${head.treeSize}\n${head.signedAt}\n${head.rootHash}`, "utf8");
}

export function verifyTreeHead(publicKey: KeyObject, head: TreeHead, signature: string): boolean {
  try {
    return verify(null, treeHeadMessage(head), publicKey, Buffer.from(signature, "base64"));
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

  sign(head: TreeHead): string {
    return sign(null, treeHeadMessage(head), this.privateKey).toString("base64");
  }

  verify(head: TreeHead, signature: string): boolean {
    return verifyTreeHead(this.publicKey, head, signature);
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: "spki", format: "pem" }) as string;
  }
}
