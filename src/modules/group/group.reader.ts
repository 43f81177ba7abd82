import type { EntityManager } from "typeorm";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { keysetPage } from "../../db/query";
import { Group } from "./group.entity";
import type { GroupStatus } from "./group.enums";
import { Member } from "./member.entity";
import { firstMembers, groupById, taggedMemberCount, viewerMembership } from "./group.loaders";
import { UserTag } from "../user/user-tag.entity";

/** Read side of groups: visibility and the lists clients page through. */
export class GroupReader {
  constructor(private readonly db: Database) {}

  /** Members and the tenant operator see a group; anyone else is told it does not exist. */
  async canSee(ctx: RequestContext, group: Group): Promise<boolean> {
    if (!ctx.tenant || group.tenantId !== ctx.tenant.rowId) return false;
    if (ctx.principal.kind === "TENANT") return true;
    return (await ctx.loaders.get(viewerMembership).load(group.rowId)) !== null;
  }

  /** A group the caller may see, or null. */
  async visibleGroup(ctx: RequestContext, rowId: string): Promise<Group | null> {
    const group = await ctx.loaders.get(groupById).load(rowId);
    return group && (await this.canSee(ctx, group)) ? group : null;
  }

  /** The groups a user is in, most recently joined first. */
  async groupsOf(tenantId: string, userId: string, page: PageRequest): Promise<ConnectionShape<Group>> {
    const { entities, raw } = await this.db.read((em) =>
      keysetPage(
        em
          .createQueryBuilder(Group, "g")
          .innerJoin(Member, "m", "m.groupId = g.rowId")
          .addSelect("m.joinedAt", "member_joined_at")
          .where("m.userId = :userId AND m.tenantId = :tenantId", { userId, tenantId }),
        "m.joinedAt",
        "g.rowId",
        page,
        "DESC",
      ).getRawAndEntities(),
    );
    const joinedAt = new Map(raw.map((r: { g_id: string; member_joined_at: string | number }) => [r.g_id, Number(r.member_joined_at)]));
    return toConnection(entities, page, (g) => ({ key: joinedAt.get(g.rowId)!, id: g.rowId }), () =>
      this.db.read((em) => em.countBy(Member, { userId, tenantId })),
    );
  }

  /** The tenant's groups, newest first, optionally of one status. */
  async tenantGroups(tenantId: string, status: GroupStatus | null, page: PageRequest): Promise<ConnectionShape<Group>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(Group, "g").where("g.tenantId = :tenantId", { tenantId });
      if (status) qb.andWhere("g.status = :status", { status });
      return qb;
    };
    const rows = await this.db.read((em) => keysetPage(scope(em), "g.createdAt", "g.rowId", page, "DESC").getMany());
    return toConnection(rows, page, (g) => ({ key: g.createdAt, id: g.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }

  /**
   * A group's members in join order (the creator first). First pages of many groups are fetched
   * together (see firstMembersOfGroups); later pages by a keyset query of their own.
   */
  async members(ctx: RequestContext, group: Group, page: PageRequest, tag: string | null = null): Promise<ConnectionShape<Member>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(Member, "m").where("m.groupId = :groupId", { groupId: group.rowId });
      if (tag !== null) qb.innerJoin(UserTag, "t", "t.userId = m.userId AND t.tag = :tag", { tag });
      return qb;
    };
    const rows = page.after
      ? await this.db.read((em) => keysetPage(scope(em), "m.joinSeq", "m.userId", page).getMany())
      : ((await ctx.loaders.get(firstMembers(page.limit + 1, tag)).load(group.rowId)) ?? []);
    const total = () => (tag === null ? Promise.resolve(group.memberCount) : ctx.loaders.get(taggedMemberCount(tag)).load(group.rowId).then((n) => n ?? 0));
    return toConnection(rows, page, (m) => ({ key: m.joinSeq, id: m.userId }), total);
  }

  /** Groups split from this one, in creation order (the first `limit`). */
  subGroupsOf(group: Group, limit?: number): Promise<Group[]> {
    return this.db.read((em) => em.find(Group, { where: { parentId: group.rowId, tenantId: group.tenantId }, order: { createdAt: "ASC", rowId: "ASC" }, take: limit }));
  }
}
