import type { EntityManager } from "typeorm";
import type { Database } from "../../db/database";
import { rowReader } from "../../db/rows";
import { type FieldNeeds, propertiesFor } from "../../graphql/projection";
import type { Selection } from "../../graphql/selection";
import { USER_FIELD_NEEDS } from "../user/user.projection";
import { User } from "../user/user.entity";
import { Member } from "./member.entity";

/**
 * Which member and user columns a members page reads: those the client's selection needs
 * (projection), plus the keys the page itself needs (group, user, tenant, join order).
 */
export interface MemberProjection {
  readonly key: string;
  /** Member properties to read (null: every column). */
  readonly member: readonly string[] | null;
  /** Whether the members' users are selected. */
  readonly withUser: boolean;
  /** User properties to read (null: every column, and such users may be shared through the request's user loader). */
  readonly user: readonly string[] | null;
}

/** Always read: the page's keys (the tenant and the user's id are known without reading them). */
const MEMBER_KEYS = ["groupId"];
/** Member fields → the properties their resolvers read. */
const MEMBER_FIELD_NEEDS: FieldNeeds = {
  __typename: [],
  id: ["userId"],
  group: [],
  user: [],
  role: ["role"],
  joinedAt: ["joinedAt"],
  mutedNotifications: ["mutedNotifications"],
  mutedUntil: ["mutedUntil"],
  joinSource: ["joinKind", "inviterId", "joinState", "codeId", "liveCodeId"],
};

/**
 * The projection for a members connection's selection (null: unknown, read everything). The join
 * order (joinSeq) is read when a cursor is selected.
 */
export function memberProjection(connection: Selection | null): MemberProjection {
  const node = connection?.at("edges", "node") ?? null;
  const cursors = !connection || connection.at("edges").has("cursor") || connection.has("pageInfo");
  const withUser = !node || node.has("user");
  const user = withUser && node ? propertiesFor(USER_FIELD_NEEDS, [], node.at("user")) : null;
  // The user's id is the member row's user_id: read there when the user needs it.
  const keys = [...MEMBER_KEYS, ...(cursors ? ["joinSeq", "userId"] : []), ...(withUser && (user === null || user.includes("rowId")) ? ["userId"] : [])];
  const member = propertiesFor(MEMBER_FIELD_NEEDS, keys, node);
  return { key: `${member?.join(",") ?? "*"}|${withUser ? (user?.join(",") ?? "*") : "-"}`, member, withUser, user };
}

/** A group whose first members are read, with its size (it decides the form of the statement). */
export interface GroupRef {
  id: string;
  size: number;
}

/**
 * How the first `take` members of a group are read. A group of up to WINDOW_SIZE_FACTOR × take
 * members is read with the others by ROW_NUMBER() over all their members (one index range for
 * the whole page of groups: measured fastest on MariaDB and SQLite for such groups, see
 * BENCHMARKS.md); a bigger group gets its own index range that stops after `take` rows (a UNION
 * ALL branch), so a page of large groups never reads their whole membership.
 */
const WINDOW_SIZE_FACTOR = 4;

/**
 * The first `take` members of each group, with their users when the projection selects them, in
 * ONE statement, reading only the projection's columns.
 */
export async function firstMembersOfGroups(
  db: Database,
  tenantId: string,
  groups: readonly GroupRef[],
  take: number,
  projection: MemberProjection,
  /** Only members with this CRM tag. */
  tag: string | null = null,
): Promise<Map<string, Member[]>> {
  const result = new Map<string, Member[]>(groups.map((g) => [g.id, []]));
  if (groups.length === 0 || take === 0) return result;
  const members = rowReader(db.dataSource, Member, "m_", projection.member ?? undefined);
  // A user selected for its id alone needs no user row: the member's row has it.
  const userColumns = projection.user?.filter((p) => p !== "rowId");
  const users = projection.withUser && userColumns?.length !== 0 ? rowReader(db.dataSource, User, "u_", userColumns) : null;
  const columns = `${members.select("m")}${users ? `, ${users.select("u")}` : ""}`;
  // The outer list: the readers' columns by alias, in the same order (not the ordering helpers).
  const outer = [...members.aliases, ...(users?.aliases ?? [])].join(", ");
  const order = "m.join_seq AS page_seq, m.user_id AS page_user";
  const from = `FROM group_members m${users ? " JOIN users u ON u.id = m.user_id" : ""}${tag !== null ? " JOIN user_tags t ON t.user_id = m.user_id AND t.tag = ?" : ""}`;
  const tagParam = tag !== null ? [tag] : [];
  const small = groups.filter((g) => g.size <= WINDOW_SIZE_FACTOR * take);
  const large = groups.filter((g) => g.size > WINDOW_SIZE_FACTOR * take);
  const params: unknown[] = [];
  // Small groups: ranked together in one index range over their members.
  const ranked = (select: string) => {
    params.push(...tagParam, tenantId, ...small.map((g) => g.id), take);
    return `SELECT ${select} FROM (SELECT ${columns}, ${order}, m.group_id AS page_group, ROW_NUMBER() OVER (PARTITION BY m.group_id ORDER BY m.join_seq, m.user_id) AS page_rank ${from}
       WHERE m.tenant_id = ? AND m.group_id IN (${small.map(() => "?").join(", ")})) w WHERE w.page_rank <= ?`;
  };
  // A large group: its own index range, stopping after the page.
  const range = (g: GroupRef, i: number) => {
    params.push(...tagParam, g.id, tenantId, take);
    return `SELECT * FROM (SELECT ${columns}, ${order}, m.group_id AS page_group, 0 AS page_rank ${from} WHERE m.group_id = ? AND m.tenant_id = ? ORDER BY m.join_seq, m.user_id LIMIT ?) b${i}`;
  };
  // Window form alone: one derived table, ranked already; with ranges: put in page order.
  const sql = large.length
    ? `SELECT ${outer} FROM (${[...(small.length ? [ranked("*")] : []), ...large.map(range)].join(" UNION ALL ")}) p ORDER BY p.page_group, p.page_seq, p.page_user`
    : `${ranked(outer)} ORDER BY w.page_group, w.page_rank`;
  const rows = await db.rows(sql, params);
  for (const row of rows) {
    const member = members.readAt(row, 0);
    member.tenantId = tenantId;
    if (projection.withUser) {
      const user = users ? users.readAt(row, members.width) : new User();
      if (member.userId !== undefined) user.rowId = member.userId;
      user.tenantId = tenantId;
      member.user = user;
    }
    result.get(member.groupId)?.push(member);
  }
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
