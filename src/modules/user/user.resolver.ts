import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { runMutation } from "../../common/mutation";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import { Allow } from "../../context/allow";
import type { RequestContext } from "../../context/context";
import { User } from "./user.entity";
import {
  AddContactsInput,
  AddContactsPayload,
  IssueUserTokenInput,
  IssueUserTokenPayload,
  RevokeUserTokensInput,
  RevokeUserTokensPayload,
  UpsertUsersInput,
  UpsertUsersPayload,
  UserConnection,
} from "./user.types";

@Resolver(() => User)
export class UserResolver {
  @Mutation(() => UpsertUsersPayload, { description: "Tenant: create or rename users by externalId (idempotent)." })
  @Allow("TENANT")
  upsertUsers(@Arg("input", () => UpsertUsersInput) input: UpsertUsersInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => ctx.app.users.upsertUsers(ctx, em, input));
  }

  @Mutation(() => AddContactsPayload, { description: "Tenant: make pairs of users mutual contacts (idempotent)." })
  @Allow("TENANT")
  addContacts(@Arg("input", () => AddContactsInput) input: AddContactsInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => ctx.app.users.addContacts(ctx, em, input));
  }

  @Mutation(() => IssueUserTokenPayload, { description: "Tenant: a signed token a frontend uses to act as the user." })
  @Allow("TENANT")
  issueUserToken(@Arg("input", () => IssueUserTokenInput) input: IssueUserTokenInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => ctx.app.users.issueUserToken(ctx, em, input));
  }

  @Mutation(() => RevokeUserTokensPayload, {
    description: "Tenant: end every token issued to the user until now; tokens issued afterwards work.",
  })
  @Allow("TENANT")
  async revokeUserTokens(@Arg("input", () => RevokeUserTokensInput) input: RevokeUserTokensInput, @Ctx() ctx: RequestContext) {
    const payload = await runMutation(ctx, (em) => ctx.app.users.revokeUserTokens(ctx, em, input));
    if (payload.user) ctx.app.authenticator.invalidateUser(payload.user.tenantId, payload.user.rowId);
    return payload;
  }

  @Query(() => User, { nullable: true, description: "The calling user (null for tenant keys)." })
  @Allow("TENANT", "USER")
  async viewer(@Ctx() ctx: RequestContext): Promise<User | null> {
    return ctx.userId ? ctx.loaders.user.load(ctx.userId) : null;
  }

  @Query(() => UserConnection, { description: "Tenant: its users, oldest first; `externalIds` narrows the list." })
  @Allow("TENANT")
  users(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("externalIds", () => [String], { nullable: true }) externalIds: string[] | null,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.app.users.listUsers(ctx.tenantId, pageRequest(args), externalIds?.slice(0, 500));
  }

  @FieldResolver(() => UserConnection, {
    nullable: true,
    description: "The user's contacts. Visible to the user and to the tenant; null for anyone else.",
  })
  contacts(@Root() user: User, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = pageRequest(args);
    if (user.tenantId !== ctx.tenant?.rowId) return null;
    if (ctx.principal.kind === "USER" && ctx.principal.userId !== user.rowId) return null;
    return ctx.app.users.contactsOf(user.tenantId, user.rowId, page);
  }
}
