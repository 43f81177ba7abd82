import { Arg, Args, Ctx, Extensions, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from "type-graphql";
import { invalidArgument } from "../../common/errors";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { FIELD_COSTS } from "../../policy/cost";
import { groupById } from "../group/group.loaders";
import { Group } from "../group/group.entity";
import { Invitation } from "../group/invitation.entity";
import { EVENT_TYPES, isEventType } from "./event-types";
import { EventService } from "./event.service";
import { liveEventsOf } from "./live";
import { EventConnection, GroupActivity, ViewerActivity } from "./live.types";

@Resolver()
export class EventResolver {
  constructor(private readonly eventService: EventService) {}

  @Query(() => EventConnection, { description: "Tenant: its events of the last 30 days, oldest first (the feed partners poll)." })
  @Allow("TENANT")
  events(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("types", () => [String], { nullable: true, description: "Only these event types (e.g. [\"message.created\"])." }) types: string[] | null,
    @Ctx() ctx: RequestContext,
  ) {
    const unknown = (types ?? []).find((t) => !isEventType(t));
    if (unknown !== undefined) throw invalidArgument(`Unknown event type ${JSON.stringify(unknown.slice(0, 64))}; known: ${EVENT_TYPES.join(", ")}`, "types");
    if (types && types.length > EVENT_TYPES.length) throw invalidArgument("Too many event types", "types");
    return this.eventService.feed(ctx.tenantId, types ?? null, pageRequest(args), ctx.now());
  }

  @Subscription(() => GroupActivity, {
    description: "Member (or tenant key): a group's messages and membership events live, each with its `seq`; with `afterSeq`, what came after it first. WebSocket only.",
    subscribe: ({ args, context, info }) => liveEventsOf(info.schema).groupActivity(context as RequestContext, args.groupId as string, args.afterSeq as number | null),
  })
  @Extensions({ cost: FIELD_COSTS.subscription })
  @Allow("TENANT", "USER")
  groupActivity(
    @Root() activity: GroupActivity,
    @Arg("groupId", () => ID) _groupId: string,
    @Arg("afterSeq", () => Int, { nullable: true, description: "The last seq the client has: replay starts after it." }) _afterSeq: number | null,
  ): GroupActivity {
    return activity;
  }

  @Subscription(() => ViewerActivity, {
    description: "User: invitations addressed to you and groups you joined, left or were removed from, live. WebSocket only.",
    subscribe: ({ context, info }) => liveEventsOf(info.schema).viewerActivity(context as RequestContext),
  })
  @Extensions({ cost: FIELD_COSTS.subscription })
  @Allow("USER")
  viewerActivity(@Root() activity: ViewerActivity): ViewerActivity {
    return activity;
  }
}

@Resolver(() => ViewerActivity)
export class ViewerActivityResolver {
  @FieldResolver(() => Group, { nullable: true })
  group(@Root() activity: ViewerActivity, @Ctx() ctx: RequestContext) {
    return activity.groupRowId ? ctx.loaders.get(groupById).load(activity.groupRowId) : null;
  }

  @FieldResolver(() => Invitation, { nullable: true, description: "For invitation events: the invitation (addressed to you, or sent by you)." })
  async invitation(@Root() activity: ViewerActivity, @Ctx() ctx: RequestContext) {
    if (!activity.invitationRowId || !ctx.userId) return null;
    const invitation = await ctx.db.read((em) => em.findOneBy(Invitation, { rowId: activity.invitationRowId!, tenantId: ctx.tenantId }));
    return invitation && (invitation.inviteeId === ctx.userId || invitation.inviterId === ctx.userId) ? invitation : null;
  }
}
