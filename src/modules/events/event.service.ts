import { type EntityManager, LessThan } from "typeorm";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { Database } from "../../db/database";
import { keysetPage } from "../../db/query";
import { EventRecord } from "./event.entity";
import { EVENT_RETENTION_MS } from "./event-types";

/** The event feed (for partners that poll) and its retention. */
export class EventService {
  constructor(private readonly db: Database) {}

  /** The tenant's events of the last 30 days, oldest first, optionally of some types only. */
  async feed(tenantId: string, types: string[] | null, page: PageRequest, now: number): Promise<ConnectionShape<EventRecord>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(EventRecord, "e").where("e.tenantId = :tenantId AND e.createdAt >= :since", { tenantId, since: now - EVENT_RETENTION_MS });
      if (types) qb.andWhere("e.type IN (:...types)", { types: types.length ? types : [""] });
      return qb;
    };
    const rows = await this.db.read((em) => keysetPage(scope(em), "e.createdAt", "e.rowId", page, "ASC").getMany());
    return toConnection(rows, page, (e) => ({ key: e.createdAt, id: e.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }

  /** Deletes events past the retention, in batches (the cleanup job; returns how many). */
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

  /** Events recorded since `since` (the outbox's recent volume, for /metrics). */
  countSince(since: number): Promise<number> {
    return this.db.read((em) => em.createQueryBuilder(EventRecord, "e").where("e.createdAt >= :since", { since }).getCount());
  }
}
