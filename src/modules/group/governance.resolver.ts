import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { runMutation } from "../../graphql/mutation";
import { User } from "../user/user.entity";
import { userById } from "../user/user.loaders";
import { Ban } from "./ban.entity";
import { BanService } from "./ban.service";
import { Group } from "./group.entity";
import { BanConnection, UnbanMemberInput, UnbanMemberPayload } from "./group.types";

/** Group governance: bans (and, with them, the group fields owners and admins manage). */
@Resolver(() => Group)
export class GovernanceResolver {
  constructor(private readonly banService: BanService) {}

  @Mutation(() => UnbanMemberPayload, { description: "Owner, admin or tenant: lift a ban (the user may come back by any path again)." })
  @Allow("TENANT", "USER")
  unbanMember(@Arg("input", () => UnbanMemberInput) input: UnbanMemberInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.banService.unbanMember(ctx, em, input));
  }

  @FieldResolver(() => BanConnection, { nullable: true, description: "Users banned from the group, newest first. Owners, admins and the tenant key; null for anyone else." })
  async bans(@Root() group: Group, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = pageRequest(args);
    if (!(await this.banService.canSeeBans(ctx, group))) return null;
    return this.banService.bansOf(group, page);
  }
}

@Resolver(() => Ban)
export class BanResolver {
  @FieldResolver(() => User)
  user(@Root() ban: Ban, @Ctx() ctx: RequestContext): Promise<User> {
    return ctx.loaders.get(userById).load(ban.userId).then((u) => u!);
  }

  @FieldResolver(() => User, { nullable: true, description: "The owner or admin who banned; null when the tenant operator did." })
  bannedBy(@Root() ban: Ban, @Ctx() ctx: RequestContext): Promise<User | null> | null {
    return ban.bannedById ? ctx.loaders.get(userById).load(ban.bannedById) : null;
  }
}
