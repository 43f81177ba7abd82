import { LIST_BOUNDS } from "../../policy/cost";
import type { EntityManager } from "typeorm";
import { DomainError, ErrorCode } from "../../common/errors";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import type { GroupReader } from "../group/group.reader";
import { viewerMembership } from "../group/group.loaders";
import { mayDo } from "../group/roles";
import { Group } from "../group/group.entity";
import { GroupStatus, type JoinSourceKind } from "../group/group.enums";
import { Member } from "../group/member.entity";
import { UserTag } from "../user/user-tag.entity";
import { DAY_MS, utcDay } from "./activity-counters";
import { GroupActivityDay, MemberActivityDay } from "./activity.entities";

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

/** The first day of a window of whole UTC days: today and the `days` − 1 days before it. */
function windowStart(now: number, days: number): number {
  return utcDay(now) - (days - 1) * DAY_MS;
}

/**
 * Dashboards for plans with statsEnabled. Member figures are aggregates over a group's (or
 * tenant's) member rows; message and join figures read the per-day counters that GroupLog keeps
 * as it appends (activity-counters.ts), so their cost follows the days and writers of the window,
 * never the number of messages.
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
    const from = windowStart(now, windowDays);
    return this.db.read(async (em) => {
      const writers = () => em.createQueryBuilder(MemberActivityDay, "w").where("w.groupId = :groupId AND w.day >= :from", { groupId: group.rowId, from });
      const [bySource, byState, byTag, messages, active, speakers] = await Promise.all([
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
        // One row per day the group had activity: all time, and the window's days.
        em
          .createQueryBuilder(GroupActivityDay, "d")
          .select("SUM(d.messages)", "total")
          .addSelect("SUM(CASE WHEN d.day >= :from THEN d.messages ELSE 0 END)", "recent")
          .where("d.groupId = :groupId", { groupId: group.rowId, from })
          .getRawOne(),
        writers().select("COUNT(DISTINCT w.userId)", "n").getRawOne(),
        writers()
          .select("w.userId", "userId")
          .addSelect("SUM(w.messages)", "sent")
          .groupBy("w.userId")
          .orderBy("sent", "DESC")
          .addOrderBy("w.userId", "ASC")
          .limit(LIST_BOUNDS.topSpeakers)
          .getRawMany(),
      ]);
      return {
        joinsBySource: bySource,
        joinsByState: byState.map((r: { state: string; count: unknown }) => ({ state: r.state, count: num(r.count) })),
        membersByTag: byTag.map((r: { tag: string; count: unknown }) => ({ tag: r.tag, count: num(r.count) })),
        messageCount: num(messages?.total),
        messagesInWindow: num(messages?.recent),
        activeMembers: num(active?.n),
        topSpeakers: speakers.map((r: { userId: string; sent: unknown }) => ({ userId: r.userId, messages: num(r.sent) })),
        windowDays,
      };
    });
  }

  async tenantStats(tenantId: string, windowDays: number, now: number): Promise<TenantStatsData> {
    const from = windowStart(now, windowDays);
    return this.db.read(async (em) => {
      const live = em.createQueryBuilder(Group, "g").where("g.tenantId = :tenantId AND g.status <> :dissolved", { tenantId, dissolved: GroupStatus.DISSOLVED });
      const [groups, memberships, bySource, days] = await Promise.all([
        live.clone().getCount(),
        live.clone().select("SUM(g.memberCount)", "n").getRawOne(),
        this.membersBy(em, "m.joinKind", "m.tenantId = :tenantId", { tenantId }),
        this.byDay(em, tenantId, from),
      ]);
      const messagesByDay = days.filter((d) => d.messages > 0).map((d) => ({ day: d.day, count: d.messages }));
      return {
        groupCount: groups,
        memberships: num(memberships?.n),
        messagesInWindow: messagesByDay.reduce((sum, d) => sum + d.count, 0),
        joinsBySource: bySource,
        joinsByDay: days.filter((d) => d.joins > 0).map((d) => ({ day: d.day, count: d.joins })),
        messagesByDay,
        windowDays,
      };
    });
  }

  private async membersBy(em: EntityManager, column: string, where: string, params: Record<string, string>) {
    const rows = await em.createQueryBuilder(Member, "m").select(column, "source").addSelect("COUNT(*)", "count").where(where, params).groupBy(column).orderBy("count", "DESC").getRawMany();
    return rows.map((r: { source: JoinSourceKind; count: unknown }) => ({ source: r.source, count: num(r.count) }));
  }

  /** Messages and joins per UTC day (epoch ms of the day's start) across the tenant's groups, oldest first: groups × days rows. */
  private async byDay(em: EntityManager, tenantId: string, from: number) {
    const rows = await em
      .createQueryBuilder(GroupActivityDay, "d")
      .select("d.day", "day")
      .addSelect("SUM(d.messages)", "messages")
      .addSelect("SUM(d.joins)", "joins")
      .where("d.tenantId = :tenantId AND d.day >= :from", { tenantId, from })
      .groupBy("d.day")
      .orderBy("d.day", "ASC")
      .getRawMany();
    return rows.map((r: { day: unknown; messages: unknown; joins: unknown }) => ({ day: num(r.day), messages: num(r.messages), joins: num(r.joins) }));
  }
}
