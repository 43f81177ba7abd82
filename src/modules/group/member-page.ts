import type { EntityManager } from "typeorm";
import { rowReader } from "../../db/rows";
import type { Selection } from "../../graphql/selection";
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
  /** Whether the user row is joined. */
  readonly withUser: boolean;
  /** User properties to read (null: every column, and such users may be shared through the request's user loader). */
  readonly user: readonly string[] | null;
}

/** Always read: the page's keys (the tenant and the user's id are known without reading them). */
const MEMBER_KEYS = ["groupId", "userId", "joinSeq"];
const USER_KEYS: string[] = [];
/** Member fields → the properties their resolvers read (a field not listed reads every column). */
const MEMBER_FIELDS: Record<string, readonly string[]> = {
  __typename: [],
  id: [],
  group: [],
  user: [],
  role: ["role"],
  joinedAt: ["joinedAt"],
  mutedNotifications: ["mutedNotifications"],
  mutedUntil: ["mutedUntil"],
  joinSource: ["joinKind", "inviterId", "joinState", "codeId", "liveCodeId"],
};
/** User fields → properties (contacts and tags load by the user's id). */
const USER_FIELDS: Record<string, readonly string[]> = {
  __typename: [],
  id: [],
  displayName: ["displayName"],
  externalId: ["externalId"],
  createdAt: ["createdAt"],
  contacts: [],
  tags: [],
};

/** The properties the selected fields need, sorted; null when a field is not in the table (read everything). */
function needs(fields: Record<string, readonly string[]>, keys: readonly string[], selected: string[]): string[] | null {
  const out = new Set(keys);
  for (const name of selected) {
    const props = fields[name];
    if (!props) return null;
    for (const p of props) out.add(p);
  }
  return [...out].sort();
}

/** The projection for a members connection's `edges.node` selection (no selection: read everything). */
export function memberProjection(node: Selection | null): MemberProjection {
  const member = node ? needs(MEMBER_FIELDS, MEMBER_KEYS, node.names()) : null;
  const withUser = !node || node.has("user");
  const user = withUser && node ? needs(USER_FIELDS, USER_KEYS, node.at("user").names()) : null;
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
  em: EntityManager,
  tenantId: string,
  groups: readonly GroupRef[],
  take: number,
  projection: MemberProjection,
  /** Only members with this CRM tag. */
  tag: string | null = null,
): Promise<Map<string, Member[]>> {
  const result = new Map<string, Member[]>(groups.map((g) => [g.id, []]));
  if (groups.length === 0 || take === 0) return result;
  const members = rowReader(em, Member, "m_", projection.member ?? undefined);
  // A user selected for its id alone needs no user row: the member's row has it.
  const users = projection.withUser && projection.user?.length !== 0 ? rowReader(em, User, "u_", projection.user ?? undefined) : null;
  const columns = `${members.select("m")}${users ? `, ${users.select("u")}` : ""}`;
  const from = `FROM group_members m${users ? " JOIN users u ON u.id = m.user_id" : ""}${tag !== null ? " JOIN user_tags t ON t.user_id = m.user_id AND t.tag = ?" : ""}`;
  const tagParam = tag !== null ? [tag] : [];
  const small = groups.filter((g) => g.size <= WINDOW_SIZE_FACTOR * take);
  const large = groups.filter((g) => g.size > WINDOW_SIZE_FACTOR * take);
  const parts: string[] = [];
  const params: unknown[] = [];
  if (small.length) {
    parts.push(
      `SELECT * FROM (SELECT ${columns}, ROW_NUMBER() OVER (PARTITION BY m.group_id ORDER BY m.join_seq, m.user_id) AS page_rank ${from}
       WHERE m.tenant_id = ? AND m.group_id IN (${small.map(() => "?").join(", ")})) w WHERE w.page_rank <= ?`,
    );
    params.push(...tagParam, tenantId, ...small.map((g) => g.id), take);
  }
  large.forEach((g, i) => {
    parts.push(`SELECT * FROM (SELECT ${columns}, 0 AS page_rank ${from} WHERE m.group_id = ? AND m.tenant_id = ? ORDER BY m.join_seq, m.user_id LIMIT ?) b${i}`);
    params.push(...tagParam, g.id, tenantId, take);
  });
  // One form alone comes back in page order; a mix is put in order per group below.
  const sql = parts.length === 1 && small.length ? `${parts[0]} ORDER BY m_group_id, page_rank` : parts.join(" UNION ALL ");
  const rows: Array<Record<string, unknown>> = await em.query(sql, params);
  for (const row of rows) {
    const member = members.read(row);
    member.tenantId = tenantId;
    if (projection.withUser) {
      const user = users ? users.read(row) : new User();
      user.rowId = member.userId;
      user.tenantId = tenantId;
      member.user = user;
    }
    result.get(member.groupId)?.push(member);
  }
  if (small.length && large.length) for (const list of result.values()) list.sort((a, b) => a.joinSeq - b.joinSeq || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
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
