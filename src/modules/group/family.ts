import type { EntityManager } from "typeorm";
import type { RequestContext } from "../../context/context";
import { lockGroupRow } from "./access";
import { Group } from "./group.entity";
import { GroupStatus } from "./group.enums";
import { Member } from "./member.entity";

/**
 * The live sub-groups of a core group (one that was split) that `userId` belongs to, each locked,
 * with the membership. Lock order: the core group (held by the caller), then its sub-groups in
 * creation order. Empty for a group that is not a core group.
 */
export async function familyMemberships(ctx: RequestContext, em: EntityManager, core: Group, userId: string): Promise<Array<{ group: Group; member: Member }>> {
  if (core.parentId) return [];
  const subs = await em
    .createQueryBuilder(Group, "g")
    .innerJoin(Member, "m", "m.groupId = g.rowId AND m.userId = :userId", { userId })
    .where("g.parentId = :coreId AND g.tenantId = :tenantId AND g.status <> :dissolved", { coreId: core.rowId, tenantId: core.tenantId, dissolved: GroupStatus.DISSOLVED })
    .orderBy("g.createdAt", "ASC")
    .addOrderBy("g.rowId", "ASC")
    .select(["g.rowId"])
    .getMany();
  const result: Array<{ group: Group; member: Member }> = [];
  for (const sub of subs) {
    const group = await lockGroupRow(ctx, em, sub.rowId);
    const member = await em.findOneBy(Member, { groupId: group.rowId, userId });
    if (member && group.status !== GroupStatus.DISSOLVED) result.push({ group, member });
  }
  return result;
}
