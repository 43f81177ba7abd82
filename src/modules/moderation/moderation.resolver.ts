import { Arg, Args, Ctx, Extensions, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { LIST_BOUNDS } from "../../policy/cost";
import { runMutation } from "../../graphql/mutation";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";
import { Group } from "../group/group.entity";
import { GroupLogEntry } from "../group/group-log.entity";
import { User } from "../user/user.entity";
import { PlatformKeywordList, ReviewStatus, ReviewSubjectType } from "./moderation.enums";
import { ModerationKeyword, ReviewItem, RiskEvent } from "./moderation.entities";
import {
  ResolveReviewItemInput,
  ResolveReviewItemPayload,
  PlatformModerationKeywordConnection,
  ReviewItemConnection,
  ReviewSubject,
  RiskEventConnection,
  SetModerationKeywordsInput,
  SetModerationKeywordsPayload,
  SetPlatformModerationKeywordsInput,
  SetPlatformModerationKeywordsPayload,
} from "./moderation.types";
import { userById } from "../user/user.loaders";
import { groupById } from "../group/group.loaders";
import { ModerationService } from "./moderation.service";
import { ReviewService } from "./review.service";
import { RiskService } from "./risk.service";

@Resolver()
export class ModerationResolver {
  constructor(
    private readonly moderation: ModerationService,
    private readonly review: ReviewService,
    private readonly risk: RiskService,
  ) {}

  @Mutation(() => SetModerationKeywordsPayload, { description: "Tenant: replace the keyword list (BLOCK refuses, REVIEW holds for review)." })
  @Allow("TENANT")
  setModerationKeywords(@Arg("input", () => SetModerationKeywordsInput) input: SetModerationKeywordsInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.moderation.setKeywords(ctx, em, input));
  }

  @Query(() => [ModerationKeyword], { description: "Tenant: the keyword list." })
  @Extensions({ listSize: LIST_BOUNDS.moderationKeywords })
  @Allow("TENANT")
  moderationKeywords(@Ctx() ctx: RequestContext) {
    return ctx.db.read((em) => this.moderation.listKeywords(em, ctx.tenantId));
  }

  @Mutation(() => SetPlatformModerationKeywordsPayload, {
    description: "Platform operator: replace one of the platform's keyword lists, applied to every tenant in addition to its own (BASELINE: every group name, message and announcement; MINOR_PROTECTION: also EDUCATION groups').",
  })
  @Allow("PLATFORM")
  setPlatformModerationKeywords(@Arg("input", () => SetPlatformModerationKeywordsInput) input: SetPlatformModerationKeywordsInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.moderation.setPlatformKeywords(ctx, em, input));
  }

  @Query(() => PlatformModerationKeywordConnection, { description: "Platform operator: one of the platform's keyword lists (default BASELINE), in the order it was set." })
  @Allow("PLATFORM")
  platformModerationKeywords(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("list", () => PlatformKeywordList, { nullable: true, defaultValue: PlatformKeywordList.BASELINE }) list: PlatformKeywordList | null,
    @Ctx() ctx: RequestContext,
  ) {
    return this.moderation.listPlatformKeywords(ctx.db, list ?? PlatformKeywordList.BASELINE, pageRequest(args));
  }

  @Query(() => ReviewItemConnection, { description: "Tenant: the manual review queue, oldest first." })
  @Allow("TENANT")
  reviewQueue(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("status", () => ReviewStatus, { nullable: true, defaultValue: ReviewStatus.PENDING }) status: ReviewStatus | null,
    @Ctx() ctx: RequestContext,
  ) {
    return this.review.queue(ctx.tenantId, status ?? null, pageRequest(args));
  }

  @Mutation(() => ResolveReviewItemPayload, { description: "Tenant: approve (the group becomes ACTIVE) or reject (BLOCKED)." })
  @Allow("TENANT")
  resolveReviewItem(@Arg("input", () => ResolveReviewItemInput) input: ResolveReviewItemInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.review.resolve(ctx, em, input));
  }

  @Query(() => RiskEventConnection, { description: "Tenant: abnormal behaviour the risk controls recorded, newest first." })
  @Allow("TENANT")
  riskEvents(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return this.risk.list(ctx.tenantId, pageRequest(args));
  }
}

@Resolver(() => ReviewItem)
export class ReviewItemResolver {
  @FieldResolver(() => ReviewSubject, { nullable: true, description: "The held content." })
  subject(@Root() item: ReviewItem, @Ctx() ctx: RequestContext): Promise<Group | GroupLogEntry | null> {
    if (item.subjectType === ReviewSubjectType.GROUP) return ctx.loaders.get(groupById).load(item.subjectId);
    return ctx.db.read((em) => em.findOneBy(GroupLogEntry, { rowId: item.subjectId, tenantId: item.tenantId }));
  }
}

@Resolver(() => RiskEvent)
export class RiskEventResolver {
  @FieldResolver(() => User, { nullable: true })
  user(@Root() event: RiskEvent, @Ctx() ctx: RequestContext) {
    return event.userId ? ctx.loaders.get(userById).load(event.userId) : null;
  }

  @FieldResolver(() => Group, { nullable: true })
  group(@Root() event: RiskEvent, @Ctx() ctx: RequestContext) {
    return event.groupId ? ctx.loaders.get(groupById).load(event.groupId) : null;
  }
}
