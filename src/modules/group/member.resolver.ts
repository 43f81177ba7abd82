import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context/context";
import { User } from "../user/user.entity";
import { JoinSource } from "./group.types";
import { Member } from "./member.entity";

@Resolver(() => Member)
export class MemberResolver {
  @FieldResolver(() => User)
  async user(@Root() member: Member, @Ctx() ctx: RequestContext): Promise<User> {
    return member.user ?? (await ctx.loaders.user.load(member.userId))!;
  }

  @FieldResolver(() => JoinSource)
  async joinSource(@Root() member: Member, @Ctx() ctx: RequestContext): Promise<JoinSource> {
    return {
      kind: member.joinKind,
      inviter: member.inviterId ? await ctx.loaders.user.load(member.inviterId) : null,
      state: member.joinState,
      codeId: member.codeId,
      liveCodeId: member.liveCodeId,
    };
  }
}
