import type { EntityManager } from "typeorm";
import { newId } from "../../common/ids";
import { deferWrite, type Read } from "../../db/database";
import { insertRows, unchangedCondition } from "../../db/query";
import { type HeadSigner, sealLeaves } from "../evidence/sealing";
import { Group } from "./group.entity";
import { announceAfterCommit, prepareEvents, prepareEventsRead, recordEvents } from "../events/outbox";
import { groupLogEvents } from "./group-events";
import { countActivity } from "../stats/activity-counters";
import { GroupLogEntry, type LogData } from "./group-log.entity";

export interface LogEntryInput {
  kind: string;
  actorId?: string | null;
  subjectId?: string | null;
  text?: string | null;
  status?: string;
  data?: LogData | null;
  /** Details for the entry's event (feed, webhooks) that the log itself does not keep, e.g. a join's full source. */
  event?: Record<string, unknown>;
}

/** Seats taken by the same write: the member count moves with the log, in one conditional UPDATE. */
export interface SeatChange {
  add: number;
  /** The update refuses rather than pass this many members… */
  cap: number;
  /** …and the transaction then fails with this error. */
  full: () => Error;
  /**
   * The group as the caller expects the database to hold it (all columns): the UPDATE then also
   * refuses, with `full()`, unless the row is exactly that — for a caller that built the append on
   * a foreseen state instead of a row read under the lock. The UPDATE takes the row lock itself.
   */
  unchanged?: Group;
}

/**
 * Appends entries to groups' histories, sealing each one into the group's Merkle log with the
 * evidence key it was built with (evidence/sealing.ts signs the heads). One per app.
 */
export class GroupLog {
  constructor(private readonly signer: HeadSigner) {}

  /**
   * The caller holds the group's row lock (see lockGroup), so sequence numbers are allocated
   * without gaps or races; `group.logSize` is kept in step. With `seats`, the member count moves in
   * the same UPDATE, guarded by `member_count + add <= cap`; when that guard refuses, the
   * transaction fails with `seats.full()` and nothing is written. Each entry's event is recorded in
   * the same transaction (see group-events.ts). The writes are deferred (db/database.ts deferWrite):
   * on MySQL they reach the server together, with the transaction's COMMIT when nothing follows.
   */
  async appendWithSeats(em: EntityManager, group: Group, entries: LogEntryInput[], now: number, seats?: SeatChange): Promise<GroupLogEntry[]> {
    if (entries.length === 0) return [];
    const rows = entries.map((entry, i) =>
      em.create(GroupLogEntry, {
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
      }),
    );
    // Seal the entries: their leaves, the new roots, and the signed tree head at each size.
    const sealing = sealLeaves(this.signer, group.merkleFrontier, rows);
    rows.forEach((row, i) => Object.assign(row, sealing.entries[i]));
    const logSize = group.logSize + rows.length;
    const merkleFrontier = sealing.frontier;
    // Plain SQL for both engines, not TypeORM's update builder (≈ 1 % of a join's CPU on the join benchmark).
    const moveSeats = seats ? `, member_count = member_count + ?` : "";
    const underCap = seats ? ` AND member_count + ? <= ?` : "";
    const [unchanged, unchangedParams] = seats?.unchanged ? unchangedCondition(em.connection, Group, seats.unchanged) : ["", []];
    const update = `UPDATE chat_groups SET log_size = ?, merkle_frontier = ?, updated_at = ?${moveSeats} WHERE id = ?${underCap}${unchanged ? ` AND ${unchanged}` : ""}`;
    const params = seats ? [logSize, merkleFrontier, now, seats.add, group.rowId, seats.add, seats.cap, ...unchangedParams] : [logSize, merkleFrontier, now, group.rowId];
    await deferWrite(em, [update, params], seats ? { rows: 1, refusal: seats.full } : undefined);
    // Every entry is also an event, in the same transaction (the outbox); see group-events.ts. A
    // join's is kept on the entry itself (marked here, before the insert), the others in `events`.
    const { events, wakeUps } = groupLogEvents(group, rows, entries.map((e) => e.event));
    await insertRows(em, GroupLogEntry, rows as never); // (TypeORM's deep-partial type does not take eventExtra's JSON)
    await countActivity(em, rows); // the statistics' per-day counters move with the history (stats/activity-counters.ts)
    await recordEvents(em, events, now);
    announceAfterCommit(em, wakeUps);
    Object.assign(group, { logSize, merkleFrontier, updatedAt: now, memberCount: group.memberCount + (seats?.add ?? 0) });
    return rows;
  }

  /**
   * Reads what appending to a group of this tenant will need and the group's row lock does not
   * guard (the tenant's webhook endpoints, see outbox.ts). A path that appends under the lock calls
   * it before taking the lock, so that the lock is held for writes only.
   */
  async prepare(em: EntityManager, tenantId: string): Promise<void> {
    await prepareEvents(em, tenantId);
  }

  /** prepare as a Read, to go with the reads before the lock (readTogether); null when there is nothing to read. */
  prepareRead(em: EntityManager, tenantId: string): Read<void> | null {
    return prepareEventsRead(em, tenantId);
  }

  /** Appends entries that move no seats (always written). */
  async append(em: EntityManager, group: Group, entries: LogEntryInput[], now: number): Promise<GroupLogEntry[]> {
    return this.appendWithSeats(em, group, entries, now);
  }
}
