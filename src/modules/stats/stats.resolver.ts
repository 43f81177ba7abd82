import { GraphQLError } from "graphql";
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { ErrorCode } from "../../common/errors";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { Group } from "../group/group.entity";
import { viewerMembership } from "../group/group.loaders";
import { GroupReader } from "../group/group.reader";
import { mayDo } from "../group/roles";
import { userById } from "../user/user.loaders";
import { StatsService } from "./stats.service";
import { GroupStats, TenantStats } from "./stats.types";

function featureNotInPlan(): GraphQLError {
  return new GraphQLError("Statistics are not part of this plan", { extensions: { code: ErrorCode.FEATURE_NOT_IN_PLAN } });
}

const windowArg = (days: number) => {
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new GraphQLError("`days` must be 1…366", { extensions: { code: ErrorCode.INVALID_INPUT } });
  return days;
};

/** Dashboards (plans with statsEnabled): the tenant's activity across its groups. */
@Resolver()
export class StatsResolver {
  constructor(private readonly statsService: StatsService) {}

  @Query(() => TenantStats, { description: "Tenant: activity across all its groups (plans with statsEnabled)." })
  @Allow("TENANT")
  tenantStats(@Arg("days", () => Int, { defaultValue: 30 }) days: number, @Ctx() ctx: RequestContext) {
    if (!ctx.policy.limits.statsEnabled) throw featureNotInPlan();
    return this.statsService.tenantStats(ctx.tenantId, windowArg(days), ctx.now());
  }
}

@Resolver(() => Group)
export class GroupStatsResolver {
  constructor(
    private readonly groupReader: GroupReader,
    private readonly statsService: StatsService,
  ) {}

  @FieldResolver(() => GroupStats, { nullable: true, description: "Dashboards (plans with statsEnabled); owners, admins and the tenant." })
  async stats(@Root() group: Group, @Arg("days", () => Int, { defaultValue: 7 }) days: number, @Ctx() ctx: RequestContext) {
    if (!ctx.policy.limits.statsEnabled) throw featureNotInPlan();
    if (ctx.principal.kind === "USER") {
      const membership = await ctx.loaders.get(viewerMembership).load(group.rowId);
      if (!membership || !mayDo(membership.role, "see group statistics")) return null;
    } else if (!(await this.groupReader.canSee(ctx, group))) return null;
    const data = await this.statsService.groupStats(group, windowArg(days), ctx.now());
    const users = await Promise.all(data.topSpeakers.map((s) => ctx.loaders.get(userById).load(s.userId)));
    return { ...data, topSpeakers: data.topSpeakers.map((s, i) => ({ user: users[i], messages: s.messages })).filter((s) => s.user) };
  }
}
