import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, createPublicKey, verify } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BundleDocument,
  HeadVersionDocument,
  InclusionProofDocument,
  OldHeadDocument,
  ProofHeadDocument,
  ProofLeafIndexDocument,
  SendEntryDocument,
  SignedHeadDocument,
  VerifyDocument,
} from "../generated/graphql";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { createGroup, mutate } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { GroupLogEntry } from "../../src/modules/group/group-log.entity";
import { leafData } from "../../src/modules/evidence/leaf";
import { leafHash, MerkleFrontier } from "../../src/modules/evidence/merkle";

const SEND = SendEntryDocument;
const VERIFY = VerifyDocument;

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
    for (let i = 0; i < 12; i++) messages.push(ok(dataOf(await server.gql(SEND, { input: { groupId, text: `entry ${i}` } }, a.users[i % 3].token)).sendMessage).message!);
    ok(await mutate(server, "renameGroup", { groupId, name: "Evidence" }, owner.token));
  });
  after(() => server.close());

  it("publishes a signed tree head whose signature verifies from the API's own values and the public key alone", async () => {
    const key = (await (await fetch(`${server.base}/evidence/public-key`)).json()) as any;
    assert.equal(key.algorithm, "Ed25519");
    const publicKey = createPublicKey(key.publicKeyPem);
    const group = dataOf(await server.gql(SignedHeadDocument, { id: groupId }, owner.token)).group!;
    const head = group.evidence!;
    assert.equal(head.treeSize, 17, "group created, 3 joins, 12 messages, 1 rename");
    assert.equal(head.keyId, key.keyId);
    assert.equal(head.version, 2);
    assert.equal(head.groupId, group.id);
    // The README's v2 bytes, from nothing but what the API returned: no id to decode.
    const message = Buffer.from(`group-platform/evidence/v2\n${group.id}\n${head.treeSize}\n${head.signedAt}\n${head.rootHash}`, "utf8");
    assert.equal(head.signedBytes, message.toString("base64"));
    assert.ok(verify(null, message, publicKey, Buffer.from(head.signature, "base64")));
    assert.ok(!message.toString().includes(rowId), "the signed bytes name no internal id");
    // Any other value does not verify.
    for (const forged of [
      `group-platform/evidence/v2\n${group.id}\n${head.treeSize + 1}\n${head.signedAt}\n${head.rootHash}`,
      `group-platform/evidence/v2\n${group.id}\n${head.treeSize}\n${new Date(Date.parse(head.signedAt) + 1).toISOString()}\n${head.rootHash}`,
      `group-platform/evidence/v2\n${group.id}\n${head.treeSize}\n${head.signedAt}\n${"0".repeat(64)}`,
    ]) {
      assert.ok(!verify(null, Buffer.from(forged), publicKey, Buffer.from(head.signature, "base64")), forged);
    }
    // An inclusion proof's head is checked the same way.
    const proof = dataOf(await server.gql(ProofHeadDocument, { id: messages[3].id }, a.users[1].token)).evidenceProof!.head;
    const proofBytes = Buffer.from(`group-platform/evidence/v${proof.version}\n${proof.groupId}\n${proof.treeSize}\n${proof.signedAt}\n${proof.rootHash}`);
    assert.equal(proof.groupId, groupId);
    assert.ok(verify(null, proofBytes, publicKey, Buffer.from(proof.signature, "base64")));
  });

  it("heads signed in the older v1 format (before the upgrade) still verify, online and offline", async () => {
    const old = (await createGroup(server, owner, a.users.slice(1, 3), { name: "Before v2" })).id;
    const oldRow = Buffer.from(old, "base64url").toString().split(":")[1];
    for (let i = 0; i < 3; i++) ok(dataOf(await server.gql(SEND, { input: { groupId: old, text: `old ${i}` } }, owner.token)).sendMessage);
    // What an instance before v2 stored: every head signed over the v1 bytes, head_version 1.
    const signer = server.server.app.evidence.signer;
    const rows = await server.sql<{ seq: number | string; root_hash: string; created_at: number | string }>("SELECT seq, root_hash, created_at FROM group_log WHERE group_id = ? ORDER BY seq", [oldRow]);
    for (const row of rows) {
      const signature = signer.sign({ groupRowId: oldRow, treeSize: Number(row.seq), rootHash: row.root_hash, signedAt: Number(row.created_at) }, 1);
      await server.sql("UPDATE group_log SET signature = ?, head_version = 1 WHERE group_id = ? AND seq = ?", [signature, oldRow, row.seq]);
    }
    assert.equal(dataOf(await server.gql(VERIFY, { id: old }, owner.token)).verifyEvidence.valid, true);
    const head = dataOf(await server.gql(OldHeadDocument, { id: old }, owner.token)).group!.evidence!;
    assert.equal(head.version, 1);
    const v1 = Buffer.from(`group-platform/evidence/v1\n${oldRow}\n${head.treeSize}\n${Date.parse(head.signedAt)}\n${head.rootHash}`);
    assert.equal(head.signedBytes, v1.toString("base64"), "the exact bytes are exposed for old heads too");
    assert.ok(verify(null, Buffer.from(head.signedBytes, "base64"), signer.publicKey, Buffer.from(head.signature, "base64")));

    // New appends are signed v2; the log as a whole stays valid.
    ok(dataOf(await server.gql(SEND, { input: { groupId: old, text: "after the upgrade" } }, owner.token)).sendMessage);
    assert.equal(dataOf(await server.gql(HeadVersionDocument, { id: old }, owner.token)).group!.evidence!.version, 2);
    assert.equal(dataOf(await server.gql(VERIFY, { id: old }, owner.token)).verifyEvidence.valid, true);
    // A v1 head relabelled v2 (or the other way round) does not verify: the version is not a free choice.
    await server.sql("UPDATE group_log SET head_version = 2 WHERE group_id = ? AND seq = ?", [oldRow, 2]);
    await server.sql("UPDATE group_log SET head_version = 1 WHERE group_id = ? AND seq = ?", [oldRow, rows.length + 1]);
    const relabelled = dataOf(await server.gql(VERIFY, { id: old }, owner.token)).verifyEvidence;
    assert.deepEqual([relabelled.valid, relabelled.firstBrokenSeq], [false, rows.length + 1]);
    await server.sql("UPDATE group_log SET head_version = 2 WHERE group_id = ? AND seq = ?", [oldRow, rows.length + 1]);

    // An old export (format v1, no head version) still passes the offline verifier.
    const bundle = JSON.parse(dataOf(await server.gql(BundleDocument, { id: old }, a.apiKey)).evidenceBundle);
    assert.equal(bundle.format, "group-platform-evidence/v2");
    const last = rows.length;
    const oldBundle = { ...bundle, format: "group-platform-evidence/v1", entries: bundle.entries.slice(0, last) };
    const oldHead = rows[last - 1];
    oldBundle.treeHead = {
      treeSize: last,
      rootHash: oldHead.root_hash,
      signedAt: Number(oldHead.created_at),
      signature: signer.sign({ groupRowId: oldRow, treeSize: last, rootHash: oldHead.root_hash, signedAt: Number(oldHead.created_at) }, 1),
      keyId: signer.keyId,
    };
    delete oldBundle.groupId;
    const dir = mkdtempSync(join(tmpdir(), "gp-evidence-v1-"));
    const keyFile = join(dir, "key.pem");
    writeFileSync(keyFile, signer.publicKeyPem());
    const cli = join(__dirname, "../../src/tools/verify-evidence.js");
    for (const [name, content] of [["v1.json", oldBundle], ["v2.json", bundle]] as const) {
      writeFileSync(join(dir, name), JSON.stringify(content));
      const run = spawnSync(process.execPath, [cli, join(dir, name), "--public-key", keyFile], { encoding: "utf8" });
      assert.equal(run.status, 0, `${name}: ${run.stdout}${run.stderr}`);
    }
  });

  it("gives inclusion proofs that an independent verifier accepts", async () => {
    for (const m of [messages[0], messages[5], messages[11]]) {
      const proof = dataOf(await server.gql(InclusionProofDocument, { id: m.id }, a.users[1].token)).evidenceProof!;
      assert.equal(proof.leafIndex, m.seq - 1);
      const leaf = createHash("sha256").update(Buffer.concat([Buffer.from([0]), Buffer.from(proof.leafData, "utf8")])).digest();
      assert.equal(leaf.toString("hex"), proof.leafHash, "the leaf hash covers the leaf data");
      assert.ok(JSON.parse(proof.leafData).includes(`entry ${messages.indexOf(m)}`));
      assert.ok(verifyProof(leaf, proof.leafIndex, proof.treeSize, proof.auditPath.map((h) => Buffer.from(h, "hex")), Buffer.from(proof.head.rootHash, "hex")));
    }
    const foreign = await server.gql(ProofLeafIndexDocument, { id: messages[0].id }, b.users[0].token);
    assert.equal(foreign.errors?.[0]?.extensions?.code, "NOT_FOUND");
  });

  it("verifyEvidence recomputes from the rows: intact, then an edited row, then a deleted row", async () => {
    const intact = dataOf(await server.gql(VERIFY, { id: groupId }, owner.token)).verifyEvidence;
    assert.deepEqual({ valid: intact.valid, firstBrokenSeq: intact.firstBrokenSeq, treeSize: intact.treeSize }, { valid: true, firstBrokenSeq: null, treeSize: 17 });

    const target = messages[4];
    const [original] = await server.sql<{ text: string }>("SELECT text FROM group_log WHERE group_id = ? AND seq = ?", [rowId, target.seq]);
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
    const bundleJson = dataOf(await server.gql(BundleDocument, { id: other }, a.apiKey)).evidenceBundle;
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
    const refused = await server.gql(BundleDocument, { id: other }, a.users[1].token);
    assert.equal(refused.errors?.[0]?.extensions?.code, "NOT_PERMITTED");
  });

  it("an append of several entries signs only its last head; rows and roots rewritten from inside it are caught at its first entry", async () => {
    const c = await createTenant(server, { users: 5 });
    const owner = c.users[0];
    const id = (await createGroup(server, owner, c.users.slice(1, 3), { name: "Appends" })).id;
    const row = Buffer.from(id, "base64url").toString().split(":")[1];
    ok(dataOf(await server.gql(SEND, { input: { groupId: id, text: "before" } }, owner.token)).sendMessage);
    const added = ok(await mutate(server, "inviteMembers", { groupId: id, userIds: c.users.slice(3, 5).map((u) => u.id) }, owner.token));
    assert.equal(added.added?.length, 2, "added directly, in one append");
    ok(dataOf(await server.gql(SEND, { input: { groupId: id, text: "after" } }, owner.token)).sendMessage);
    const stored = await server.sql<{ seq: number | string; kind: string; signed: number | string }>("SELECT seq, kind, signature IS NOT NULL AS signed FROM group_log WHERE group_id = ? ORDER BY seq", [row]);
    const joins = stored.filter((r) => r.kind === "MEMBER_JOINED").slice(-2).map((r) => Number(r.seq));
    const before = Number(stored.find((r) => r.kind === "MESSAGE")!.seq);
    assert.deepEqual(joins, [before + 1, before + 2], "the two joins follow the first message");
    const unsigned = stored.filter((r) => !Number(r.signed)).map((r) => Number(r.seq));
    assert.ok(unsigned.includes(before + 1) && !unsigned.includes(before + 2), "inside the append unsigned, its last entry signed");
    assert.ok(!unsigned.includes(before) && !unsigned.includes(stored.length), "one-entry appends and the log's last entry are signed");
    assert.equal(dataOf(await server.gql(VERIFY, { id }, owner.token)).verifyEvidence.valid, true);

    // A row edited inside the append (its hashes left as they were) is named itself: its own leaf no longer matches.
    const [firstJoin] = await server.sql<{ actor_id: string }>("SELECT actor_id FROM group_log WHERE group_id = ? AND seq = ?", [row, before + 1]);
    await server.sql("UPDATE group_log SET actor_id = ? WHERE group_id = ? AND seq = ?", [Buffer.from(c.users[1].id, "base64url").toString().split(":")[1], row, before + 1]);
    const edited = dataOf(await server.gql(VERIFY, { id }, owner.token)).verifyEvidence;
    assert.deepEqual([edited.valid, edited.firstBrokenSeq], [false, before + 1], "the edited row inside the append");
    await server.sql("UPDATE group_log SET actor_id = ? WHERE group_id = ? AND seq = ?", [firstJoin!.actor_id, row, before + 1]);
    assert.equal(dataOf(await server.gql(VERIFY, { id }, owner.token)).verifyEvidence.valid, true);
    const roots = await server.sql<{ seq: number | string; has_root: number | string }>("SELECT seq, root_hash IS NOT NULL AS has_root FROM group_log WHERE group_id = ? AND seq IN (?, ?)", [row, before + 1, before + 2]);
    assert.deepEqual(roots.map((r) => [Number(r.seq), Number(r.has_root)]), [[before + 1, 0], [before + 2, 1]], "a root where the append ends only");

    // A forger without the key re-attributes the first join and rewrites every later leaf and root to match.
    const log = await server.server.app.db.dataSource.manager.find(GroupLogEntry, { where: { groupId: row }, order: { seq: "ASC" } });
    const frontier = MerkleFrontier.empty();
    for (const entry of log) {
      if (entry.seq === before + 1) entry.actorId = Buffer.from(c.users[1].id, "base64url").toString().split(":")[1];
      const hash = leafHash(leafData(entry));
      frontier.append(hash);
      if (entry.seq <= before) continue;
      await server.sql("UPDATE group_log SET actor_id = ?, leaf_hash = ?, root_hash = ? WHERE group_id = ? AND seq = ?", [entry.actorId, hash.toString("hex"), frontier.root().toString("hex"), row, entry.seq]);
    }
    const forged = dataOf(await server.gql(VERIFY, { id }, owner.token)).verifyEvidence;
    assert.deepEqual([forged.valid, forged.firstBrokenSeq], [false, before + 1], "the first entry after the last head whose signature holds");
  });
});

