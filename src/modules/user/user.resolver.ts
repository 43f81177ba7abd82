import { Arg, Args, Ctx, Extensions, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Authenticator } from "../../auth/authenticator";
import { runMutation } from "../../graphql/mutation";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";
import { User } from "./user.entity";
import {
  AddContactsInput,
  AddContactsPayload,
  IssueUserTokenInput,
  IssueUserTokenPayload,
  RevokeUserTokensInput,
  RevokeUserTokensPayload,
  SetUserTagsInput,
  SetUserTagsPayload,
  UpsertUsersInput,
  UpsertUsersPayload,
  UserConnection,
} from "./user.types";
import { tagsByUser, userById } from "./user.loaders";
import { MAX_TAGS_PER_USER } from "./tags";
import { UserService } from "./user.service";

@Resolver(() => User)
export class UserResolver {
  constructor(
    private readonly userService: UserService,
    private readonly authenticator: Authenticator,
  ) {}

  @Mutation(() => UpsertUsersPayload, { description: "Tenant: create or rename users by externalId (idempotent)." })
  @Allow("TENANT")
  upsertUsers(@Arg("input", () => UpsertUsersInput) input: UpsertUsersInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.userService.upsertUsers(ctx, em, input));
  }

  @Mutation(() => AddContactsPayload, { description: "Tenant: make pairs of users mutual contacts (idempotent)." })
  @Allow("TENANT")
  addContacts(@Arg("input", () => AddContactsInput) input: AddContactsInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.userService.addContacts(ctx, em, input));
  }

  @Mutation(() => IssueUserTokenPayload, { description: "Tenant: a signed token a frontend uses to act as the user." })
  @Allow("TENANT")
  issueUserToken(@Arg("input", () => IssueUserTokenInput) input: IssueUserTokenInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.userService.issueUserToken(ctx, em, input));
  }

  @Mutation(() => RevokeUserTokensPayload, {
    description: "Tenant: end every token issued to the user until now; tokens issued afterwards work.",
  })
  @Allow("TENANT")
  async revokeUserTokens(@Arg("input", () => RevokeUserTokensInput) input: RevokeUserTokensInput, @Ctx() ctx: RequestContext) {
    const payload = await runMutation(ctx, (em) => this.userService.revokeUserTokens(ctx, em, input));
    if (payload.user) this.authenticator.invalidateUser(payload.user.tenantId, payload.user.rowId);
    return payload;
  }

  @Query(() => User, { nullable: true, description: "The calling user (null for tenant keys)." })
  @Allow("TENANT", "USER")
  async viewer(@Ctx() ctx: RequestContext): Promise<User | null> {
    return ctx.userId ? ctx.loaders.get(userById).load(ctx.userId) : null;
  }

  @Query(() => UserConnection, { description: "Tenant: its users, oldest first; `externalIds` narrows the list." })
  @Allow("TENANT")
  users(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("externalIds", () => [String], { nullable: true }) externalIds: string[] | null,
    @Ctx() ctx: RequestContext,
  ) {
    return this.userService.listUsers(ctx.tenantId, pageRequest(args), externalIds?.slice(0, 500));
  }

  @Mutation(() => SetUserTagsPayload, { description: "Tenant: replace a user's CRM tags (at most 20 of 1…32 characters)." })
  @Allow("TENANT")
  setUserTags(@Arg("input", () => SetUserTagsInput) input: SetUserTagsInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.userService.setUserTags(ctx, em, input));
  }

  @FieldResolver(() => [String], {
    nullable: true,
    description: "The user's CRM tags, sorted (setUserTags, live codes). Visible to the tenant and to the user; null for anyone else.",
  })
  @Extensions({ listSize: MAX_TAGS_PER_USER })
  tags(@Root() user: User, @Ctx() ctx: RequestContext) {
    if (user.tenantId !== ctx.tenant?.rowId) return null;
    if (ctx.principal.kind === "USER" && ctx.principal.userId !== user.rowId) return null;
    return ctx.loaders.get(tagsByUser).load(user.rowId);
  }

  @FieldResolver(() => UserConnection, {
    nullable: true,
    description: "The user's contacts. Visible to the user and to the tenant; null for anyone else.",
  })
  contacts(@Root() user: User, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = pageRequest(args);
    if (user.tenantId !== ctx.tenant?.rowId) return null;
    if (ctx.principal.kind === "USER" && ctx.principal.userId !== user.rowId) return null;
    return this.userService.contactsOf(user.tenantId, user.rowId, page);
  }
}
