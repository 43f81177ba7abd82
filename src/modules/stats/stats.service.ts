import { LIST_BOUNDS } from "../../policy/cost";
import type { EntityManager } from "typeorm";
import { DomainError, ErrorCode } from "../../common/errors";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import type { GroupReader } from "../group/group.reader";
import { viewerMembership } from "../group/group.loaders";
import { mayDo } from "../group/roles";
import { GroupLogEntry } from "../group/group-log.entity";
import { Group } from "../group/group.entity";
import { GroupEventKind, GroupStatus, type JoinSourceKind, MESSAGE_KIND } from "../group/group.enums";
import { Member } from "../group/member.entity";
import { UserTag } from "../user/user-tag.entity";

const DAY_MS = 86_400_000;

export interface GroupStatsData {
  joinsBySource: Array<{ source: JoinSourceKind; count: number }>;
  joinsByState: Array<{ state: string; count: number }>;
  membersByTag: Array<{ tag: string; count: number }>;
  messageCount: number;
  messagesInWindow: number;
  activeMembers: number;
  topSpeakers: Array<{ userId: string; messages: number }>;
  windowDays: number;
}

export interface TenantStatsData {
  groupCount: number;
  memberships: number;
  messagesInWindow: number;
  joinsBySource: Array<{ source: JoinSourceKind; count: number }>;
  joinsByDay: Array<{ day: number; count: number }>;
  messagesByDay: Array<{ day: number; count: number }>;
  windowDays: number;
}

const num = (value: unknown) => Number(value ?? 0);

/** A dashboard's window in days: 1…366. */
function windowDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new DomainError(ErrorCode.INVALID_INPUT, "`days` must be 1…366");
  return days;
}

/**
 * Dashboards for plans with statsEnabled. Every figure is one aggregate over an index range
 * (members by group, history by group/kind/time), so it stays fast on large groups.
 */
export class StatsService {
  constructor(
    private readonly db: Database,
    private readonly groups: GroupReader,
  ) {}

  /**
   * A group's dashboard as the caller may see it: FEATURE_NOT_IN_PLAN unless the plan has stats;
   * null for plain members and anyone who cannot see the group; owners, admins and the tenant get it.
   */
  async groupDashboard(ctx: RequestContext, group: Group, days: number): Promise<GroupStatsData | null> {
    ctx.policy.requireFeature("stats");
    if (ctx.principal.kind === "USER") {
      const membership = await ctx.loaders.get(viewerMembership).load(group.rowId);
      if (!membership || !mayDo(membership.role, "see group statistics")) return null;
    } else if (!(await this.groups.canSee(ctx, group))) return null;
    return this.groupStats(group, windowDays(days), ctx.now());
  }

  /** The tenant's dashboard; FEATURE_NOT_IN_PLAN unless the plan has stats. */
  tenantDashboard(ctx: RequestContext, days: number): Promise<TenantStatsData> {
    ctx.policy.requireFeature("stats");
    return this.tenantStats(ctx.tenantId, windowDays(days), ctx.now());
  }

  async groupStats(group: Group, windowDays: number, now: number): Promise<GroupStatsData> {
    const since = now - windowDays * DAY_MS;
    return this.db.read(async (em) => {
      const messages = () => em.createQueryBuilder(GroupLogEntry, "l").where("l.groupId = :groupId AND l.kind = :kind", { groupId: group.rowId, kind: MESSAGE_KIND });
      const [bySource, byState, byTag, total, recent, active, speakers] = await Promise.all([
        this.membersBy(em, "m.joinKind", "m.groupId = :groupId", { groupId: group.rowId }),
        em
          .createQueryBuilder(Member, "m")
          .select("m.joinState", "state")
          .addSelect("COUNT(*)", "count")
          .where("m.groupId = :groupId AND m.joinState IS NOT NULL", { groupId: group.rowId })
          .groupBy("m.joinState")
          .orderBy("count", "DESC")
          .addOrderBy("m.joinState", "ASC")
          .limit(LIST_BOUNDS.joinStates)
          .getRawMany(),
        em
          .createQueryBuilder(Member, "m")
          .innerJoin(UserTag, "t", "t.userId = m.userId")
          .select("t.tag", "tag")
          .addSelect("COUNT(*)", "count")
          .where("m.groupId = :groupId", { groupId: group.rowId })
          .groupBy("t.tag")
          .orderBy("count", "DESC")
          .addOrderBy("t.tag", "ASC")
          .limit(LIST_BOUNDS.membersByTag)
          .getRawMany(),
        messages().getCount(),
        messages().andWhere("l.createdAt > :since", { since }).getCount(),
        messages().andWhere("l.createdAt > :since", { since }).select("COUNT(DISTINCT l.actorId)", "n").getRawOne(),
        messages()
          .andWhere("l.createdAt > :since", { since })
          .select("l.actorId", "userId")
          .addSelect("COUNT(*)", "messages")
          .groupBy("l.actorId")
          .orderBy("messages", "DESC")
          .addOrderBy("l.actorId", "ASC")
          .limit(10)
          .getRawMany(),
      ]);
      return {
        joinsBySource: bySource,
        joinsByState: byState.map((r: { state: string; count: unknown }) => ({ state: r.state, count: num(r.count) })),
        membersByTag: byTag.map((r: { tag: string; count: unknown }) => ({ tag: r.tag, count: num(r.count) })),
        messageCount: total,
        messagesInWindow: recent,
        activeMembers: num(active?.n),
        topSpeakers: speakers.map((r: { userId: string; messages: unknown }) => ({ userId: r.userId, messages: num(r.messages) })),
        windowDays,
      };
    });
  }

  async tenantStats(tenantId: string, windowDays: number, now: number): Promise<TenantStatsData> {
    const since = now - windowDays * DAY_MS;
    return this.db.read(async (em) => {
      const live = em.createQueryBuilder(Group, "g").where("g.tenantId = :tenantId AND g.status <> :dissolved", { tenantId, dissolved: GroupStatus.DISSOLVED });
      const [groups, memberships, bySource, joinsByDay, messagesByDay] = await Promise.all([
        live.clone().getCount(),
        live.clone().select("SUM(g.memberCount)", "n").getRawOne(),
        this.membersBy(em, "m.joinKind", "m.tenantId = :tenantId", { tenantId }),
        this.byDay(em, tenantId, GroupEventKind.MEMBER_JOINED, since),
        this.byDay(em, tenantId, MESSAGE_KIND, since),
      ]);
      return {
        groupCount: groups,
        memberships: num(memberships?.n),
        messagesInWindow: messagesByDay.reduce((sum, d) => sum + d.count, 0),
        joinsBySource: bySource,
        joinsByDay,
        messagesByDay,
        windowDays,
      };
    });
  }

  private async membersBy(em: EntityManager, column: string, where: string, params: Record<string, string>) {
    const rows = await em.createQueryBuilder(Member, "m").select(column, "source").addSelect("COUNT(*)", "count").where(where, params).groupBy(column).orderBy("count", "DESC").getRawMany();
    return rows.map((r: { source: JoinSourceKind; count: unknown }) => ({ source: r.source, count: num(r.count) }));
  }

  /** History entries of one kind per UTC day (epoch ms of the day's start), oldest first. */
  private async byDay(em: EntityManager, tenantId: string, kind: string, since: number) {
    const rows = await em
      .createQueryBuilder(GroupLogEntry, "l")
      .select(`l.created_at - (l.created_at % ${DAY_MS})`, "day")
      .addSelect("COUNT(*)", "count")
      .where("l.tenantId = :tenantId AND l.kind = :kind AND l.createdAt > :since", { tenantId, kind, since })
      .groupBy("day")
      .orderBy("day", "ASC")
      .getRawMany();
    return rows.map((r: { day: unknown; count: unknown }) => ({ day: num(r.day), count: num(r.count) }));
  }
}
