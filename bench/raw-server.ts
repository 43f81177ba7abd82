/**
 * The baseline the API is measured against: plain node:http + mysql2 answering the benchmark's
 * read with the same batched SQL statements the API's read path uses (groups with their owners, then members), JSON built by hand.
 * The caller is named by an `x-user-id` header (no auth, no GraphQL): the floor of what any server
 * on this stack can do. POST /join?form=single|combined runs the API's join transaction for the
 * caller (see join below).
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { createPool } from "mysql2/promise";
import { Combiner } from "../src/common/combiner";

const url = new URL(process.env.DATABASE_URL!);
const pool = createPool({
  host: url.hostname,
  port: Number(url.port || 3306),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  database: url.pathname.slice(1),
  connectionLimit: 20,
  supportBigNumbers: true,
});

/**
 * The first `take` members of each group, in one of two forms (RAW_MEMBERS_SQL): "union", a UNION
 * ALL of one index range per group, each stopping after `take` rows; or "window", ROW_NUMBER()
 * over the members of all the groups, filtered to the first `take` of each.
 */
const FORM = process.env.RAW_MEMBERS_SQL === "window" ? "window" : "union";
const branch = "SELECT m.group_id, u.display_name FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY m.join_seq, m.user_id LIMIT ?";
function membersSql(groups: number): string {
  if (FORM === "union") return Array.from({ length: groups }, (_, i) => `SELECT * FROM (${branch}) b${i}`).join(" UNION ALL ");
  return `SELECT group_id, display_name FROM (SELECT m.group_id, u.display_name, ROW_NUMBER() OVER (PARTITION BY m.group_id ORDER BY m.join_seq, m.user_id) AS n
    FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id IN (?)) x WHERE n <= ? ORDER BY group_id, n`;
}
function membersParams(page: GroupRow[], take: number): unknown[] {
  return FORM === "union" ? page.flatMap((g) => [g.id, take]) : [page.map((g) => g.id), take];
}

/**
 * A read on a connection of its own, released after: mysql2's `pool.query` keeps each result set
 * reachable long enough for the young generation's collections to copy and promote it (measured: most
 * of what a read allocates survived them), where taking a connection, querying and releasing it
 * does not. The API's hot reads do the same (Database.rows).
 */
async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
  const connection = await pool.getConnection();
  try {
    const [rows] = await connection.query(sql, params);
    return rows as T[];
  } finally {
    connection.release();
  }
}

interface GroupRow { id: string; owner_name: string | null }
interface MemberRow { group_id: string; display_name: string }

async function read(userId: string, groups: number, members: number): Promise<string> {
  // Each group's owner comes along in the same statement (LEFT JOIN: a dissolved group has none).
  const groupRows = await query<GroupRow>(
    "SELECT g.id, o.display_name AS owner_name FROM chat_groups g JOIN group_members m ON m.group_id = g.id LEFT JOIN users o ON o.id = g.owner_id WHERE m.user_id = ? ORDER BY m.joined_at DESC, g.id DESC LIMIT ?",
    [userId, groups + 1],
  );
  const page = groupRows.slice(0, groups);
  const memberRows = page.length ? await query<MemberRow>(membersSql(page.length), membersParams(page, members + 1)) : [];
  const byGroup = new Map<string, string[]>();
  for (const row of memberRows) {
    const list = byGroup.get(row.group_id) ?? [];
    if (list.length < members) list.push(row.display_name);
    byGroup.set(row.group_id, list);
  }
  const edges = page.map((g) => ({
    node: {
      owner: g.owner_name === null ? null : { displayName: g.owner_name },
      members: { edges: (byGroup.get(g.id) ?? []).map((displayName) => ({ node: { user: { displayName } } })) },
    },
  }));
  return JSON.stringify({ data: { myGroups: { edges } } });
}

interface JoinTarget { groupId: string; codeId: string; tenantId: string }

/**
 * The writes of a code join for `userIds` (not yet members) in one transaction: lock the group,
 * check memberships, lock the code, count the uses, seat them, their history entries and member
 * rows, the day's join counter. No GraphQL, auth, Merkle sealing, signing, events or welcome.
 */
async function joinAll(target: JoinTarget, userIds: string[]): Promise<void> {
  const c = await pool.getConnection();
  try {
    const k = userIds.length;
    await c.query("START TRANSACTION");
    const [[group]] = (await c.query("SELECT member_count, log_size FROM chat_groups WHERE id = ? FOR UPDATE", [target.groupId])) as any;
    await c.query("SELECT user_id FROM group_members WHERE group_id = ? AND user_id IN (?)", [target.groupId, userIds]);
    await c.query("SELECT uses, max_uses FROM group_codes WHERE id = ? FOR UPDATE", [target.codeId]);
    await c.query("UPDATE group_codes SET uses = uses + ? WHERE id = ? AND (max_uses IS NULL OR uses + ? <= max_uses)", [k, target.codeId, k]);
    await c.query("UPDATE chat_groups SET member_count = member_count + ?, log_size = log_size + ? WHERE id = ? AND member_count + ? <= 100000", [k, k, target.groupId, k]);
    const first = Number(group.log_size) + 1;
    const at = Date.now();
    await c.query("INSERT INTO group_activity_days (group_id, day, tenant_id, messages, joins) VALUES (?, ?, ?, 0, ?) ON DUPLICATE KEY UPDATE joins = joins + VALUES(joins)", [target.groupId, at - (at % 86_400_000), target.tenantId, k]);
    await c.query("INSERT INTO group_log (id, tenant_id, group_id, seq, kind, actor_id, subject_id, status, created_at) VALUES ?", [userIds.map((u, i) => [randomUUID(), target.tenantId, target.groupId, first + i, "MEMBER_JOINED", u, u, "VISIBLE", at])]);
    await c.query("INSERT INTO group_members (group_id, user_id, tenant_id, role, joined_at, join_seq, join_kind, code_id, muted_notifications) VALUES ?", [userIds.map((u, i) => [target.groupId, u, target.tenantId, "MEMBER", at, first + i, "GROUP_CODE", target.codeId, 0])]);
    await c.query("COMMIT");
  } catch (error) {
    await c.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    c.release();
  }
}

/** Joins into one group arriving while a join transaction runs go together in the next, with the API's joinCombined settings (64 per batch, a second batch beside the first when a full one waits). */
const combiner = new Combiner<{ target: JoinTarget; userId: string }, true>(async (_key, joins) => {
  await joinAll(joins[0].target, joins.map((j) => j.userId));
  return joins.map(() => true);
}, 64, 2);

async function join(form: string, target: JoinTarget, userId: string): Promise<string> {
  if (form === "combined") {
    if (!(await combiner.submit(target.groupId, { target, userId }))) throw new Error("combined join failed");
  } else {
    await joinAll(target, [userId]);
  }
  return JSON.stringify({ data: { joinGroupByCode: { member: { role: "MEMBER" }, userErrors: [] } } });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    const variables = body.variables ?? {};
    const path = new URL(req.url ?? "/", "http://raw").pathname;
    const userId = String(req.headers["x-user-id"]);
    const answer = path === "/join" ? join(new URL(req.url!, "http://raw").searchParams.get("form") ?? "single", body, userId) : read(userId, variables.groups ?? 50, variables.members ?? 20);
    answer.then(
      (json) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
        res.end(json);
      },
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`RAW_LISTENING ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))));
