import type { FieldNode } from "graphql";
import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { keysetPage } from "../../db/query";
import { Group, type MembersRefusal } from "./group.entity";
import type { GroupStatus } from "./group.enums";
import { Member } from "./member.entity";
import { firstMembers, groupById, taggedMemberCount, viewerIsMember } from "./group.loaders";
import { UserTag } from "../user/user-tag.entity";
import { rowReader } from "../../db/rows";
import { User } from "../user/user.entity";
import { userById } from "../user/user.loaders";
import { memberProjection, type MemberProjection } from "./member-page";
import { groupProjection, type GroupProjection } from "./group.projection";

/** A members field below a list of groups, read along with the list (see GroupReader.groupsOf). */
export type MembersAlong =
  | {
      /** The field the pages answer. */
      field: FieldNode;
      page: PageRequest;
      projection: MemberProjection;
    }
  /** The field's arguments are refused (e.g. `first` out of range): each group's answer is the refusal. */
  | { field: FieldNode; refusal: MembersRefusal };

const memberCursor = (m: Member) => ({ key: m.joinSeq, id: m.userId });

/** Read side of groups: visibility and the lists clients page through. */
export class GroupReader {
  constructor(private readonly db: Database) {}

  /** Members and the tenant operator see a group; anyone else is told it does not exist. */
  async canSee(ctx: RequestContext, group: Group): Promise<boolean> {
    if (!ctx.tenant || group.tenantId !== ctx.tenant.rowId) return false;
    if (ctx.principal.kind === "TENANT") return true;
    return (await ctx.loaders.get(viewerIsMember).load(group.rowId)) !== null;
  }

  /** A group the caller may see, or null. */
  async visibleGroup(ctx: RequestContext, rowId: string): Promise<Group | null> {
    const group = await ctx.loaders.get(groupById).load(rowId);
    return group && (await this.canSee(ctx, group)) ? group : null;
  }

  /**
   * The groups the calling user is in, most recently joined first, reading what `projection`
   * says: one statement that also brings each group's owner and the caller's membership, primed
   * into the request's loaders (a members field below asks whether the caller may see the group).
   */
  async groupsOf(ctx: RequestContext, page: PageRequest, projection: GroupProjection = groupProjection(null), members: MembersAlong | null = null): Promise<ConnectionShape<Group>> {
    const userId = ctx.requireUser("myGroups");
    const tenantId = ctx.tenantId;
    const source = this.db.dataSource;
    const group = rowReader(source, Group, "g_", projection.group ?? undefined);
    // The caller's membership row: its join time when a cursor is selected (the list's order).
    const member = rowReader(source, Member, "m_", projection.cursors ? ["joinedAt"] : []);
    // An owner selected for its id alone needs no user row: the group's row has it.
    const ownerColumns = projection.owner?.filter((p) => p !== "rowId");
    const owner = projection.withOwner && ownerColumns?.length !== 0 ? rowReader(source, User, "o_", ownerColumns) : null;
    // The tenant is checked on the group's row (read by its key anyway), not the membership's: the
    // caller's memberships then come from their user index alone (ix_group_members_user covers
    // them), where `m.tenant_id` made MariaDB read each membership row, or filter through the
    // tenant's whole index range (a rowid filter), for a check the group's row makes as well.
    const params: unknown[] = [userId, tenantId];
    let after = "";
    if (page.after) {
      after = " AND (m.joined_at < ? OR (m.joined_at = ? AND g.id < ?))";
      params.push(page.after.key, page.after.key, page.after.id);
    }
    params.push(page.limit + 1);
    const rows = await this.db.rows(
      `SELECT ${[group.select("g"), member.select("m"), owner?.select("o") ?? ""].filter(Boolean).join(", ")} FROM group_members m JOIN chat_groups g ON g.id = m.group_id
       ${owner ? "LEFT JOIN users o ON o.id = g.owner_id " : ""}WHERE m.user_id = ? AND g.tenant_id = ?${after} ORDER BY m.joined_at DESC, g.id DESC LIMIT ?`,
      params,
    );
    const groupLoader = ctx.loaders.get(groupById);
    const userLoader = ctx.loaders.get(userById);
    const mine = ctx.loaders.get(viewerIsMember);
    const groups: Group[] = [];
    const memberships: Member[] = [];
    for (const row of rows) {
      const g = group.readAt(row, 0);
      g.tenantId = tenantId;
      const m = member.readAt(row, group.width);
      groups.push(g);
      memberships.push(m);
      mine.prime(g.rowId, true);
      // A group read whole may serve any later field of the request; a partly read one only this list.
      if (projection.group === null) groupLoader.prime(g.rowId, g);
      // Each group's owner comes along (Group.owner answers from it; see graphql/preloaded.ts).
      if (projection.withOwner) {
        if (!g.ownerId) g.owner = null;
        else {
          const user = owner ? owner.readAt(row, group.width + member.width) : new User();
          user.rowId = g.ownerId;
          user.tenantId = tenantId;
          g.owner = user;
          if (projection.owner === null) userLoader.prime(g.ownerId, user);
        }
      }
    }
    if (members) await this.bringMembersAlong(ctx, groups.slice(0, page.limit), members);
    const joinedAt = new Map(groups.map((g, i) => [g, memberships[i]!.joinedAt]));
    return toConnection(groups, page, (g) => ({ key: joinedAt.get(g)!, id: g.rowId }), () =>
      this.db.read((em) => em.countBy(Member, { userId, tenantId })),
    );
  }

  /**
   * Reads the first members page of every listed group at once (the caller is a member of each, so
   * each may see its members) and attaches it for the one `members` field it was read for: that
   * field is then answered without a resolver call per group (see Preloaded's readFor).
   */
  private async bringMembersAlong(ctx: RequestContext, groups: readonly Group[], members: MembersAlong): Promise<void> {
    if ("refusal" in members) {
      // Only a document compiled with Group.members as a property read sees it (the resolver refuses the same arguments itself).
      for (const group of groups) group.members = members.refusal;
      return;
    }
    const { page, projection } = members;
    const pages = await ctx.loaders.get(firstMembers(page.limit + 1, null, projection)).loadMany(groups.map((g) => ({ id: g.rowId, size: g.memberCount })));
    groups.forEach((group, i) => {
      const rows = pages[i];
      if (rows instanceof Error) throw rows;
      group.members = this.membersPage(group, rows ?? [], page, null, ctx);
      group.membersReadFor = members.field;
    });
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
  async members(ctx: RequestContext, group: Group, page: PageRequest, tag: string | null = null, projection = memberProjection(null)): Promise<ConnectionShape<Member>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(Member, "m").where("m.groupId = :groupId", { groupId: group.rowId });
      if (tag !== null) qb.innerJoin(UserTag, "t", "t.userId = m.userId AND t.tag = :tag", { tag });
      return qb;
    };
    const rows = page.after
      ? await this.laterMembers(ctx, scope, page, projection)
      : ((await ctx.loaders.get(firstMembers(page.limit + 1, tag, projection)).load({ id: group.rowId, size: group.memberCount })) ?? []);
    return this.membersPage(group, rows, page, tag, ctx);
  }

  /** A page of members as a connection (`rows`: up to `page.limit + 1`, the extra one telling whether more follow). */
  private membersPage(group: Group, rows: Member[], page: PageRequest, tag: string | null, ctx: RequestContext): ConnectionShape<Member> {
    const total = () => (tag === null ? Promise.resolve(group.memberCount) : ctx.loaders.get(taggedMemberCount(tag)).load(group.rowId).then((n) => n ?? 0));
    return toConnection(rows, page, memberCursor, total);
  }

  /**
   * A later page of members (after a cursor). Like a first page, it carries each member's user when
   * users are selected (Member.user is then a property read: see graphql/preloaded.ts), loaded
   * through the request's user loader as the resolver would have.
   */
  private async laterMembers(ctx: RequestContext, scope: (em: EntityManager) => SelectQueryBuilder<Member>, page: PageRequest, projection: MemberProjection): Promise<Member[]> {
    const rows = await this.db.read((em) => keysetPage(scope(em), "m.joinSeq", "m.userId", page).getMany());
    if (projection.withUser && rows.length) {
      const users = await ctx.loaders.get(userById).loadMany(rows.map((m) => m.userId));
      rows.forEach((member, i) => {
        const user = users[i];
        if (user instanceof Error) throw user;
        if (user) member.user = user;
      });
    }
    return rows;
  }

  /** Groups split from this one, in creation order (the first `limit`). */
  subGroupsOf(group: Group, limit?: number): Promise<Group[]> {
    return this.db.read((em) => em.find(Group, { where: { parentId: group.rowId, tenantId: group.tenantId }, order: { createdAt: "ASC", rowId: "ASC" }, take: limit }));
  }
}
