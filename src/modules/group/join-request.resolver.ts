import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { runMutation } from "../../graphql/mutation";
import { User } from "../user/user.entity";
import { userById } from "../user/user.loaders";
import { AnswerJoinRequestInput, AnswerJoinRequestPayload } from "./governance.types";
import { Group } from "./group.entity";
import { JoinRequestStatus } from "./group.enums";
import { groupById } from "./group.loaders";
import { JoinRequestConnection, JoinSource } from "./group.types";
import { JoinRequest } from "./join-request.entity";
import { JoinRequestService, joinRequestStatus, sourceOf } from "./join-request.service";

@Resolver(() => JoinRequest)
export class JoinRequestResolver {
  constructor(private readonly joinRequests: JoinRequestService) {}

  @Mutation(() => AnswerJoinRequestPayload, { description: "Owner or admin: approve (capacity is checked now) or reject a join request." })
  @Allow("TENANT", "USER")
  answerJoinRequest(@Arg("input", () => AnswerJoinRequestInput) input: AnswerJoinRequestInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.joinRequests.answer(ctx, em, input));
  }

  @Query(() => JoinRequestConnection, { description: "User: the caller's own join requests, newest first." })
  @Allow("USER")
  myJoinRequests(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return this.joinRequests.listFor(ctx.tenantId, ctx.userId!, pageRequest(args));
  }

  @FieldResolver(() => JoinRequestStatus)
  status(@Root() request: JoinRequest, @Ctx() ctx: RequestContext): JoinRequestStatus {
    return joinRequestStatus(request, ctx.now());
  }

  @FieldResolver(() => Group, { description: "The group (its members stay hidden until the requester joins)." })
  async group(@Root() request: JoinRequest, @Ctx() ctx: RequestContext): Promise<Group> {
    return (await ctx.loaders.get(groupById).load(request.groupId))!;
  }

  @FieldResolver(() => User, { description: "Who would join." })
  async requester(@Root() request: JoinRequest, @Ctx() ctx: RequestContext): Promise<User> {
    return (await ctx.loaders.get(userById).load(request.requesterId))!;
  }

  @FieldResolver(() => User, { nullable: true, description: "The member whose invitation made the request." })
  inviter(@Root() request: JoinRequest, @Ctx() ctx: RequestContext) {
    return request.inviterId ? ctx.loaders.get(userById).load(request.inviterId) : null;
  }

  @FieldResolver(() => JoinSource, { description: "The path the requester came by; it becomes their joinSource when approved." })
  async source(@Root() request: JoinRequest, @Ctx() ctx: RequestContext): Promise<JoinSource> {
    const source = sourceOf(request);
    return { ...source, inviter: source.inviterId ? await ctx.loaders.get(userById).load(source.inviterId) : null };
  }
}

@Resolver(() => Group)
export class GroupJoinRequestsResolver {
  constructor(private readonly joinRequestService: JoinRequestService) {}

  @FieldResolver(() => JoinRequestConnection, { nullable: true, description: "Join requests, newest first (default: the pending ones). Owners, admins and the tenant key; null for anyone else." })
  async joinRequests(
    @Root() group: Group,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("status", () => JoinRequestStatus, { nullable: true, defaultValue: JoinRequestStatus.PENDING }) status: JoinRequestStatus | null,
    @Ctx() ctx: RequestContext,
  ) {
    const page = pageRequest(args);
    if (!(await this.joinRequestService.canSeeRequests(ctx, group))) return null;
    return this.joinRequestService.listForGroup(group, status ?? null, ctx.now(), page);
  }
}
