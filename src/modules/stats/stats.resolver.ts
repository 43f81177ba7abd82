import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { Group } from "../group/group.entity";
import { userById } from "../user/user.loaders";
import { StatsService } from "./stats.service";
import { GroupStats, TenantStats } from "./stats.types";

const DAYS = "The window in whole UTC days, 1…366: today (UTC) and the days − 1 days before it.";

/** Dashboards (plans with statsEnabled): the tenant's activity across its groups. The feature gate, visibility and `days` checks are StatsService's. */
@Resolver()
export class StatsResolver {
  constructor(private readonly statsService: StatsService) {}

  @Query(() => TenantStats, { description: "Tenant: activity across all its groups (plans with statsEnabled)." })
  @Allow("TENANT")
  tenantStats(@Arg("days", () => Int, { defaultValue: 30, description: DAYS }) days: number, @Ctx() ctx: RequestContext) {
    return this.statsService.tenantDashboard(ctx, days);
  }
}

@Resolver(() => Group)
export class GroupStatsResolver {
  constructor(private readonly statsService: StatsService) {}

  @FieldResolver(() => GroupStats, { nullable: true, description: "Dashboards (plans with statsEnabled); owners, admins and the tenant." })
  async stats(@Root() group: Group, @Arg("days", () => Int, { defaultValue: 7, description: DAYS }) days: number, @Ctx() ctx: RequestContext) {
    const data = await this.statsService.groupDashboard(ctx, group, days);
    if (!data) return null;
    const users = await Promise.all(data.topSpeakers.map((s) => ctx.loaders.get(userById).load(s.userId)));
    return { ...data, topSpeakers: data.topSpeakers.map((s, i) => ({ user: users[i], messages: s.messages })).filter((s) => s.user) };
  }
}
