import type { EntityManager } from "typeorm";
import { DomainError, ErrorCode } from "../../common/errors";
import type { RequestContext } from "../../context/context";
import type { Group } from "./group.entity";
import { GroupLogEntry } from "./group-log.entity";
import { GroupEventKind } from "./group.enums";

const DAY_MS = 24 * 3600 * 1000;

/**
 * The policy's ownership-transfer limit (WeCom: twice in 90 days per group). Counted from the
 * group's history, whose explicit transfers are OWNERSHIP_TRANSFERRED entries without a `reason`
 * (a hand-over because the owner left is not a transfer and is never refused). The caller holds
 * the group's row lock, so two concurrent transfers are counted one after the other.
 */
export async function assertTransferAllowance(ctx: RequestContext, em: EntityManager, group: Group, now: number): Promise<void> {
  const limit = ctx.policy.transferLimit();
  if (!limit) return;
  const entries = await em
    .createQueryBuilder(GroupLogEntry, "l")
    .select(["l.rowId", "l.data"])
    .where("l.groupId = :groupId AND l.kind = :kind AND l.createdAt > :since", {
      groupId: group.rowId,
      kind: GroupEventKind.OWNERSHIP_TRANSFERRED,
      since: now - limit.windowDays * DAY_MS,
    })
    .getMany();
  const transfers = entries.filter((e) => !e.data?.reason).length;
  if (transfers >= limit.count) {
    throw new DomainError(
      ErrorCode.TRANSFER_LIMIT_REACHED,
      `A group's ownership may be transferred at most ${limit.count} times in ${limit.windowDays} days on this plan`,
      ["input", "userId"],
    );
  }
}
