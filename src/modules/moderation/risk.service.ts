import type { EntityManager } from "typeorm";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import { truncateText } from "../../common/validation";
import type { Database } from "../../db/database";
import { keysetPage } from "../../db/query";
import { RiskEventKind } from "./moderation.enums";
import { RiskEvent } from "./moderation.entities";
import { toGlobalId } from "../../common/global-id";
import { recordEvent } from "../events/outbox";

export interface RiskEventInput {
  tenantId: string;
  kind: RiskEventKind;
  userId: string | null;
  groupId?: string | null;
  detail: string;
}

/** Risk control: records abnormal behaviour for the tenant's operators to see. */
export class RiskService {
  constructor(private readonly db: Database) {}

  async record(em: EntityManager, event: RiskEventInput, now: number): Promise<void> {
    const rowId = newId();
    const detail = truncateText(event.detail, 500);
    await em.insert(RiskEvent, { rowId, groupId: null, ...event, detail, createdAt: now });
    // Also when recorded after a refused mutation's rollback: that transaction commits, and so does its event.
    await recordEvent(
      em,
      {
        tenantId: event.tenantId,
        type: "risk_event.recorded",
        groupId: event.groupId ?? null,
        data: {
          riskEventId: toGlobalId("RiskEvent", rowId),
          kind: event.kind,
          userId: event.userId ? toGlobalId("User", event.userId) : null,
          groupId: event.groupId ? toGlobalId("Group", event.groupId) : null,
          detail,
        },
      },
      now,
    );
  }

  /** Records the event unless the same kind was already recorded for the user within `windowMs`. */
  async recordOnce(em: EntityManager, event: RiskEventInput, now: number, windowMs: number): Promise<void> {
    const recent = await em
      .createQueryBuilder(RiskEvent, "r")
      .where("r.userId = :userId AND r.kind = :kind AND r.createdAt > :since", { userId: event.userId, kind: event.kind, since: now - windowMs })
      .getCount();
    if (recent === 0) await this.record(em, event, now);
  }

  async list(tenantId: string, page: PageRequest): Promise<ConnectionShape<RiskEvent>> {
    const scope = (em: EntityManager) => em.createQueryBuilder(RiskEvent, "r").where("r.tenantId = :tenantId", { tenantId });
    const rows = await this.db.read((em) => keysetPage(scope(em), "r.createdAt", "r.rowId", page, "DESC").getMany());
    return toConnection(rows, page, (r) => ({ key: r.createdAt, id: r.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }
}
