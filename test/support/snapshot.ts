import type { TestServer } from "./server";

const TABLES = [
  "tenants",
  "tenant_api_keys",
  "users",
  "contacts",
  "chat_groups",
  "group_members",
  "invitations",
  "group_log",
  "moderation_keywords",
  "platform_moderation_keywords",
  "moderation_list_versions",
  "user_tags",
  "review_items",
  "risk_events",
  "group_codes",
  "live_codes",
  "live_code_groups",
  "face_to_face_sessions",
  "face_to_face_participants",
  "face_to_face_attempts",
  "group_bans",
  "join_requests",
  "group_activity_days",
  "member_activity_days",
];

/**
 * Every row of every table, in a stable order: compare two snapshots to prove that a refusal left
 * the database exactly as it was.
 */
export async function snapshot(server: TestServer, except: string[] = []): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    if (except.includes(table)) continue;
    const rows = await server.sql(`SELECT * FROM ${table}`);
    result[table] = rows.map((row) => JSON.stringify(row, Object.keys(row).sort())).sort();
  }
  return result;
}

/** Every table of the server's database, discovered from the catalogue (migration bookkeeping excluded). */
export async function allTables(server: TestServer): Promise<string[]> {
  const rows = server.databaseUrl.startsWith("mysql")
    ? await server.sql<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()`)
    : await server.sql<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  return rows.map((r) => r.name).filter((name) => name !== "migrations" && name !== "typeorm_metadata").sort();
}

/** Like `snapshot`, over every table the database has — including tables added after this helper was written. */
export async function snapshotAll(server: TestServer): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of await allTables(server)) {
    const rows = await server.sql(`SELECT * FROM ${table}`);
    result[table] = rows.map((row) => JSON.stringify(row, Object.keys(row).sort())).sort();
  }
  return result;
}

/** Rows added or removed between two `snapshotAll` results (a changed row is one of each), per table. */
export function snapshotDiff(before: Record<string, string[]>, after: Record<string, string[]>): Array<{ table: string; change: "added" | "removed"; row: Record<string, unknown> }> {
  const changes: Array<{ table: string; change: "added" | "removed"; row: Record<string, unknown> }> = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = new Set(before[table] ?? []);
    const now = new Set(after[table] ?? []);
    for (const row of now) if (!was.has(row)) changes.push({ table, change: "added", row: JSON.parse(row) });
    for (const row of was) if (!now.has(row)) changes.push({ table, change: "removed", row: JSON.parse(row) });
  }
  return changes;
}
