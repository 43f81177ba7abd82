import type { EntityManager } from "typeorm";
import type { TenantPolicy } from "../../policy/policy";
import { RiskEventKind } from "../moderation/moderation.enums";
import type { RiskEventInput } from "../moderation/risk.service";
import { GroupLogEntry } from "./group-log.entity";
import { GroupEventKind } from "./group.enums";

export interface BulkAction {
  tenantId: string;
  /** Who invited, added or removed. */
  userId: string;
  groupId: string;
  kind: RiskEventKind.BULK_INVITE | RiskEventKind.BULK_REMOVE;
}

/** The history events a bulk action of each kind counts: people brought in, or people removed (never oneself). */
const COUNTED: Record<BulkAction["kind"], GroupEventKind[]> = {
  [RiskEventKind.BULK_INVITE]: [GroupEventKind.MEMBER_INVITED, GroupEventKind.MEMBER_JOINED],
  [RiskEventKind.BULK_REMOVE]: [GroupEventKind.MEMBER_REMOVED],
};

/**
 * Bulk-action detection, from the group log: after a user invited, added or removed `added`
 * people (already appended to the log), the risk event to record when this action carries them
 * over the policy's threshold within its window — once per crossing, not per action — else null.
 */
export async function detectBulkAction(em: EntityManager, policy: TenantPolicy, action: BulkAction, added: number, now: number): Promise<RiskEventInput | null> {
  if (added <= 0) return null;
  const { threshold, windowSeconds: window } = policy.bulkActionRule();
  const recent = await em
    .createQueryBuilder(GroupLogEntry, "l")
    .where("l.actorId = :userId AND l.kind IN (:...kinds) AND l.createdAt > :since AND l.subjectId <> l.actorId", {
      userId: action.userId,
      kinds: COUNTED[action.kind],
      since: now - window * 1000,
    })
    .getCount();
  if (recent < threshold || recent - added >= threshold) return null;
  const verb = action.kind === RiskEventKind.BULK_INVITE ? "invited or added" : "removed";
  return { ...action, detail: `${verb} ${recent} people within ${window} s (threshold ${threshold})` };
}
