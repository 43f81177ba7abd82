import { type EntityManager, MoreThan } from "typeorm";
import type { Database } from "../../db/database";
import { toGlobalId } from "../../common/global-id";
import { Semaphore } from "../../common/semaphore";
import { GroupLogEntry } from "../group/group-log.entity";
import type { Group } from "../group/group.entity";
import { leafData } from "./leaf";
import { inclusionPath, leafHash, MerkleFrontier } from "./merkle";
import { type EvidenceSigner, type HeadVersion, type TreeHead, treeHeadMessage } from "./signer";

export interface SignedHead {
  /** The group's global id, as signed (v2). */
  groupId: string;
  treeSize: number;
  rootHash: string;
  signedAt: number;
  signature: string;
  keyId: string;
  /** Format of the signed bytes (see treeHeadMessage). */
  version: HeadVersion;
  /** Base64 of exactly the bytes the signature covers. */
  signedBytes: string;
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  leafData: string;
  auditPath: string[];
  head: SignedHead;
}

export interface Verification {
  valid: boolean;
  /** The first sequence number whose row is missing, altered, or whose signed head does not hold. */
  firstBrokenSeq: number | null;
  treeSize: number;
  rootHash: string | null;
}

export interface EvidenceBundle {
  /** v2: `treeHead` carries `version` (its signed-bytes format) and `groupId`. */
  format: "group-platform-evidence/v2";
  groupId: string;
  groupRowId: string;
  algorithm: "Ed25519";
  keyId: string;
  publicKeyPem: string;
  treeHead: SignedHead;
  entries: Array<{ seq: number; leafData: string; leafHash: string }>;
}

type Row = Pick<GroupLogEntry, "groupId" | "seq" | "kind" | "actorId" | "subjectId" | "text" | "data" | "createdAt" | "leafHash" | "rootHash" | "signature" | "keyId" | "headVersion">;

type Head = Pick<Row, "seq" | "rootHash" | "signature" | "createdAt" | "headVersion">;

/** Rows read (and hashed) between two turns of the event loop. */
const PAGE = 250;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Verifications and bundles computed at once in this process; the rest wait their turn. Each
 * hashes a page of rows between turns of the event loop, so thirty at once (one request's aliases,
 * or a flood of requests) left every other request — /healthz too — one turn in thirty-one: it
 * waited 0.4–1 s on a busy 2-core machine. With two, it waits for two pages at most.
 */
const COMPUTED_AT_ONCE = 2;

const COLUMNS = {
  groupId: true,
  seq: true,
  kind: true,
  actorId: true,
  subjectId: true,
  text: true,
  data: true,
  createdAt: true,
  leafHash: true,
  rootHash: true,
  signature: true,
  keyId: true,
  headVersion: true,
} as const;

/**
 * Tamper evidence: each group's history is an append-only Merkle log whose every size has a signed
 * tree head. Proofs come from the stored leaves; verification recomputes everything from the rows.
 */
export class EvidenceService {
  private readonly computing = new Semaphore(COMPUTED_AT_ONCE);

  constructor(
    private readonly db: Database,
    readonly signer: EvidenceSigner,
  ) {}

  private rows(em: EntityManager, groupId: string): Promise<Row[]> {
    return em.find(GroupLogEntry, { where: { groupId }, order: { seq: "ASC" }, select: COLUMNS });
  }

  /** The signed tree head of the group's whole log (null for an empty log). */
  async head(group: Group): Promise<SignedHead | null> {
    if (group.logSize === 0) return null;
    const last = await this.db.read((em) => em.findOne(GroupLogEntry, { where: { groupId: group.rowId, seq: group.logSize }, select: COLUMNS }));
    return last ? headOf(last) : null;
  }

  /** Proof that an entry is in its group's log at the log's current size. */
  async proof(entry: GroupLogEntry): Promise<InclusionProof> {
    const rows = await this.db.read((em) => this.rows(em, entry.groupId));
    const leaves = rows.map((r) => Buffer.from(r.leafHash ?? "", "hex"));
    const last = rows[rows.length - 1];
    return {
      leafIndex: entry.seq - 1,
      treeSize: rows.length,
      leafHash: entry.leafHash ?? "",
      leafData: leafData({ ...entry }),
      auditPath: inclusionPath(entry.seq - 1, leaves).map((h) => h.toString("hex")),
      head: headOf(last),
    };
  }

  /**
   * Recomputes every leaf from its row, and the root at every size that stores one (each append's
   * last entry), and checks them against the stored leaf hashes, roots, heads and signatures. Each
   * append signed the head of its last entry (see evidence/sealing.ts); the last signed head covers
   * the whole log, so one signature check proves an intact log. When something is off, the first row
   * whose leaf or root disagrees with the recomputation — or, when rows, leaves and roots were
   * rewritten together, the first entry after the last head whose signature still holds — is the
   * first broken row. Reads and hashes the log a page
   * at a time, yielding to the event loop between pages.
   */
  verify(group: Group): Promise<Verification> {
    return this.computing.run(() => this.verifyNow(group));
  }

  private async verifyNow(group: Group): Promise<Verification> {
    const frontier = MerkleFrontier.empty();
    const heads: Head[] = [];
    let firstBroken: number | null = null;
    for await (const page of this.pages(group.rowId)) {
      for (const row of page) {
        if (row.seq !== heads.length + 1) {
          firstBroken = heads.length + 1;
          break;
        }
        heads.push({ seq: row.seq, rootHash: row.rootHash, signature: row.signature, createdAt: row.createdAt, headVersion: row.headVersion });
        const leaf = leafHash(leafData({ ...row, groupId: group.rowId }));
        frontier.append(leaf);
        // The row's own leaf hash, then the root where one is stored (an append's last entry; inside an append there is none).
        if (leaf.toString("hex") !== row.leafHash || (row.rootHash !== null && frontier.root().toString("hex") !== row.rootHash)) {
          firstBroken = row.seq;
          break;
        }
      }
      if (firstBroken !== null) break;
    }
    if (firstBroken === null && heads.length < group.logSize) firstBroken = heads.length + 1;
    if (firstBroken === null && heads.length > 0) {
      // Heads agree with the rows; the last head's signature vouches for all of them (the log always ends on a signed head).
      if (!this.headHolds(group.rowId, heads[heads.length - 1])) firstBroken = this.firstUnvouched(group.rowId, heads);
    }
    const root = firstBroken === null && heads.length ? heads[heads.length - 1].rootHash : null;
    return { valid: firstBroken === null, firstBrokenSeq: firstBroken, treeSize: heads.length, rootHash: root };
  }

  /** The group's log in order, PAGE rows per read, with a turn of the event loop between reads. */
  private async *pages(groupId: string): AsyncGenerator<Row[]> {
    let after = 0;
    for (;;) {
      const page = await this.db.read((em) =>
        em.find(GroupLogEntry, { where: { groupId, seq: MoreThan(after) }, order: { seq: "ASC" }, select: COLUMNS, take: PAGE }),
      );
      if (page.length) yield page;
      if (page.length < PAGE) return;
      after = page[page.length - 1].seq;
      await yieldToEventLoop();
    }
  }

  /**
   * Rows and heads were rewritten together (or the last head lost its signature): the first entry
   * no holding signature vouches for — the one after the last signed head that still verifies,
   * found by binary search over the signed heads of a rewritten suffix.
   */
  private firstUnvouched(groupId: string, heads: Head[]): number {
    const signed = heads.filter((head) => head.signature !== null && head.signature !== "");
    let lo = 0;
    let hi = signed.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.headHolds(groupId, signed[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? heads[0].seq : signed[lo - 1].seq + 1;
  }

  /** The row's stored head signature verifies, in the format it was signed in (v1 heads stay valid). */
  private headHolds(groupRowId: string, row: Head): boolean {
    return this.signer.verify(treeHeadOf(groupRowId, row), row.headVersion ?? 1, row.signature ?? "");
  }

  /** Everything an auditor needs to check the log offline with `npm run verify-evidence`. */
  bundle(group: Group): Promise<EvidenceBundle | null> {
    return this.computing.run(() => this.bundleNow(group));
  }

  private async bundleNow(group: Group): Promise<EvidenceBundle | null> {
    const entries: EvidenceBundle["entries"] = [];
    let last: Row | null = null;
    for await (const page of this.pages(group.rowId)) {
      for (const row of page) entries.push({ seq: row.seq, leafData: leafData({ ...row, groupId: group.rowId }), leafHash: row.leafHash ?? "" });
      last = page[page.length - 1];
    }
    if (!last) return null;
    return {
      format: "group-platform-evidence/v2",
      groupId: toGlobalId("Group", group.rowId),
      groupRowId: group.rowId,
      algorithm: "Ed25519",
      keyId: this.signer.keyId,
      publicKeyPem: this.signer.publicKeyPem(),
      treeHead: headOf(last),
      entries,
    };
  }
}

function treeHeadOf(groupRowId: string, row: Head): TreeHead {
  return { groupRowId, treeSize: row.seq, rootHash: row.rootHash ?? "", signedAt: row.createdAt };
}

function headOf(row: Row): SignedHead {
  const head = treeHeadOf(row.groupId, row);
  const version = row.headVersion ?? 1;
  return {
    groupId: toGlobalId("Group", row.groupId),
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    signedAt: head.signedAt,
    signature: row.signature ?? "",
    keyId: row.keyId ?? "",
    version,
    signedBytes: treeHeadMessage(head, version).toString("base64"),
  };
}
