import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context/context";
import { User } from "../user/user.entity";
import { Group } from "./group.entity";
import { JoinSource } from "./group.types";
import { Member } from "./member.entity";
import { userById } from "../user/user.loaders";
import { groupById } from "./group.loaders";
import { mutedUntil } from "./mute.service";
import { DateTimeScalar } from "../../common/scalars";
import { Preloaded } from "../../graphql/preloaded";

@Resolver(() => Member)
export class MemberResolver {
  /**
   * Answered directly when the member was loaded with its user (the usual case; see graphql/preloaded.ts).
   * A members page always carries its users (GroupReader.members), so a document reaching members
   * only through pages reads the property without calling this resolver at all.
   */
  @FieldResolver(() => User)
  @Preloaded("user", { always: ["MemberEdge.node"] })
  user(@Root() member: Member, @Ctx() ctx: RequestContext): User | Promise<User> {
    return member.user ?? ctx.loaders.get(userById).load(member.userId).then((u) => u!);
  }

  @FieldResolver(() => Group, { description: "The group this is a membership of." })
  group(@Root() member: Member, @Ctx() ctx: RequestContext): Promise<Group> {
    return ctx.loaders.get(groupById).load(member.groupId).then((g) => g!);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: "Muted (禁言) until then; null when not muted." })
  mutedUntil(@Root() member: Member, @Ctx() ctx: RequestContext): number | null {
    return mutedUntil(member, ctx.now());
  }

  @FieldResolver(() => JoinSource)
  async joinSource(@Root() member: Member, @Ctx() ctx: RequestContext): Promise<JoinSource> {
    return {
      kind: member.joinKind,
      inviter: member.inviterId ? await ctx.loaders.get(userById).load(member.inviterId) : null,
      state: member.joinState,
      codeId: member.codeId,
      liveCodeId: member.liveCodeId,
    };
  }
}
