import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { TransferUserGroupsInput, TransferUserGroupsPayload } from "./group.types";
import { HandOverService } from "./handover.service";

@Resolver()
export class HandOverResolver {
  constructor(private readonly handOver: HandOverService) {}

  @Mutation(() => TransferUserGroupsPayload, {
    description:
      "Tenant: a departed employee's hand-over. Every group the first user owns passes to the second (who joins as a member first if needed), one transaction per group; retrying moves only what is still owned by the first user.",
  })
  @Allow("TENANT")
  transferUserGroups(@Arg("input", () => TransferUserGroupsInput) input: TransferUserGroupsInput, @Ctx() ctx: RequestContext) {
    return this.handOver.transferUserGroups(ctx, input);
  }
}
