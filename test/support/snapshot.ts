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
  "review_items",
  "risk_events",
  "group_codes",
  "live_codes",
  "live_code_groups",
  "face_to_face_sessions",
  "face_to_face_participants",
  "face_to_face_attempts",
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
