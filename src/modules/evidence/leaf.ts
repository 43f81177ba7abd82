/** Extra facts of a history entry (flat JSON values), as stored with it. */
export type LeafExtra = Readonly<Record<string, string | number | boolean | null>>;

/** The immutable facts of a history entry, as committed to by its Merkle leaf. */
export interface LeafFacts {
  groupId: string;
  seq: number;
  kind: string;
  actorId: string | null;
  subjectId: string | null;
  text: string | null;
  data: LeafExtra | null;
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
