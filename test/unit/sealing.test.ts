import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { describe, it } from "node:test";
import { type LeafFacts, leafData } from "../../src/modules/evidence/leaf";
import { leafHash, MerkleFrontier, rootOf } from "../../src/modules/evidence/merkle";
import { type SealedEntry, sealLeaves } from "../../src/modules/evidence/sealing";
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

  it("an append signs the head of its last entry, which verifies with the signer's public key in the API's own v2 bytes; the entries before it carry no signature", () => {
    const facts = leaves(1, 5);
    const sealing = sealLeaves(signer, null, facts);
    assert.equal(sealing.treeSize, 5);
    assert.deepEqual(sealing.entries.slice(0, 4).map((e) => [e.signature, e.keyId]), Array.from({ length: 4 }, () => [null, null]), "one signature per append");
    const last = sealing.entries[4];
    const head = { groupRowId: GROUP, treeSize: 5, rootHash: last.rootHash!, signedAt: facts[4].createdAt };
    assert.equal(last.headVersion, CURRENT_HEAD_VERSION);
    assert.equal(last.keyId, signer.keyId);
    assert.ok(verifyTreeHead(signer.publicKey, head, CURRENT_HEAD_VERSION, last.signature!));
    // What a client does: the exposed values, the PEM the server publishes, plain node:crypto.
    const bytes = exposedTreeHeadMessage(exposedHead(head));
    assert.ok(verify(null, bytes, createPublicKey(signer.publicKeyPem()), Buffer.from(last.signature!, "base64")));
    const other = EvidenceSigner.generate();
    assert.equal(verifyTreeHead(other.publicKey, head, CURRENT_HEAD_VERSION, last.signature!), false, "another key does not verify");
    assert.equal(verifyTreeHead(signer.publicKey, { ...head, treeSize: 4 }, CURRENT_HEAD_VERSION, last.signature!), false, "another size does not verify");
    // Appends of one entry each: every head signed, each at its own size and time.
    let frontier: string | null = null;
    facts.forEach((fact, i) => {
      const sealing = sealLeaves(signer, frontier, [fact]);
      const [entry] = sealing.entries;
      frontier = sealing.frontier;
      assert.ok(verifyTreeHead(signer.publicKey, { groupRowId: GROUP, treeSize: i + 1, rootHash: entry.rootHash!, signedAt: fact.createdAt }, CURRENT_HEAD_VERSION, entry.signature!), `head at size ${i + 1}`);
    });
  });

  it("leaf hashes and roots are the RFC 9162 ones of the canonical leaf bytes", () => {
    const facts = leaves(1, 7);
    const sealing = sealLeaves(signer, null, facts);
    const hashes = facts.map((f) => leafHash(leafData(f)));
    sealing.entries.forEach((entry, i) => {
      assert.equal(entry.leafHash, hashes[i].toString("hex"));
      assert.equal(entry.rootHash, i === 6 ? rootOf(hashes).toString("hex") : null, "the root of the size the append ends on, none inside it");
    });
    assert.equal(MerkleFrontier.fromJSON(sealing.frontier).root().toString("hex"), sealing.entries[6].rootHash);
    // One entry at a time: every entry ends an append, so each has the root at its own size.
    let frontier: string | null = null;
    facts.forEach((fact, i) => {
      const one = sealLeaves(signer, frontier, [fact]);
      frontier = one.frontier;
      assert.equal(one.entries[0].rootHash, rootOf(hashes.slice(0, i + 1)).toString("hex"));
    });
  });

  it("appending leaves one by one gives the leaves and roots of sealing them in one go, and each append ends on a signed head", () => {
    const facts = leaves(1, 37);
    const together = sealLeaves(signer, null, facts);
    let frontier: string | null = null;
    const oneByOne = facts.map((leaf) => {
      const sealing = sealLeaves(signer, frontier, [leaf]);
      frontier = sealing.frontier;
      return sealing.entries[0];
    });
    assert.deepEqual(oneByOne.map((e) => e.leafHash), together.entries.map((e) => e.leafHash));
    assert.equal(oneByOne[36].rootHash, together.entries[36].rootHash);
    assert.ok(oneByOne.every((e) => e.signature !== null && e.rootHash !== null));
    assert.equal(frontier, together.frontier);
    // And in uneven batches continuing a stored frontier.
    let stored: string | null = null;
    const batched: SealedEntry[] = [];
    const ends: number[] = [];
    for (const [from, to] of [[0, 1], [1, 4], [4, 20], [20, 37]]) {
      const sealing = sealLeaves(signer, stored, facts.slice(from, to));
      stored = sealing.frontier;
      batched.push(...sealing.entries);
      ends.push(to);
    }
    assert.deepEqual(batched.map((e) => e.leafHash), together.entries.map((e) => e.leafHash));
    assert.deepEqual(batched.flatMap((e, i) => (e.signature === null ? [] : [i + 1])), ends, "signed: the last entry of each append");
    assert.deepEqual(batched.flatMap((e, i) => (e.rootHash === null ? [] : [i + 1])), ends, "a root: the last entry of each append");
    for (const end of ends) assert.equal(batched[end - 1].rootHash, oneByOne[end - 1].rootHash, `root at ${end}`);
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
    assert.deepEqual(sealing.entries.map((e) => [e.keyId, e.signature]), [[null, null], ["stand-in", "sig"]]);
    assert.equal(calls.length, 1);
  });
});
