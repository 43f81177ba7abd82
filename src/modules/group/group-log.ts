import type { EntityManager } from "typeorm";
import { newId } from "../../common/ids";
import { leafData, evidenceSignerOf } from "../evidence/leaf";
import { leafHash, MerkleFrontier } from "../evidence/merkle";
import { Group } from "./group.entity";
import { GroupLogEntry, type LogData } from "./group-log.entity";

export interface LogEntryInput {
  kind: string;
  actorId?: string | null;
  subjectId?: string | null;
  text?: string | null;
  status?: string;
  data?: LogData | null;
}

/**
 * Appends entries to a group's history. The caller holds the group's row lock (see lockGroup), so
 * sequence numbers are allocated without gaps or races; `group.logSize` is kept in step.
 */
export async function appendLog(em: EntityManager, group: Group, entries: LogEntryInput[], now: number): Promise<GroupLogEntry[]> {
  if (entries.length === 0) return [];
  const signer = evidenceSignerOf(em.connection);
  const frontier = MerkleFrontier.fromJSON(group.merkleFrontier);
  if (frontier.treeSize !== group.logSize) throw new Error(`Merkle frontier of group ${group.rowId} is out of step with its log`);
  const rows = entries.map((entry, i) => {
    const row = em.create(GroupLogEntry, {
      rowId: newId(),
      tenantId: group.tenantId,
      groupId: group.rowId,
      seq: group.logSize + i + 1,
      kind: entry.kind,
      actorId: entry.actorId ?? null,
      subjectId: entry.subjectId ?? null,
      text: entry.text ?? null,
      status: entry.status ?? "VISIBLE",
      data: entry.data ?? null,
      createdAt: now,
    });
    // Seal the entry: its leaf, the new root, and the signed tree head at this size.
    const leaf = leafHash(leafData({ ...row, groupId: group.rowId }));
    frontier.append(leaf);
    row.leafHash = leaf.toString("hex");
    row.rootHash = frontier.root().toString("hex");
    row.signature = signer.sign({ groupId: group.rowId, treeSize: row.seq, rootHash: row.rootHash, signedAt: now });
    row.keyId = signer.keyId;
    return row;
  });
  for (let i = 0; i < rows.length; i += 200) await em.insert(GroupLogEntry, rows.slice(i, i + 200));
  group.logSize += rows.length;
  group.merkleFrontier = frontier.toJSON();
  await em.update(Group, { rowId: group.rowId }, { logSize: group.logSize, merkleFrontier: group.merkleFrontier, updatedAt: now });
  return rows;
}
