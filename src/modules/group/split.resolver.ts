import { Arg, Ctx, Extensions, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { runMutation } from "../../graphql/mutation";
import { LIST_BOUNDS } from "../../policy/cost";
import { Group } from "./group.entity";
import { groupById } from "./group.loaders";
import { GroupReader } from "./group.reader";
import { SplitService } from "./split.service";
import { SplitGroupInput, SplitGroupPayload } from "./split.types";

/** Splitting a group: the mutation, and the links between a core group and its sub-groups. */
@Resolver(() => Group)
export class SplitResolver {
  constructor(
    private readonly groupReader: GroupReader,
    private readonly split: SplitService,
  ) {}

  @Mutation(() => SplitGroupPayload, { description: "Owner: move members beyond maxMembersPerGroup into linked sub-groups." })
  @Allow("TENANT", "USER")
  splitGroup(@Arg("input", () => SplitGroupInput) input: SplitGroupInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.split.split(ctx, em, input));
  }

  @FieldResolver(() => Group, { nullable: true, description: "The core group this one was split from." })
  parent(@Root() group: Group, @Ctx() ctx: RequestContext) {
    return group.parentId ? ctx.loaders.get(groupById).load(group.parentId) : null;
  }

  @FieldResolver(() => [Group], { description: `Sub-groups split from this one, oldest first (the first ${LIST_BOUNDS.subGroups}).` })
  @Extensions({ listSize: LIST_BOUNDS.subGroups })
  subGroups(@Root() group: Group, @Ctx() ctx: RequestContext) {
    return this.groupReader.subGroupsOf(group, LIST_BOUNDS.subGroups);
  }
}
