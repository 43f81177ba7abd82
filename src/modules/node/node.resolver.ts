import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { Node } from "../../common/node";
import { Allow } from "../../context/allow";
import type { RequestContext } from "../../context/context";

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: "Any object by its global id; null (no error) for an id the caller cannot see: unknown, malformed or of another tenant.",
  })
  @Allow("PLATFORM", "TENANT", "USER")
  node(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<object | null> {
    return ctx.app.nodes.fetch(ctx, id);
  }
}
