import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { runMutation } from "../../graphql/mutation";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";
import { User } from "../user/user.entity";
import { Group } from "./group.entity";
import { InvitationStatus } from "./group.enums";
import { InvitationConnection, RespondToInvitationInput, RespondToInvitationPayload } from "./group.types";
import { Invitation } from "./invitation.entity";
import { invitationStatus } from "./invitation.service";
import { userById } from "../user/user.loaders";
import { groupById } from "./group.loaders";
import { InvitationService } from "./invitation.service";

@Resolver(() => Invitation)
export class InvitationResolver {
  constructor(
    private readonly invitations: InvitationService,
  ) {}

  @Mutation(() => RespondToInvitationPayload, { description: "Invitee: accept (capacity is checked now) or decline." })
  @Allow("TENANT", "USER")
  respondToInvitation(@Arg("input", () => RespondToInvitationInput) input: RespondToInvitationInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.invitations.respond(ctx, em, input));
  }

  @Query(() => InvitationConnection, { description: "User: invitations addressed to the caller, newest first (default: the open ones)." })
  @Allow("USER")
  myInvitations(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("status", () => InvitationStatus, { nullable: true, defaultValue: InvitationStatus.PENDING }) status: InvitationStatus | null,
    @Ctx() ctx: RequestContext,
  ) {
    return this.invitations.listFor(ctx.tenantId, ctx.userId!, status ?? null, ctx.now(), pageRequest(args));
  }

  @FieldResolver(() => InvitationStatus)
  status(@Root() invitation: Invitation, @Ctx() ctx: RequestContext): InvitationStatus {
    return invitationStatus(invitation, ctx.now());
  }

  @FieldResolver(() => Group, { description: "The group (its members stay hidden until the invitee joins)." })
  async group(@Root() invitation: Invitation, @Ctx() ctx: RequestContext): Promise<Group> {
    return (await ctx.loaders.get(groupById).load(invitation.groupId))!;
  }

  @FieldResolver(() => User)
  async invitee(@Root() invitation: Invitation, @Ctx() ctx: RequestContext): Promise<User> {
    return (await ctx.loaders.get(userById).load(invitation.inviteeId))!;
  }

  @FieldResolver(() => User, { nullable: true })
  inviter(@Root() invitation: Invitation, @Ctx() ctx: RequestContext) {
    return invitation.inviterId ? ctx.loaders.get(userById).load(invitation.inviterId) : null;
  }
}
