import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { Node } from "../../graphql/node";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";
import { NodeRegistry } from "../../graphql/node-registry";

@Resolver()
export class NodeResolver {
  constructor(
    private readonly nodes: NodeRegistry,
  ) {}

  @Query(() => Node, {
    nullable: true,
    description: "Any object by its global id; null (no error) for an id the caller cannot see: unknown, malformed or of another tenant.",
  })
  @Allow("PLATFORM", "TENANT", "USER")
  node(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<object | null> {
    return this.nodes.fetch(ctx, id);
  }
}
