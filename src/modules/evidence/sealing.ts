import { type LeafFacts, leafData } from "./leaf";
import { leafHash, MerkleFrontier } from "./merkle";
import { CURRENT_HEAD_VERSION, type EvidenceSigner, type HeadVersion } from "./signer";

/**
 * Where the Merkle root is signed. Sealing is pure: given a group log's frontier (the right edge of
 * its Merkle tree, as stored on the group) and the entries appended next, it computes each entry's
 * leaf hash, and the root and signed tree head of the append's final size, with
 * the signer it is handed — no key is looked up anywhere. The append path (group/group-log.ts) runs
 * it under the group's row lock and stores the results with the rows.
 *
 * One signed head per append, as RFC 9162 logs publish signed tree heads for the sizes they reach
 * rather than for every leaf: an append of one entry (a message, a join) signs that entry's head;
 * an append of several in one transaction (joins combined, a group's founders, a join and its
 * welcome) signs only the last, and the entries before it keep their leaf hash, with no root or
 * signature of their own (a root inside an append is never shown, and the leaves give it back: a
 * root per entry cost ≈ log2(size) hashes each). Every head the API shows is the log's latest, so
 * it is always signed; inside one append the entries are vouched for by the head that ends it (see
 * EvidenceService.verify).
 */

/** What signs tree heads: the server's evidence key (EvidenceSigner), or any stand-in with its shape. */
export type HeadSigner = Pick<EvidenceSigner, "keyId" | "sign">;

/** The evidence columns of one appended entry. */
export interface SealedEntry {
  /** Hex SHA-256 leaf hash of the entry's canonical bytes (leafData). */
  leafHash: string;
  /** Hex root of the log once this entry is in it (tree size = the entry's seq): the append's last entry only, whose head is signed; null inside an append. */
  rootHash: string | null;
  /** Base64 Ed25519 signature over the tree head at this size, signed at the entry's createdAt; null inside an append (only its last entry's head is signed). */
  signature: string | null;
  keyId: string | null;
  headVersion: HeadVersion;
}

export interface Sealing {
  /** One per leaf, in order. */
  entries: SealedEntry[];
  /** The frontier after the last leaf (JSON, as stored on the group). */
  frontier: string;
  treeSize: number;
}

/**
 * Seals `leaves`, one append, onto the log whose frontier is `frontier` (null: an empty log). The
 * leaves must continue the log: seq = size + 1, size + 2, … The last leaf carries the root and its
 * head is signed, at that leaf's createdAt.
 */
export function sealLeaves(signer: HeadSigner, frontier: string | null, leaves: readonly LeafFacts[]): Sealing {
  const tree = MerkleFrontier.fromJSON(frontier);
  const entries = leaves.map((leaf, i): SealedEntry => {
    if (leaf.seq !== tree.treeSize + 1) throw new Error(`Merkle frontier of group ${leaf.groupId} is at size ${tree.treeSize}, not before entry ${leaf.seq}`);
    const hash = leafHash(leafData(leaf));
    tree.append(hash);
    if (i < leaves.length - 1) return { leafHash: hash.toString("hex"), rootHash: null, signature: null, keyId: null, headVersion: CURRENT_HEAD_VERSION };
    const rootHash = tree.root().toString("hex");
    const signature = signer.sign({ groupRowId: leaf.groupId, treeSize: leaf.seq, rootHash, signedAt: leaf.createdAt }, CURRENT_HEAD_VERSION);
    return { leafHash: hash.toString("hex"), rootHash, signature, keyId: signer.keyId, headVersion: CURRENT_HEAD_VERSION };
  });
  return { entries, frontier: tree.toJSON(), treeSize: tree.treeSize };
}
