import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, createPublicKey, verify } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dataOf, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id seq } userErrors { code } } }`;
const VERIFY = `query($id: ID!) { verifyEvidence(groupId: $id) { valid firstBrokenSeq treeSize rootHash } }`;

/** RFC 9162 §2.1.3.2, written independently of the server's code. */
function verifyProof(leaf: Buffer, index: number, size: number, path: Buffer[], root: Buffer): boolean {
  const node = (l: Buffer, r: Buffer) => createHash("sha256").update(Buffer.concat([Buffer.from([1]), l, r])).digest();
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn & 1 || fn === sn) {
      r = node(p, r);
      while (!(fn & 1) && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = node(r, p);
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

describe("tamper-evident evidence", () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  let owner: FixtureUser;
  let groupId: string;
  let rowId: string;
  const messages: Array<{ id: string; seq: number }> = [];

  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 4 });
    owner = a.users[0];
    groupId = (await createGroup(server, owner, a.users.slice(1, 3))).id;
    rowId = Buffer.from(groupId, "base64url").toString().split(":")[1];
    for (let i = 0; i < 12; i++) messages.push(ok(dataOf(await server.gql(SEND, { input: { groupId, text: `entry ${i}` } }, a.users[i % 3].token)).sendMessage).message);
    ok(await mutate(server, "renameGroup", { groupId, name: "Evidence" }, owner.token));
  });
  after(() => server.close());

  it("publishes a signed tree head that verifies with the public key", async () => {
    const key = (await (await fetch(`${server.base}/evidence/public-key`)).json()) as any;
    assert.equal(key.algorithm, "Ed25519");
    const head = dataOf(await server.gql(`query($id: ID!) { group(id: $id) { evidence { treeSize rootHash signedAt signature keyId } } }`, { id: groupId }, owner.token)).group.evidence;
    assert.equal(head.treeSize, 17, "group created, 3 joins, 12 messages, 1 rename");
    assert.equal(head.keyId, key.keyId);
    const message = Buffer.from(`group-platform/evidence/v1\n${rowId}\n${head.treeSize}\n${Date.parse(head.signedAt)}\n${head.rootHash}`);
    assert.ok(verify(null, message, createPublicKey(key.publicKeyPem), Buffer.from(head.signature, "base64")));
  });

  it("gives inclusion proofs that an independent verifier accepts", async () => {
    for (const m of [messages[0], messages[5], messages[11]]) {
      const proof = dataOf(
        await server.gql(`query($id: ID!) { evidenceProof(messageId: $id) { leafIndex treeSize leafHash leafData auditPath head { rootHash treeSize } } }`, { id: m.id }, a.users[1].token),
      ).evidenceProof;
      assert.equal(proof.leafIndex, m.seq - 1);
      const leaf = createHash("sha256").update(Buffer.concat([Buffer.from([0]), Buffer.from(proof.leafData, "utf8")])).digest();
      assert.equal(leaf.toString("hex"), proof.leafHash, "the leaf hash covers the leaf data");
      assert.ok(JSON.parse(proof.leafData).includes(`entry ${messages.indexOf(m)}`));
      assert.ok(verifyProof(leaf, proof.leafIndex, proof.treeSize, proof.auditPath.map((h: string) => Buffer.from(h, "hex")), Buffer.from(proof.head.rootHash, "hex")));
    }
    const foreign = await server.gql(`query($id: ID!) { evidenceProof(messageId: $id) { leafIndex } }`, { id: messages[0].id }, b.users[0].token);
    assert.equal(foreign.errors?.[0]?.extensions?.code, "NOT_FOUND");
  });

  it("verifyEvidence recomputes from the rows: intact, then an edited row, then a deleted row", async () => {
    const intact = dataOf(await server.gql(VERIFY, { id: groupId }, owner.token)).verifyEvidence;
    assert.deepEqual({ valid: intact.valid, firstBrokenSeq: intact.firstBrokenSeq, treeSize: intact.treeSize }, { valid: true, firstBrokenSeq: null, treeSize: 17 });

    const target = messages[4];
    const [original] = await server.sql("SELECT text FROM group_log WHERE group_id = ? AND seq = ?", [rowId, target.seq]);
    await server.sql("UPDATE group_log SET text = 'I never said that' WHERE group_id = ? AND seq = ?", [rowId, target.seq]);
    const edited = dataOf(await server.gql(VERIFY, { id: groupId }, a.apiKey)).verifyEvidence;
    assert.deepEqual([edited.valid, edited.firstBrokenSeq], [false, target.seq]);

    // A forger who also rewrites the stored hashes of every later head cannot re-sign them.
    await server.sql("UPDATE group_log SET text = ? WHERE group_id = ? AND seq = ?", [original.text, rowId, target.seq]);
    assert.equal(dataOf(await server.gql(VERIFY, { id: groupId }, owner.token)).verifyEvidence.valid, true, "restored");
    await server.sql("UPDATE group_log SET actor_id = ? WHERE group_id = ? AND seq = ?", [a.users[3].id.length ? Buffer.from(a.users[3].id, "base64url").toString().split(":")[1] : "", rowId, messages[8].seq]);
    const reattributed = dataOf(await server.gql(VERIFY, { id: groupId }, owner.token)).verifyEvidence;
    assert.deepEqual([reattributed.valid, reattributed.firstBrokenSeq], [false, messages[8].seq], "changing who said it is detected too");
    await server.sql("UPDATE group_log SET actor_id = ? WHERE group_id = ? AND seq = ?", [Buffer.from(a.users[8 % 3].id, "base64url").toString().split(":")[1], rowId, messages[8].seq]);
    assert.equal(dataOf(await server.gql(VERIFY, { id: groupId }, owner.token)).verifyEvidence.valid, true, "restored");

    await server.sql("DELETE FROM group_log WHERE group_id = ? AND seq = ?", [rowId, messages[2].seq]);
    const deleted = dataOf(await server.gql(VERIFY, { id: groupId }, owner.token)).verifyEvidence;
    assert.deepEqual([deleted.valid, deleted.firstBrokenSeq], [false, messages[2].seq]);
  });

  it("exports a bundle that the offline verifier accepts, and catches a doctored one", async () => {
    const other = (await createGroup(server, owner, a.users.slice(1, 3), { name: "Exported" })).id;
    for (let i = 0; i < 5; i++) ok(dataOf(await server.gql(SEND, { input: { groupId: other, text: `line ${i}` } }, owner.token)).sendMessage);
    const bundleJson = dataOf(await server.gql(`query($id: ID!) { evidenceBundle(groupId: $id) }`, { id: other }, a.apiKey)).evidenceBundle;
    const dir = mkdtempSync(join(tmpdir(), "gp-evidence-"));
    const good = join(dir, "bundle.json");
    const keyFile = join(dir, "key.pem");
    writeFileSync(good, bundleJson);
    writeFileSync(keyFile, ((await (await fetch(`${server.base}/evidence/public-key`)).json()) as any).publicKeyPem);
    const cli = join(__dirname, "../../src/tools/verify-evidence.js");
    const okRun = spawnSync(process.execPath, [cli, good, "--public-key", keyFile], { encoding: "utf8" });
    assert.equal(okRun.status, 0, okRun.stdout + okRun.stderr);
    assert.match(okRun.stdout, /^VALID: 9 entries/);

    const doctored = JSON.parse(bundleJson);
    doctored.entries[6].leafData = doctored.entries[6].leafData.replace("line 2", "line two");
    const bad = join(dir, "doctored.json");
    writeFileSync(bad, JSON.stringify(doctored));
    const badRun = spawnSync(process.execPath, [cli, bad, "--public-key", keyFile], { encoding: "utf8" });
    assert.equal(badRun.status, 1);
    assert.match(badRun.stdout, /INVALID[\s\S]*entry 7: leaf hash does not match/);

    // Members other than the owner may not export.
    const refused = await server.gql(`query($id: ID!) { evidenceBundle(groupId: $id) }`, { id: other }, a.users[1].token);
    assert.equal(refused.errors?.[0]?.extensions?.code, "NOT_PERMITTED");
  });
});
