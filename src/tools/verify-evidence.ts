#!/usr/bin/env node
/**
 * Offline verifier for an exported evidence bundle (query `evidenceBundle`, or the CLI's export):
 *   npm run verify-evidence -- bundle.json [--public-key evidence-public-key.pem]
 * Recomputes every leaf from its canonical data, the Merkle root of the whole log, and checks the
 * Ed25519 signature of the tree head. Needs no server and no database. Exit 0: intact; 1: broken.
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { leafHash, MerkleFrontier } from "../modules/evidence/merkle";
import { exposedTreeHeadMessage, type HeadVersion, keyIdOf, verifyTreeHead } from "../modules/evidence/signer";

/**
 * An exported bundle. Format v1 (older exports): the head was signed over the group's row id
 * (v1 bytes). Format v2: `treeHead.version` says which bytes the signature covers; for version 2
 * they are built from `groupId` and the head's values alone (see the README, "Messages and evidence").
 */
interface Bundle {
  format: string;
  groupId?: string;
  groupRowId: string;
  keyId: string;
  publicKeyPem: string;
  treeHead: { treeSize: number; rootHash: string; signedAt: number; signature: string; keyId: string; version?: HeadVersion };
  entries: Array<{ seq: number; leafData: string; leafHash: string }>;
}

const FORMATS = ["group-platform-evidence/v1", "group-platform-evidence/v2"];

export interface VerifyResult {
  valid: boolean;
  problems: string[];
  treeSize: number;
  rootHash: string;
  keyTrusted: boolean;
}

export function verifyBundle(bundle: Bundle, trustedKey?: KeyObject): VerifyResult {
  const problems: string[] = [];
  if (!FORMATS.includes(bundle.format)) problems.push(`unknown format ${bundle.format}`);
  const frontier = MerkleFrontier.empty();
  bundle.entries.forEach((entry, i) => {
    if (entry.seq !== i + 1) problems.push(`entry ${i + 1}: sequence number ${entry.seq} (expected ${i + 1})`);
    let facts: unknown[] = [];
    try {
      facts = JSON.parse(entry.leafData) as unknown[];
    } catch {
      problems.push(`entry ${entry.seq}: leaf data is not JSON`);
    }
    if (facts[1] !== bundle.groupRowId || facts[2] !== entry.seq) problems.push(`entry ${entry.seq}: leaf data names another group or position`);
    const leaf = leafHash(entry.leafData);
    if (leaf.toString("hex") !== entry.leafHash) problems.push(`entry ${entry.seq}: leaf hash does not match its data`);
    frontier.append(leaf);
  });
  const root = frontier.root().toString("hex");
  const head = bundle.treeHead;
  if (head.treeSize !== bundle.entries.length) problems.push(`tree head covers ${head.treeSize} entries, the bundle has ${bundle.entries.length}`);
  if (head.rootHash !== root) problems.push(`recomputed root ${root} differs from the signed root ${head.rootHash}`);
  const key = trustedKey ?? createPublicKey(bundle.publicKeyPem);
  if (trustedKey && keyIdOf(trustedKey) !== head.keyId) problems.push(`the head was signed by key ${head.keyId}, not by the trusted key ${keyIdOf(trustedKey)}`);
  const version: HeadVersion = head.version ?? 1;
  if (version !== 1 && version !== 2) problems.push(`unknown tree-head version ${String(version)}`);
  const groupId = bundle.groupId ?? "";
  if (version === 2 && Buffer.from(groupId, "base64url").toString("utf8") !== `Group:${bundle.groupRowId}`) problems.push(`groupId ${groupId} is not the group the entries name`);
  const signed =
    version === 2
      ? verifySignature(key, exposedTreeHeadMessage({ groupId, treeSize: head.treeSize, rootHash: head.rootHash, signedAt: new Date(head.signedAt).toISOString() }), head.signature)
      : verifyTreeHead(key, { groupRowId: bundle.groupRowId, treeSize: head.treeSize, rootHash: head.rootHash, signedAt: head.signedAt }, 1, head.signature);
  if (!signed) problems.push("the tree head's Ed25519 signature does not verify");
  return { valid: problems.length === 0, problems, treeSize: bundle.entries.length, rootHash: root, keyTrusted: Boolean(trustedKey) };
}

function verifySignature(key: KeyObject, message: Buffer, signature: string): boolean {
  try {
    return verify(null, message, key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

function main(argv: string[]): number {
  const file = argv.find((a) => !a.startsWith("--"));
  const keyIndex = argv.indexOf("--public-key");
  if (!file || (keyIndex >= 0 && !argv[keyIndex + 1])) {
    process.stderr.write("usage: npm run verify-evidence -- bundle.json [--public-key key.pem]\n");
    return 2;
  }
  const bundle = JSON.parse(readFileSync(file, "utf8")) as Bundle;
  const trusted = keyIndex >= 0 ? createPublicKey(readFileSync(argv[keyIndex + 1], "utf8")) : undefined;
  const result = verifyBundle(bundle, trusted);
  process.stdout.write(`${result.valid ? "VALID" : "INVALID"}: ${result.treeSize} entries, root ${result.rootHash}\n`);
  if (!result.keyTrusted) process.stdout.write("note: checked against the key inside the bundle; pass --public-key with the key from GET /evidence/public-key to pin it\n");
  for (const problem of result.problems) process.stdout.write(`  - ${problem}\n`);
  return result.valid ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
