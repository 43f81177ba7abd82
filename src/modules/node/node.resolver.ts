import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { Node } from "../../graphql/node";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";

@Resolver()
export class NodeResolver {
  @Query(() => Node, { description: "Any object by its global id; ids of other tenants are NOT_FOUND." })
  @Allow("PLATFORM", "TENANT", "USER")
  node(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<object> {
    return ctx.app.nodes.fetch(ctx, id);
  }
}
