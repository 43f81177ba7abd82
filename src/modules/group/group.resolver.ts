import { type ASTNode, type DocumentNode, type FieldNode, type GraphQLError, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema, Kind, type OperationDefinitionNode, TypeInfo, visit, visitWithTypeInfo } from "graphql";
import { getArgumentValues } from "graphql/execution/values";
import { perField } from "../../graphql/projection";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Preloaded } from "../../graphql/preloaded";
import { Selection } from "../../graphql/selection";
import { memberProjection } from "./member-page";
import { groupProjection } from "./group.projection";
import { notPermitted } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { runMutation } from "../../graphql/mutation";
import { nodeNotFound } from "../../graphql/node-registry";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";
import { User } from "../user/user.entity";
import { Group } from "./group.entity";
import { GroupStatus } from "./group.enums";
import {
  CreateGroupInput,
  CreateGroupPayload,
  DissolveGroupInput,
  DissolveGroupPayload,
  GroupConnection,
  InviteMembersInput,
  InviteMembersPayload,
  LeaveGroupInput,
  LeaveGroupPayload,
  MemberConnection,
  RemoveMemberInput,
  RemoveMemberPayload,
  RenameGroupInput,
  RenameGroupPayload,
  SetMemberRoleInput,
  SetMemberRolePayload,
  SetMuteNotificationsInput,
  SetMuteNotificationsPayload,
  TransferOwnershipInput,
  TransferOwnershipPayload,
} from "./group.types";
import { Member } from "./member.entity";
import { userById } from "../user/user.loaders";
import { viewerMembership } from "./group.loaders";
import { GroupReader, type MembersAlong } from "./group.reader";
import { GroupService } from "./group.service";
import { MemberService } from "./member.service";

/** What a `members` field reads, worked out once per field of a document. */
const membersProjection = perField((info) => memberProjection(Selection.of(info)));
/** What a `myGroups` field reads of each group and its owner. */
const groupsProjection = perField((info) => groupProjection(Selection.of(info)));
/** The `members` field below a `myGroups` field's groups, when it is selected exactly once, with what it reads. */
const membersBelow = perField((info) => {
  const node = Selection.of(info).at("edges", "node");
  const fields = node.fields.get("members");
  if (fields?.length !== 1) return null;
  const definition = (info.schema.getType("Group") as GraphQLObjectType).getFields().members!;
  return { field: fields[0]!, definition, projection: memberProjection(node.at("members")) };
});

/**
 * The members pages myGroups reads along with the groups: for a `members` field selected once,
 * without a cursor or tag (its resolver answers anything else, refusals included).
 */
function membersAlong(info: GraphQLResolveInfo): MembersAlong | null {
  const below = membersBelow(info);
  if (!below) return null;
  const args = getArgumentValues(below.definition, below.field, info.variableValues) as ConnectionArgs & { tag?: string | null };
  if (args.after != null || args.tag != null) return null;
  try {
    return { field: below.field, page: pageRequest(args), projection: below.projection };
  } catch (refusal) {
    return { field: below.field, refusal: refusal as GraphQLError };
  }
}

/**
 * Whether every value of Group.members in `document` is a page myGroups reads along (membersAlong):
 * the document has one `members` field on Group, directly below `myGroups { edges { node` of a
 * query (not in a named fragment, whose place cannot be told here), without `after` or `tag`.
 * graphql-jit then compiles Group.members as a property read (graphql/preloaded.ts): no resolver
 * call, resolve info or argument object per group.
 */
export function membersReadAlong(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = 0;
  let along = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node, _key, _parent, _path, ancestors) {
        if (node.name.value !== "members" || typeInfo.getParentType()?.name !== "Group") return;
        found++;
        const above = ancestors.filter((a): a is ASTNode => !Array.isArray(a)) as ASTNode[];
        const fields = above.filter((a): a is FieldNode => a.kind === Kind.FIELD).map((f) => f.name.value);
        const operation = above.find((a): a is OperationDefinitionNode => a.kind === Kind.OPERATION_DEFINITION);
        const args = (node.arguments ?? []).map((a) => a.name.value);
        along = operation?.operation === "query" && fields.join(".") === "myGroups.edges.node" && !args.includes("after") && !args.includes("tag");
      },
    }),
  );
  return found === 1 && along;
}

@Resolver(() => Group)
export class GroupResolver {
  constructor(
    private readonly groupReader: GroupReader,
    private readonly groupService: GroupService,
    private readonly memberService: MemberService,
  ) {}

  @Mutation(() => CreateGroupPayload, { description: "User: create a group from at least two contacts; the caller becomes its owner." })
  @Allow("TENANT", "USER")
  createGroup(@Arg("input", () => CreateGroupInput) input: CreateGroupInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.groupService.createGroup(ctx, em, input));
  }

  @Mutation(() => InviteMembersPayload, { description: "Member: add contacts directly below the direct-add limit, invite them beyond it." })
  @Allow("TENANT", "USER")
  inviteMembers(@Arg("input", () => InviteMembersInput) input: InviteMembersInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.memberService.inviteMembers(ctx, em, input));
  }

  @Mutation(() => RemoveMemberPayload, { description: "Owner: anyone but self; admin: plain members; tenant: anyone." })
  @Allow("TENANT", "USER")
  removeMember(@Arg("input", () => RemoveMemberInput) input: RemoveMemberInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.memberService.removeMember(ctx, em, input));
  }

  @Mutation(() => LeaveGroupPayload, { description: "Member: leave. An owner hands over; the last member out dissolves the group." })
  @Allow("TENANT", "USER")
  leaveGroup(@Arg("input", () => LeaveGroupInput) input: LeaveGroupInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.memberService.leaveGroup(ctx, em, input));
  }

  @Mutation(() => RenameGroupPayload, { description: "Owner or admin: rename; the name passes keyword moderation." })
  @Allow("TENANT", "USER")
  renameGroup(@Arg("input", () => RenameGroupInput) input: RenameGroupInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.groupService.renameGroup(ctx, em, input));
  }

  @Mutation(() => SetMuteNotificationsPayload, { description: "Member: mute or unmute the group's notifications for yourself." })
  @Allow("TENANT", "USER")
  setMuteNotifications(@Arg("input", () => SetMuteNotificationsInput) input: SetMuteNotificationsInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.groupService.setMuteNotifications(ctx, em, input));
  }

  @Mutation(() => SetMemberRolePayload, { description: "Owner: appoint (up to maxAdmins) or revoke an admin." })
  @Allow("TENANT", "USER")
  setMemberRole(@Arg("input", () => SetMemberRoleInput) input: SetMemberRoleInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.memberService.setMemberRole(ctx, em, input));
  }

  @Mutation(() => TransferOwnershipPayload, { description: "Owner: hand the group to an admin (when the plan requires it); the old owner becomes a member." })
  @Allow("TENANT", "USER")
  transferOwnership(@Arg("input", () => TransferOwnershipInput) input: TransferOwnershipInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.memberService.transferOwnership(ctx, em, input));
  }

  @Mutation(() => DissolveGroupPayload, { description: "Owner or tenant: dissolve the group." })
  @Allow("TENANT", "USER")
  dissolveGroup(@Arg("input", () => DissolveGroupInput) input: DissolveGroupInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.groupService.dissolveGroup(ctx, em, input.groupId));
  }

  @Query(() => Group, {
    nullable: true,
    description: "A group the caller belongs to (any group of the tenant, for a tenant key). Unknown or not visible: null, with a NOT_FOUND error at this path; the operation's other fields are still answered.",
  })
  @Allow("TENANT", "USER")
  async group(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Group> {
    const rowId = rowIdOf(id, "Group");
    const group = rowId ? await this.groupReader.visibleGroup(ctx, rowId) : null;
    if (!group) throw nodeNotFound();
    return group;
  }

  @Query(() => GroupConnection, { description: "User: the groups the caller is in, most recently joined first." })
  @Allow("USER")
  myGroups(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return this.groupReader.groupsOf(ctx, pageRequest(args), groupsProjection(info), membersAlong(info));
  }

  @Query(() => GroupConnection, { description: "Tenant: every group of the tenant, newest first." })
  @Allow("TENANT")
  groups(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("status", () => GroupStatus, { nullable: true }) status: GroupStatus | null,
    @Ctx() ctx: RequestContext,
  ) {
    return this.groupReader.tenantGroups(ctx.tenantId, status ?? null, pageRequest(args));
  }

  @FieldResolver(() => User, { nullable: true, description: "Null once the group is dissolved." })
  @Preloaded("owner")
  owner(@Root() group: Group, @Ctx() ctx: RequestContext) {
    return group.ownerId ? ctx.loaders.get(userById).load(group.ownerId) : null;
  }

  @FieldResolver(() => Int, { description: "The most members the group may hold under the tenant's policy." })
  maxMembers(@Ctx() ctx: RequestContext): number {
    return ctx.policy.groupCapacity();
  }

  @FieldResolver(() => MemberConnection, { nullable: true, description: "Null for callers who are not members." })
  @Preloaded("members", { readFor: "membersReadFor", inlineWhen: membersReadAlong })
  async members(
    @Root() group: Group,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("tag", () => String, { nullable: true, description: "Only members with this CRM tag (tenant key only: tags are the tenant's data)." }) tag: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const page = pageRequest(args);
    if (tag != null && ctx.principal.kind !== "TENANT") throw notPermitted("Filtering members by tag needs the tenant's API key");
    if (!(await this.groupReader.canSee(ctx, group))) return null;
    return this.groupReader.members(ctx, group, page, tag ?? null, membersProjection(info));
  }

  @FieldResolver(() => Member, { nullable: true, description: "The caller's own membership, or null." })
  viewerMembership(@Root() group: Group, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(viewerMembership).load(group.rowId);
  }
}
