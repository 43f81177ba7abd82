import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

function publicKeyFrom(path: string): Promise<string> {
  const script = `const { EvidenceSigner } = require(${JSON.stringify(join(__dirname, "../../src/modules/evidence/signer.js"))});
process.stdout.write(EvidenceSigner.fromFile(${JSON.stringify(path)}).publicKeyPem());`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    // "close", not "exit": a child's output may still be on its way when it has exited (a busy
    // machine once handed this test a key cut short, read as a second key).
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
  });
}

describe("development evidence key file", () => {
  it("instances started together from one checkout all get the same key", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "gp-key-"));
    try {
      const path = join(dir, "data", "evidence-key.pem");
      const keys = await Promise.all(Array.from({ length: 6 }, () => publicKeyFrom(path)));
      assert.equal(new Set(keys).size, 1, "one key for all");
      assert.match(keys[0], /BEGIN PUBLIC KEY/);
      assert.deepEqual(readdirSync(join(dir, "data")), ["evidence-key.pem"], "no scratch files left behind");
      assert.equal(await publicKeyFrom(path), keys[0], "a later start reads the same key");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
