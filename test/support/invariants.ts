import assert from "node:assert/strict";
import { activityCounterProblems } from "./activity";
import { dataOf } from "./fixtures";
import type { TestServer } from "./server";

export interface InvariantTenant {
  /** Global id of the tenant. */
  id: string;
  apiKey: string;
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const rowIdOf = (globalId: string) => Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];
const groupGlobalId = (rowId: string) => Buffer.from(`Group:${rowId}`, "utf8").toString("base64url");

/**
 * The rules every write must leave the database in, whatever happened before — checked on the
 * rows themselves. Returns the broken rules (empty: all hold) so a caller can report them together.
 *
 * - a group's member_count equals its member rows, and stays within its tenant's maxGroupSize;
 * - a DISSOLVED group has no members and no owner; every other group has exactly one OWNER row,
 *   and owner_id names that member;
 * - a group's history runs seq 1…log_size with no gap and no repeat;
 * - a PENDING invitation's open_key is its invitee, a closed one's is null;
 * - members, invitees and live-code groups belong to the tenant of their group or code;
 * - the statistics' per-day activity counters equal a recount of the history.
 */
export async function databaseInvariantProblems(server: TestServer, tenants: InvariantTenant[]): Promise<string[]> {
  const problems: string[] = [];
  const maxGroupSize = new Map<string, number>();
  for (const tenant of tenants) {
    const policy = dataOf(await server.gql(`{ myTenant { policy { maxGroupSize } } }`, {}, tenant.apiKey)).myTenant.policy;
    maxGroupSize.set(rowIdOf(tenant.id), policy.maxGroupSize);
  }

  const groups = await server.sql(
    `SELECT g.id, g.tenant_id, g.status, g.owner_id, g.member_count, g.log_size,
       (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS members,
       (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id AND m.role = 'OWNER') AS owners,
       (SELECT MIN(m.user_id) FROM group_members m WHERE m.group_id = g.id AND m.role = 'OWNER') AS owner_member,
       (SELECT COUNT(*) FROM group_log l WHERE l.group_id = g.id) AS entries,
       (SELECT COUNT(DISTINCT l.seq) FROM group_log l WHERE l.group_id = g.id) AS distinct_seqs,
       (SELECT MIN(l.seq) FROM group_log l WHERE l.group_id = g.id) AS min_seq,
       (SELECT MAX(l.seq) FROM group_log l WHERE l.group_id = g.id) AS max_seq
     FROM chat_groups g`,
  );
  for (const g of groups) {
    const at = `group ${g.id} (${g.status})`;
    const members = num(g.members)!;
    if (num(g.member_count) !== members) problems.push(`${at}: member_count ${g.member_count} but ${members} member rows`);
    const cap = maxGroupSize.get(g.tenant_id);
    if (cap === undefined) problems.push(`${at}: belongs to a tenant the check was not given`);
    else if (members > cap) problems.push(`${at}: ${members} members above maxGroupSize ${cap}`);
    if (g.status === "DISSOLVED") {
      if (members !== 0) problems.push(`${at}: ${members} member rows in a dissolved group`);
      if (g.owner_id !== null) problems.push(`${at}: a dissolved group with owner_id ${g.owner_id}`);
    } else {
      if (num(g.owners) !== 1) problems.push(`${at}: ${g.owners} OWNER rows`);
      else if (g.owner_member !== g.owner_id) problems.push(`${at}: owner_id ${g.owner_id} but the OWNER row is ${g.owner_member}`);
    }
    const entries = num(g.entries)!;
    const logSize = num(g.log_size)!;
    if (entries !== logSize || num(g.distinct_seqs) !== entries || (entries > 0 && (num(g.min_seq) !== 1 || num(g.max_seq) !== logSize))) {
      problems.push(`${at}: log_size ${logSize} but ${entries} entries, ${g.distinct_seqs} distinct seqs, from ${g.min_seq} to ${g.max_seq}`);
    }
  }

  const invitations = await server.sql(`SELECT id, status, open_key, invitee_id FROM invitations WHERE (status = 'PENDING' AND (open_key IS NULL OR open_key <> invitee_id)) OR (status <> 'PENDING' AND open_key IS NOT NULL)`);
  for (const i of invitations) problems.push(`invitation ${i.id} (${i.status}): open_key ${i.open_key}, invitee ${i.invitee_id}`);

  const crossTenant: Array<[string, string]> = [
    ["member of another tenant's group", `SELECT m.group_id AS a, m.user_id AS b FROM group_members m JOIN chat_groups g ON g.id = m.group_id JOIN users u ON u.id = m.user_id WHERE m.tenant_id <> g.tenant_id OR u.tenant_id <> g.tenant_id`],
    ["invitee of another tenant's group", `SELECT i.group_id AS a, i.invitee_id AS b FROM invitations i JOIN chat_groups g ON g.id = i.group_id JOIN users u ON u.id = i.invitee_id WHERE i.tenant_id <> g.tenant_id OR u.tenant_id <> g.tenant_id`],
    ["live code over another tenant's group", `SELECT l.live_code_id AS a, l.group_id AS b FROM live_code_groups l JOIN live_codes c ON c.id = l.live_code_id JOIN chat_groups g ON g.id = l.group_id WHERE c.tenant_id <> g.tenant_id`],
    ["code of another tenant's group", `SELECT c.id AS a, c.group_id AS b FROM group_codes c JOIN chat_groups g ON g.id = c.group_id WHERE c.tenant_id <> g.tenant_id`],
    ["history entry of another tenant's group", `SELECT l.id AS a, l.group_id AS b FROM group_log l JOIN chat_groups g ON g.id = l.group_id WHERE l.tenant_id <> g.tenant_id`],
  ];
  for (const [what, sql] of crossTenant) for (const row of await server.sql(sql)) problems.push(`${what}: ${row.a} / ${row.b}`);
  problems.push(...(await activityCounterProblems(server)));
  return problems;
}

/** Every group's (or the `only` groups') Merkle log recomputed by `verifyEvidence` (as its tenant), in batches of aliased fields. */
export async function evidenceProblems(server: TestServer, tenants: InvariantTenant[], only?: Set<string>): Promise<string[]> {
  const problems: string[] = [];
  for (const tenant of tenants) {
    const rows = (await server.sql<{ id: string }>(`SELECT id FROM chat_groups WHERE tenant_id = ? ORDER BY id`, [rowIdOf(tenant.id)])).filter((r) => !only || only.has(r.id));
    for (let i = 0; i < rows.length; i += 25) {
      const batch = rows.slice(i, i + 25);
      const query = `{ ${batch.map((r, j) => `g${j}: verifyEvidence(groupId: "${groupGlobalId(r.id)}") { valid firstBrokenSeq treeSize }`).join(" ")} }`;
      const data = dataOf(await server.gql(query, {}, tenant.apiKey));
      batch.forEach((r, j) => {
        const v = data[`g${j}`];
        if (!v.valid) problems.push(`group ${r.id}: evidence broken at seq ${v.firstBrokenSeq} of ${v.treeSize}`);
      });
    }
  }
  return problems;
}

/** Fails with every broken rule listed. */
export async function assertInvariants(server: TestServer, tenants: InvariantTenant[], options: { evidence?: boolean } = {}): Promise<void> {
  const problems = await databaseInvariantProblems(server, tenants);
  if (options.evidence !== false) problems.push(...(await evidenceProblems(server, tenants)));
  assert.deepEqual(problems, [], `database invariants broken:\n  ${problems.join("\n  ")}`);
}

/** Each group's history length: compare two to find the groups a run of operations wrote to. */
export async function logSizes(server: TestServer): Promise<Map<string, number>> {
  return new Map((await server.sql<{ id: string; log_size: unknown }>(`SELECT id, log_size FROM chat_groups`)).map((r) => [r.id, Number(r.log_size)]));
}

/** Groups that are new in `after` or whose history grew since `before`. */
export function grownGroups(before: Map<string, number>, after: Map<string, number>): Set<string> {
  return new Set([...after].filter(([id, size]) => before.get(id) !== size).map(([id]) => id));
}
