import type { TestServer } from "./server";

const DAY_MS = 86_400_000;

/** Rows as comparable strings (numbers normalised: mysql2 returns bigint and SUM as strings). */
const lines = (rows: Array<Record<string, unknown>>, columns: string[], numeric: string[]) =>
  rows.map((row) => columns.map((c) => (numeric.includes(c) ? String(Number(row[c])) : String(row[c]))).join(" ")).sort();

/**
 * The statistics' per-day counters (group_activity_days, member_activity_days) compared with a
 * full recount of the history (group_log): every row that differs, as "counters: …" or "recount: …".
 * Empty when the counters are exact.
 */
export async function activityCounterProblems(server: TestServer): Promise<string[]> {
  const day = `created_at - created_at % ${DAY_MS}`;
  const groupColumns = ["tenant_id", "group_id", "day", "messages", "joins"];
  const groupNumbers = ["day", "messages", "joins"];
  const groupRecount = await server.sql(
    `SELECT MIN(tenant_id) AS tenant_id, group_id, ${day} AS day,
       SUM(CASE WHEN kind = 'MESSAGE' THEN 1 ELSE 0 END) AS messages, SUM(CASE WHEN kind = 'MEMBER_JOINED' THEN 1 ELSE 0 END) AS joins
     FROM group_log WHERE kind IN ('MESSAGE', 'MEMBER_JOINED') GROUP BY group_id, ${day}`,
  );
  const groupCounters = await server.sql(`SELECT tenant_id, group_id, day, messages, joins FROM group_activity_days WHERE messages <> 0 OR joins <> 0`);
  const memberColumns = ["tenant_id", "group_id", "day", "user_id", "messages"];
  const memberNumbers = ["day", "messages"];
  const memberRecount = await server.sql(
    `SELECT MIN(tenant_id) AS tenant_id, group_id, ${day} AS day, actor_id AS user_id, COUNT(*) AS messages
     FROM group_log WHERE kind = 'MESSAGE' AND actor_id IS NOT NULL GROUP BY group_id, ${day}, actor_id`,
  );
  const memberCounters = await server.sql(`SELECT tenant_id, group_id, day, user_id, messages FROM member_activity_days WHERE messages <> 0`);
  return [
    ...difference("group_activity_days", lines(groupCounters, groupColumns, groupNumbers), lines(groupRecount, groupColumns, groupNumbers)),
    ...difference("member_activity_days", lines(memberCounters, memberColumns, memberNumbers), lines(memberRecount, memberColumns, memberNumbers)),
  ];
}

function difference(table: string, counters: string[], recount: string[]): string[] {
  const inRecount = new Set(recount);
  const inCounters = new Set(counters);
  return [
    ...counters.filter((row) => !inRecount.has(row)).map((row) => `${table} counters: ${row}`),
    ...recount.filter((row) => !inCounters.has(row)).map((row) => `${table} recount: ${row}`),
  ];
}
