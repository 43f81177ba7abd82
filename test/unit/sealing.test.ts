import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { describe, it } from "node:test";
import { type LeafFacts, leafData } from "../../src/modules/evidence/leaf";
import { leafHash, MerkleFrontier, rootOf } from "../../src/modules/evidence/merkle";
import { sealLeaves } from "../../src/modules/evidence/sealing";
import { CURRENT_HEAD_VERSION, EvidenceSigner, exposedHead, exposedTreeHeadMessage, verifyTreeHead } from "../../src/modules/evidence/signer";

const GROUP = "0b6f8a36-5b1e-4d8e-9b1a-7c0f3f6f2a10";

function leaves(from: number, count: number, createdAt = 1_780_000_000_000): LeafFacts[] {
  return Array.from({ length: count }, (_, i) => ({
    groupId: GROUP,
    seq: from + i,
    kind: i % 3 === 0 ? "MEMBER_JOINED" : "MESSAGE",
    actorId: `user-${i % 4}`,
    subjectId: i % 3 === 0 ? `user-${i}` : null,
    text: i % 3 === 0 ? null : `message ${from + i}`,
    data: i % 3 === 0 ? { source: "DIRECT_ADD", role: "MEMBER" } : null,
    createdAt: createdAt + i,
  }));
}

describe("evidence sealing (evidence/sealing.ts)", () => {
  const signer = EvidenceSigner.generate();

  it("a sealed head verifies with the signer's public key, in the API's own v2 bytes", () => {
    const facts = leaves(1, 5);
    const sealing = sealLeaves(signer, null, facts);
    assert.equal(sealing.treeSize, 5);
    sealing.entries.forEach((entry, i) => {
      const head = { groupRowId: GROUP, treeSize: i + 1, rootHash: entry.rootHash, signedAt: facts[i].createdAt };
      assert.equal(entry.headVersion, CURRENT_HEAD_VERSION);
      assert.equal(entry.keyId, signer.keyId);
      assert.ok(verifyTreeHead(signer.publicKey, head, CURRENT_HEAD_VERSION, entry.signature), `head at size ${i + 1}`);
      // What a client does: the exposed values, the PEM the server publishes, plain node:crypto.
      const bytes = exposedTreeHeadMessage(exposedHead(head));
      assert.ok(verify(null, bytes, createPublicKey(signer.publicKeyPem()), Buffer.from(entry.signature, "base64")));
    });
    const other = EvidenceSigner.generate();
    const last = sealing.entries[4];
    assert.equal(verifyTreeHead(other.publicKey, { groupRowId: GROUP, treeSize: 5, rootHash: last.rootHash, signedAt: facts[4].createdAt }, CURRENT_HEAD_VERSION, last.signature), false, "another key does not verify");
    assert.equal(verifyTreeHead(signer.publicKey, { groupRowId: GROUP, treeSize: 4, rootHash: last.rootHash, signedAt: facts[4].createdAt }, CURRENT_HEAD_VERSION, last.signature), false, "another size does not verify");
  });

  it("leaf hashes and roots are the RFC 9162 ones of the canonical leaf bytes", () => {
    const facts = leaves(1, 7);
    const sealing = sealLeaves(signer, null, facts);
    const hashes = facts.map((f) => leafHash(leafData(f)));
    sealing.entries.forEach((entry, i) => {
      assert.equal(entry.leafHash, hashes[i].toString("hex"));
      assert.equal(entry.rootHash, rootOf(hashes.slice(0, i + 1)).toString("hex"));
    });
    assert.equal(MerkleFrontier.fromJSON(sealing.frontier).root().toString("hex"), sealing.entries[6].rootHash);
  });

  it("appending leaves one by one equals sealing them in one go", () => {
    const facts = leaves(1, 37);
    const together = sealLeaves(signer, null, facts);
    let frontier: string | null = null;
    const oneByOne = facts.map((leaf) => {
      const sealing = sealLeaves(signer, frontier, [leaf]);
      frontier = sealing.frontier;
      return sealing.entries[0];
    });
    assert.deepEqual(oneByOne, together.entries);
    assert.equal(frontier, together.frontier);
    // And in uneven batches continuing a stored frontier.
    let stored: string | null = null;
    const batched = [];
    for (const [from, to] of [[0, 1], [1, 4], [4, 20], [20, 37]]) {
      const sealing = sealLeaves(signer, stored, facts.slice(from, to));
      stored = sealing.frontier;
      batched.push(...sealing.entries);
    }
    assert.deepEqual(batched, together.entries);
  });

  it("refuses leaves that do not continue the frontier, and seals nothing for no leaves", () => {
    const first = sealLeaves(signer, null, leaves(1, 3));
    assert.throws(() => sealLeaves(signer, first.frontier, leaves(5, 1)), /size 3, not before entry 5/);
    assert.throws(() => sealLeaves(signer, null, leaves(2, 1)), /size 0/);
    const none = sealLeaves(signer, first.frontier, []);
    assert.deepEqual(none.entries, []);
    assert.equal(none.frontier, first.frontier);
    assert.equal(none.treeSize, 3);
  });

  it("uses only the signer it is handed", () => {
    const calls: unknown[] = [];
    const standIn = { keyId: "stand-in", sign: (head: unknown, version?: number) => (calls.push([head, version]), "sig") };
    const sealing = sealLeaves(standIn, null, leaves(1, 2));
    assert.deepEqual(sealing.entries.map((e) => [e.keyId, e.signature]), [["stand-in", "sig"], ["stand-in", "sig"]]);
    assert.equal(calls.length, 2);
  });
});
