import { GraphQLError } from "graphql";
import { Arg, Args, Ctx, Extensions, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { ErrorCode } from "../../common/errors";
import { FIELD_COSTS, LIST_BOUNDS } from "../../policy/cost";
import { rowIdOf } from "../../common/global-id";
import { runMutation } from "../../graphql/mutation";
import { nodeNotFound } from "../../graphql/node-registry";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";
import { GroupLogEntry } from "../group/group-log.entity";
import { Group } from "../group/group.entity";
import { GroupEventKind, MemberRole, MessageKind, MessageStatus } from "../group/group.enums";
import { User } from "../user/user.entity";
import { messageKindOf, messageText } from "./describe";
import {
  DeleteChatInput,
  DeleteChatPayload,
  EvidenceHead,
  EvidenceVerification,
  GroupStats,
  InclusionProofType,
  MessageConnection,
  RestoreChatInput,
  RestoreChatPayload,
  SendMessageInput,
  SendMessagePayload,
  SplitGroupInput,
  SplitGroupPayload,
  TenantStats,
} from "./message.types";
import { userById } from "../user/user.loaders";
import { groupById, viewerMembership } from "../group/group.loaders";
import { EvidenceService } from "../evidence/evidence.service";
import { GroupReader } from "../group/group.reader";
import { MessageService } from "./message.service";
import { SplitService } from "../group/split.service";
import { StatsService } from "../stats/stats.service";


@Resolver()
export class MessageResolver {
  constructor(
    private readonly evidenceService: EvidenceService,
    private readonly groupReader: GroupReader,
    private readonly messageService: MessageService,
    private readonly split: SplitService,
    private readonly statsService: StatsService,
  ) {}

  @Mutation(() => SendMessagePayload, { description: "Member: post to an active group (BLOCK terms refuse, REVIEW terms hold the message)." })
  @Allow("TENANT", "USER")
  sendMessage(@Arg("input", () => SendMessageInput) input: SendMessageInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.messageService.send(ctx, em, input));
  }

  @Mutation(() => DeleteChatPayload, { description: "Member: hide the history so far from your own view (nothing is deleted)." })
  @Allow("TENANT", "USER")
  deleteChat(@Arg("input", () => DeleteChatInput) input: DeleteChatInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.messageService.deleteChat(ctx, em, input.groupId));
  }

  @Mutation(() => RestoreChatPayload, { description: "Member: bring back the history deleteChat hid." })
  @Allow("TENANT", "USER")
  restoreChat(@Arg("input", () => RestoreChatInput) input: RestoreChatInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.messageService.restoreChat(ctx, em, input.groupId));
  }

  @Mutation(() => SplitGroupPayload, { description: "Owner: move members beyond maxMembersPerGroup into linked sub-groups." })
  @Allow("TENANT", "USER")
  splitGroup(@Arg("input", () => SplitGroupInput) input: SplitGroupInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.split.split(ctx, em, input));
  }

  @Query(() => InclusionProofType, { description: "Proof that a message is in its group's signed log." })
  @Allow("TENANT", "USER")
  async evidenceProof(@Arg("messageId", () => ID) messageId: string, @Ctx() ctx: RequestContext) {
    const entry = await this.readableEntry(ctx, messageId);
    return this.evidenceService.proof(entry);
  }

  @Query(() => EvidenceVerification, { description: "Recomputes a group's log from the stored rows and checks its signed heads." })
  @Extensions({ cost: FIELD_COSTS.verifyEvidence })
  @Allow("TENANT", "USER")
  async verifyEvidence(@Arg("groupId", () => ID) groupId: string, @Ctx() ctx: RequestContext) {
    return this.evidenceService.verify(await this.visibleGroup(ctx, groupId));
  }

  @Query(() => String, { description: "Tenant or owner: the group's evidence bundle (JSON) for `npm run verify-evidence`." })
  @Extensions({ cost: FIELD_COSTS.evidenceBundle })
  @Allow("TENANT", "USER")
  async evidenceBundle(@Arg("groupId", () => ID) groupId: string, @Ctx() ctx: RequestContext): Promise<string> {
    const group = await this.visibleGroup(ctx, groupId);
    if (ctx.principal.kind === "USER" && (await ctx.loaders.get(viewerMembership).load(group.rowId))?.role !== MemberRole.OWNER) {
      throw new GraphQLError("Only the owner or the tenant exports evidence", { extensions: { code: ErrorCode.NOT_PERMITTED } });
    }
    const bundle = await this.evidenceService.bundle(group);
    return JSON.stringify(bundle, null, 2);
  }

  @Query(() => TenantStats, { description: "Tenant: activity across all its groups (plans with statsEnabled)." })
  @Allow("TENANT")
  tenantStats(@Arg("days", () => Int, { defaultValue: 30 }) days: number, @Ctx() ctx: RequestContext) {
    return this.statsService.tenantDashboard(ctx, days);
  }

  private async visibleGroup(ctx: RequestContext, groupId: string): Promise<Group> {
    const rowId = rowIdOf(groupId, "Group");
    const group = rowId ? await this.groupReader.visibleGroup(ctx, rowId) : null;
    if (!group) throw nodeNotFound();
    return group;
  }

  private async readableEntry(ctx: RequestContext, messageId: string): Promise<GroupLogEntry> {
    const rowId = rowIdOf(messageId, "Message");
    const entry = rowId && ctx.tenant ? await ctx.db.read((em) => em.findOneBy(GroupLogEntry, { rowId, tenantId: ctx.tenantId })) : null;
    if (!entry || !(await this.messageService.canRead(ctx, entry))) throw nodeNotFound();
    return entry;
  }
}

@Resolver(() => GroupLogEntry)
export class MessageFieldsResolver {
  @FieldResolver(() => String, { description: "The message, or a sentence describing the event." })
  text(@Root() entry: GroupLogEntry): string {
    return messageText(entry);
  }

  @FieldResolver(() => MessageKind)
  kind(@Root() entry: GroupLogEntry): MessageKind {
    return messageKindOf(entry);
  }

  @FieldResolver(() => GroupEventKind, { nullable: true, description: "For SYSTEM entries: what happened." })
  event(@Root() entry: GroupLogEntry): GroupEventKind | null {
    return messageKindOf(entry) === MessageKind.SYSTEM ? (entry.kind as GroupEventKind) : null;
  }

  @FieldResolver(() => MessageStatus)
  status(@Root() entry: GroupLogEntry): MessageStatus {
    return entry.status as MessageStatus;
  }

  @FieldResolver(() => User, { nullable: true, description: "Who wrote it, or who acted." })
  sender(@Root() entry: GroupLogEntry, @Ctx() ctx: RequestContext) {
    return entry.actorId ? ctx.loaders.get(userById).load(entry.actorId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: "Whom an event is about (the member who joined, left, was promoted…)." })
  subject(@Root() entry: GroupLogEntry, @Ctx() ctx: RequestContext) {
    return entry.subjectId ? ctx.loaders.get(userById).load(entry.subjectId) : null;
  }
}

@Resolver(() => Group)
export class GroupHistoryResolver {
  constructor(
    private readonly evidenceService: EvidenceService,
    private readonly groupReader: GroupReader,
    private readonly messageService: MessageService,
    private readonly statsService: StatsService,
  ) {}

  @FieldResolver(() => MessageConnection, { nullable: true, description: "The history the caller may read, newest first (null for non-members)." })
  messages(@Root() group: Group, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return this.messageService.history(ctx, group, pageRequest(args));
  }

  @FieldResolver(() => EvidenceHead, { nullable: true, description: "The signed tree head of the group's Merkle log." })
  async evidence(@Root() group: Group, @Ctx() ctx: RequestContext) {
    if (!(await this.groupReader.canSee(ctx, group))) return null;
    return this.evidenceService.head(group);
  }

  @FieldResolver(() => GroupStats, { nullable: true, description: "Dashboards (plans with statsEnabled); owners, admins and the tenant." })
  async stats(@Root() group: Group, @Arg("days", () => Int, { defaultValue: 7 }) days: number, @Ctx() ctx: RequestContext) {
    const data = await this.statsService.groupDashboard(ctx, group, days);
    if (!data) return null;
    const users = await Promise.all(data.topSpeakers.map((s) => ctx.loaders.get(userById).load(s.userId)));
    return { ...data, topSpeakers: data.topSpeakers.map((s, i) => ({ user: users[i], messages: s.messages })).filter((s) => s.user) };
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
