import type { EntityManager } from "typeorm";
import { addToCounters } from "../../db/query";
import type { GroupLogEntry } from "../group/group-log.entity";
import { GroupEventKind, MESSAGE_KIND } from "../group/group.enums";

export const DAY_MS = 86_400_000;

/** The start of the UTC day of an instant (epoch ms): the day a counter row stands for. */
export const utcDay = (ms: number): number => ms - (ms % DAY_MS);

type Counted = Pick<GroupLogEntry, "tenantId" | "groupId" | "kind" | "actorId" | "createdAt">;

/**
 * Counts appended history entries into the per-day counters the statistics read (tables
 * group_activity_days and member_activity_days): per group and day its MESSAGE and MEMBER_JOINED
 * entries, per group, day and writer the MESSAGE entries. Called by GroupLog in the transaction
 * that appends them, so the counters commit or roll back with the history; at most one statement
 * per table, whatever the number of entries. Every MESSAGE entry counts whatever its status (held,
 * approved, rejected), as statistics always counted them.
 */
export async function countActivity(em: EntityManager, entries: readonly Counted[]): Promise<void> {
  const groupDays = new Map<string, { group_id: string; day: number; tenant_id: string; messages: number; joins: number }>();
  const memberDays = new Map<string, { group_id: string; day: number; user_id: string; tenant_id: string; messages: number }>();
  for (const entry of entries) {
    const message = entry.kind === MESSAGE_KIND;
    if (!message && entry.kind !== GroupEventKind.MEMBER_JOINED) continue;
    const day = utcDay(entry.createdAt);
    const groupKey = `${entry.groupId}/${day}`;
    let totals = groupDays.get(groupKey);
    if (!totals) groupDays.set(groupKey, (totals = { group_id: entry.groupId, day, tenant_id: entry.tenantId, messages: 0, joins: 0 }));
    if (!message) {
      totals.joins++;
      continue;
    }
    totals.messages++;
    if (!entry.actorId) continue;
    const memberKey = `${groupKey}/${entry.actorId}`;
    let writer = memberDays.get(memberKey);
    if (!writer) memberDays.set(memberKey, (writer = { group_id: entry.groupId, day, user_id: entry.actorId, tenant_id: entry.tenantId, messages: 0 }));
    writer.messages++;
  }
  await addToCounters(em, "group_activity_days", ["group_id", "day"], ["messages", "joins"], [...groupDays.values()]);
  await addToCounters(em, "member_activity_days", ["group_id", "day", "user_id"], ["messages"], [...memberDays.values()]);
}

/**
 * Statements that recount one group's counters from its history (each takes the group's row id
 * as its one parameter), for data written into group_log without GroupLog — a bulk load such as
 * the benchmark's. Plain SQL for either engine, so any client can run them in order, e.g.
 * `for (const sql of RECOUNT_GROUP_ACTIVITY) await mysqlConnection.query(sql, [groupId])`.
 * Run them while nothing else writes to the group (or in a transaction holding its row lock).
 */
export const RECOUNT_GROUP_ACTIVITY: readonly string[] = [
  "DELETE FROM group_activity_days WHERE group_id = ?",
  `INSERT INTO group_activity_days (group_id, day, tenant_id, messages, joins)
   SELECT group_id, created_at - created_at % ${DAY_MS}, MIN(tenant_id),
          SUM(CASE WHEN kind = '${MESSAGE_KIND}' THEN 1 ELSE 0 END), SUM(CASE WHEN kind = '${GroupEventKind.MEMBER_JOINED}' THEN 1 ELSE 0 END)
   FROM group_log WHERE group_id = ? AND kind IN ('${MESSAGE_KIND}', '${GroupEventKind.MEMBER_JOINED}')
   GROUP BY group_id, created_at - created_at % ${DAY_MS}`,
  "DELETE FROM member_activity_days WHERE group_id = ?",
  `INSERT INTO member_activity_days (group_id, day, user_id, tenant_id, messages)
   SELECT group_id, created_at - created_at % ${DAY_MS}, actor_id, MIN(tenant_id), COUNT(*)
   FROM group_log WHERE group_id = ? AND kind = '${MESSAGE_KIND}' AND actor_id IS NOT NULL
   GROUP BY group_id, created_at - created_at % ${DAY_MS}, actor_id`,
];

/** Runs RECOUNT_GROUP_ACTIVITY for one group through any `query(sql, params)` (a mysql2 connection, an EntityManager). */
export async function recountGroupActivity(db: { query(sql: string, params: unknown[]): Promise<unknown> }, groupId: string): Promise<void> {
  for (const sql of RECOUNT_GROUP_ACTIVITY) await db.query(sql, [groupId]);
}
