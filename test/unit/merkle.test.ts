import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { EMPTY_ROOT, inclusionPath, leafHash, MerkleFrontier, rootOf, verifyInclusion } from "../../src/modules/evidence/merkle";

// Test vectors of RFC 6962 / RFC 9162 trees as published with Certificate Transparency's reference code.
const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => Buffer.from(h, "hex"));
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const PATHS: Array<[number, number, string[]]> = [
  [0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
];

/** An independent reference: the RFC's recursive definition, written out again on raw SHA-256. */
function referenceRoot(data: Buffer[]): Buffer {
  const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
  if (data.length === 0) return sha();
  if (data.length === 1) return sha(Buffer.from([0]), data[0]);
  let k = 1;
  while (k << 1 < data.length) k <<= 1;
  return sha(Buffer.from([1]), referenceRoot(data.slice(0, k)), referenceRoot(data.slice(k)));
}

describe("Merkle log (RFC 9162 shape)", () => {
  it("matches the published root vectors for every prefix", () => {
    assert.equal(EMPTY_ROOT.toString("hex"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const frontier = MerkleFrontier.empty();
    LEAVES.forEach((leaf, i) => {
      frontier.append(leafHash(leaf));
      assert.equal(frontier.root().toString("hex"), ROOTS[i], `size ${i + 1}`);
      assert.equal(rootOf(LEAVES.slice(0, i + 1).map((l) => leafHash(l))).toString("hex"), ROOTS[i]);
    });
  });

  it("matches the published inclusion proofs, and they verify", () => {
    for (const [index, size, expected] of PATHS) {
      const leaves = LEAVES.slice(0, size).map((l) => leafHash(l));
      const path = inclusionPath(index, leaves);
      assert.deepEqual(path.map((p) => p.toString("hex")), expected, `leaf ${index} of ${size}`);
      assert.ok(verifyInclusion(leaves[index], index, size, path, Buffer.from(ROOTS[size - 1], "hex")));
    }
  });

  it("agrees with an independent reference on random trees of every size up to 70", () => {
    const data = Array.from({ length: 70 }, () => randomBytes(1 + Math.floor(Math.random() * 40)));
    const frontier = MerkleFrontier.empty();
    for (let n = 1; n <= data.length; n++) {
      frontier.append(leafHash(data[n - 1]));
      const expected = referenceRoot(data.slice(0, n));
      assert.ok(frontier.root().equals(expected), `root of ${n}`);
      const restored = MerkleFrontier.fromJSON(frontier.toJSON());
      assert.ok(restored.root().equals(expected), "the frontier survives serialisation");
      const leaves = data.slice(0, n).map((d) => leafHash(d));
      for (const index of [0, Math.floor(n / 2), n - 1]) {
        assert.ok(verifyInclusion(leaves[index], index, n, inclusionPath(index, leaves), expected), `proof ${index} of ${n}`);
      }
    }
  });

  it("rejects proofs for the wrong leaf, index, size or root", () => {
    const leaves = LEAVES.map((l) => leafHash(l));
    const root = Buffer.from(ROOTS[7], "hex");
    const path = inclusionPath(3, leaves);
    assert.ok(verifyInclusion(leaves[3], 3, 8, path, root));
    assert.ok(!verifyInclusion(leaves[4], 3, 8, path, root));
    assert.ok(!verifyInclusion(leaves[3], 2, 8, path, root));
    // The size shapes the path where the leaf sits on the right edge of the smaller tree.
    const edge = inclusionPath(6, leaves);
    assert.ok(verifyInclusion(leaves[6], 6, 8, edge, root));
    assert.ok(!verifyInclusion(leaves[6], 6, 7, edge, root));
    assert.ok(!verifyInclusion(leaves[3], 3, 8, path, Buffer.from(ROOTS[6], "hex")));
    assert.ok(!verifyInclusion(leaves[3], 3, 8, path.slice(1), root));
    assert.ok(!verifyInclusion(leaves[3], 8, 8, path, root));
  });
});
