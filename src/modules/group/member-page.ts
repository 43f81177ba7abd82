import type { EntityManager } from "typeorm";
import { User } from "../user/user.entity";
import type { JoinSourceKind, MemberRole } from "./group.enums";
import { Member } from "./member.entity";

interface MemberRow {
  group_id: string;
  user_id: string;
  tenant_id: string;
  role: MemberRole;
  joined_at: string | number;
  join_seq: string | number;
  join_kind: JoinSourceKind;
  inviter_id: string | null;
  code_id: string | null;
  live_code_id: string | null;
  join_state: string | null;
  muted_notifications: number | boolean;
  muted_until: string | number | null;
  cleared_through_seq: string | number;
  external_id: string;
  display_name: string;
  user_created_at: string | number;
  user_updated_at: string | number;
}

const branch = (tagged: boolean) => `SELECT m.group_id, m.user_id, m.tenant_id, m.role, m.joined_at, m.join_seq, m.join_kind, m.inviter_id, m.code_id,
  m.live_code_id, m.join_state, m.muted_notifications, m.muted_until, m.cleared_through_seq,
  u.external_id, u.display_name, u.created_at AS user_created_at, u.updated_at AS user_updated_at
  FROM group_members m JOIN users u ON u.id = m.user_id${tagged ? " JOIN user_tags t ON t.user_id = m.user_id AND t.tag = ?" : ""}
  WHERE m.group_id = ? AND m.tenant_id = ? ORDER BY m.join_seq, m.user_id LIMIT ?`;

/**
 * The first `take` members of each group, with their users, in ONE statement: a UNION ALL of one
 * index range scan per group (group_id, join_seq), each stopping after `take` rows. Window
 * functions would read every member of every group; this reads only what the page shows.
 */
export async function firstMembersOfGroups(
  em: EntityManager,
  tenantId: string,
  groupIds: readonly string[],
  take: number,
  /** Only members with this CRM tag. */
  tag: string | null = null,
): Promise<Map<string, Member[]>> {
  const result = new Map<string, Member[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0 || take === 0) return result;
  const sql = groupIds.map((_, i) => `SELECT * FROM (${branch(tag !== null)}) b${i}`).join(" UNION ALL ");
  const params = groupIds.flatMap((id) => (tag !== null ? [tag, id, tenantId, take] : [id, tenantId, take]));
  const rows: MemberRow[] = await em.query(sql, params);
  for (const row of rows) result.get(row.group_id)?.push(toMember(row));
  return result;
}

/** How many members of each group carry the tag (one statement). */
export async function taggedMemberCounts(em: EntityManager, tenantId: string, groupIds: readonly string[], tag: string): Promise<Map<string, number>> {
  const rows: Array<{ group_id: string; n: unknown }> = await em.query(
    `SELECT m.group_id, COUNT(*) AS n FROM group_members m JOIN user_tags t ON t.user_id = m.user_id AND t.tag = ?
     WHERE m.tenant_id = ? AND m.group_id IN (${groupIds.map(() => "?").join(", ")}) GROUP BY m.group_id`,
    [tag, tenantId, ...groupIds],
  );
  return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
}

function toMember(row: MemberRow): Member {
  const user = Object.assign(new User(), {
    rowId: row.user_id,
    tenantId: row.tenant_id,
    externalId: row.external_id,
    displayName: row.display_name,
    createdAt: Number(row.user_created_at),
    updatedAt: Number(row.user_updated_at),
  });
  return Object.assign(new Member(), {
    groupId: row.group_id,
    userId: row.user_id,
    tenantId: row.tenant_id,
    role: row.role,
    joinedAt: Number(row.joined_at),
    joinSeq: Number(row.join_seq),
    joinKind: row.join_kind,
    inviterId: row.inviter_id,
    codeId: row.code_id,
    liveCodeId: row.live_code_id,
    joinState: row.join_state,
    mutedNotifications: Boolean(Number(row.muted_notifications)),
    mutedUntil: row.muted_until == null ? null : Number(row.muted_until),
    clearedThroughSeq: Number(row.cleared_through_seq),
    user,
  });
}
