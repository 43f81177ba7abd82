import type { DataSource } from "typeorm";
import type { LogData } from "../group/group-log.entity";
import type { EvidenceSigner } from "./signer";

/** The immutable facts of a history entry, as committed to by its Merkle leaf. */
export interface LeafFacts {
  groupId: string;
  seq: number;
  kind: string;
  actorId: string | null;
  subjectId: string | null;
  text: string | null;
  data: LogData | null;
  createdAt: number;
}

/**
 * The canonical bytes of a leaf: a JSON array in fixed order, data keys sorted. A moderation
 * status is not part of it (it changes after the fact and is itself recorded as an event).
 */
export function leafData(facts: LeafFacts): string {
  const data = facts.data ? Object.keys(facts.data).sort().map((key) => [key, facts.data![key]]) : null;
  return JSON.stringify(["gp-evidence-v1", facts.groupId, facts.seq, facts.kind, facts.actorId, facts.subjectId, facts.text, data, facts.createdAt]);
}

const signers = new WeakMap<DataSource, EvidenceSigner>();

/** Binds the evidence key to an app's data source, so every append through it is signed. */
export function attachEvidenceSigner(dataSource: DataSource, signer: EvidenceSigner): void {
  signers.set(dataSource, signer);
}

export function evidenceSignerOf(dataSource: DataSource): EvidenceSigner {
  const signer = signers.get(dataSource);
  if (!signer) throw new Error("No evidence signer attached to this data source");
  return signer;
}
