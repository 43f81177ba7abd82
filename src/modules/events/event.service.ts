import { type EntityManager, LessThan } from "typeorm";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { Database } from "../../db/database";
import { keysetPage } from "../../db/query";
import { GroupLogEntry } from "../group/group-log.entity";
import { eventOfEntry, IN_LOG_EVENT_TYPE } from "../group/group-events";
import { EventRecord } from "./event.entity";
import { EVENT_RETENTION_MS } from "./event-types";

/** Feed order: (createdAt, id), as both sources are read (ids compare as the engines' binary collation does: ASCII). */
function feedOrder(a: EventRecord, b: EventRecord): number {
  return a.createdAt - b.createdAt || (a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : 0);
}

/**
 * The event feed (for partners that poll) and its retention. Events live in `events`, except
 * those kept on their group history entry (group/group-events.ts IN_LOG_EVENT_TYPE): the feed
 * reads both in one order.
 */
export class EventService {
  constructor(private readonly db: Database) {}

  /** The tenant's events of the last 30 days, oldest first, optionally of some types only. */
  async feed(tenantId: string, types: string[] | null, page: PageRequest, now: number): Promise<ConnectionShape<EventRecord>> {
    const since = now - EVENT_RETENTION_MS;
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(EventRecord, "e").where("e.tenantId = :tenantId AND e.createdAt >= :since", { tenantId, since });
      if (types) qb.andWhere("e.type IN (:...types)", { types: types.length ? types : [""] });
      return qb;
    };
    const fromLog = types === null || types.includes(IN_LOG_EVENT_TYPE);
    // ix_group_log_feed: (tenant_id, event_type, created_at, id), a range in feed order.
    const logScope = (em: EntityManager) =>
      em.createQueryBuilder(GroupLogEntry, "l").where("l.tenantId = :tenantId AND l.eventType = :type AND l.createdAt >= :since", { tenantId, type: IN_LOG_EVENT_TYPE, since });
    const rows = await this.db.read(async (em) => {
      const recorded = await keysetPage(scope(em), "e.createdAt", "e.rowId", page, "ASC").getMany();
      if (!fromLog) return recorded;
      const kept = await keysetPage(logScope(em), "l.createdAt", "l.rowId", page, "ASC").getMany();
      // Each source's first limit + 1 after the cursor: together, the feed's first limit + 1.
      return [...recorded, ...kept.map(eventOfEntry)].sort(feedOrder).slice(0, page.limit + 1);
    });
    return toConnection(rows, page, (e) => ({ key: e.createdAt, id: e.rowId }), () =>
      this.db.read(async (em) => (await scope(em).getCount()) + (fromLog ? await logScope(em).getCount() : 0)),
    );
  }

  /**
   * The events with these ids, of `tenantId` only when given, in no particular order: rows of
   * `events` until the cleanup deletes them, events kept on history entries for the feed's 30 days
   * (the history itself stays).
   */
  async findMany(rowIds: string[], now: number, tenantId?: string): Promise<EventRecord[]> {
    if (rowIds.length === 0) return [];
    return this.db.read(async (em) => {
      const rows = em.createQueryBuilder(EventRecord, "e").where("e.rowId IN (:...ids)", { ids: rowIds });
      if (tenantId !== undefined) rows.andWhere("e.tenantId = :tenantId", { tenantId });
      const recorded = await rows.getMany();
      const found = new Set(recorded.map((e) => e.rowId));
      const missing = rowIds.filter((id) => !found.has(id));
      if (missing.length === 0) return recorded;
      const entries = em
        .createQueryBuilder(GroupLogEntry, "l")
        .where("l.rowId IN (:...ids) AND l.eventType IS NOT NULL AND l.createdAt >= :since", { ids: missing, since: now - EVENT_RETENTION_MS });
      if (tenantId !== undefined) entries.andWhere("l.tenantId = :tenantId", { tenantId });
      return [...recorded, ...(await entries.getMany()).map(eventOfEntry)];
    });
  }

  /** Deletes events past the retention, in batches (the cleanup job; returns how many). Events kept on history entries stay with the history (the feed no longer shows them). */
  async purgeExpired(now: number, batch = 1000): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = await this.db.read((em) =>
        em.find(EventRecord, { select: { rowId: true }, where: { createdAt: LessThan(now - EVENT_RETENTION_MS) }, take: batch }),
      );
      if (ids.length === 0) return deleted;
      await this.db.tx((em) => em.delete(EventRecord, ids.map((e) => e.rowId)));
      deleted += ids.length;
      if (ids.length < batch) return deleted;
    }
  }

  /** Events recorded since `since` (the outbox's recent volume, for /metrics): both sources, the history's tenant by tenant through ix_group_log_feed. */
  async countSince(since: number): Promise<number> {
    return this.db.read(async (em) => {
      const recorded = await em.createQueryBuilder(EventRecord, "e").where("e.createdAt >= :since", { since }).getCount();
      const [kept] = await em.query("SELECT COUNT(*) AS n FROM tenants t JOIN group_log l ON l.tenant_id = t.id AND l.event_type = ? AND l.created_at >= ?", [IN_LOG_EVENT_TYPE, since]);
      return recorded + Number((kept as { n: number | string }).n);
    });
  }
}
