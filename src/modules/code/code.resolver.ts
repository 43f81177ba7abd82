import { GraphQLError } from "graphql";
import { Arg, Args, Ctx, Extensions, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { ErrorCode } from "../../common/errors";
import { FIELD_COSTS, LIST_BOUNDS } from "../../policy/cost";
import { runMutation } from "../../graphql/mutation";
import { ConnectionArgs, Connection, pageRequest } from "../../common/pagination";
import { Allow } from "../../graphql/allow";
import type { RequestContext } from "../../context/context";
import { Group } from "../group/group.entity";
import { JoinSource } from "../group/group.types";
import { User } from "../user/user.entity";
import { CodeStatus, LiveCodeStatus } from "./code.enums";
import { FaceToFaceSession, GroupCode, LiveCode } from "./code.entities";
import {
  CreateGroupCodeInput,
  CreateGroupCodePayload,
  CreateLiveCodeInput,
  CreateLiveCodePayload,
  EnterFaceToFaceInput,
  EnterFaceToFacePayload,
  GroupCodePreview,
  JoinByLiveCodeInput,
  JoinByLiveCodePayload,
  JoinFaceToFaceGroupInput,
  JoinFaceToFaceGroupPayload,
  JoinGroupByCodeInput,
  JoinGroupByCodePayload,
  LiveCodeStats,
  RevokeGroupCodeInput,
  RevokeGroupCodePayload,
  UpdateLiveCodeInput,
  UpdateLiveCodePayload,
} from "./code.types";
import { groupCodeStatus } from "./group-code.service";
import { liveCodeStatus } from "./live-code.service";
import { groupById } from "../group/group.loaders";
import { groupCodeById, liveCodeById } from "./code.loaders";
import { FaceToFaceService } from "./face-to-face.service";
import { GroupCodeService } from "./group-code.service";
import { LiveCodeService } from "./live-code.service";
import { PublicLinks } from "./links";
import { QrRenderer } from "./qr";
import { GroupReader } from "../group/group.reader";

const LiveCodeConnection = Connection(LiveCode, "LiveCode");

@Resolver()
export class CodeResolver {
  constructor(
    private readonly faceToFace: FaceToFaceService,
    private readonly groupCodes: GroupCodeService,
    private readonly liveCodeService: LiveCodeService,
  ) {}

  @Mutation(() => CreateGroupCodePayload, { description: "Owner or admin: a PERMANENT or TEMPORARY group code, optionally use-limited and tagged." })
  @Allow("TENANT", "USER")
  createGroupCode(@Arg("input", () => CreateGroupCodeInput) input: CreateGroupCodeInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.groupCodes.createCode(ctx, em, input));
  }

  @Mutation(() => RevokeGroupCodePayload, { description: "Owner, admin or tenant: revoke a group code." })
  @Allow("TENANT", "USER")
  revokeGroupCode(@Arg("input", () => RevokeGroupCodeInput) input: RevokeGroupCodeInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.groupCodes.revokeCode(ctx, em, input.codeId));
  }

  @Mutation(() => JoinGroupByCodePayload, { description: "User: join a group through its code; re-joining returns the membership unchanged." })
  @Allow("TENANT", "USER")
  async joinGroupByCode(@Arg("input", () => JoinGroupByCodeInput) input: JoinGroupByCodeInput, @Ctx() ctx: RequestContext) {
    // Concurrent joins into one group go in one transaction where they can (see joinCombined); the rest alone.
    const joined = await this.groupCodes.joinCombined(ctx, input.token);
    return joined ? { ...joined, userErrors: [] } : runMutation(ctx, (em) => this.groupCodes.join(ctx, em, input.token));
  }

  @Query(() => GroupCodePreview, { description: "What a code leads to, and whether the caller could join now." })
  @Allow("TENANT", "USER")
  async groupCode(@Arg("token", () => String) token: string, @Ctx() ctx: RequestContext): Promise<GroupCodePreview> {
    const preview = await ctx.db.read((em) => this.groupCodes.preview(ctx, em, token));
    if (!preview) throw new GraphQLError("Not found", { extensions: { code: ErrorCode.NOT_FOUND } });
    return preview;
  }

  @Mutation(() => CreateLiveCodePayload, { description: "User (owner or admin of the groups): a live code spreading joiners over groups." })
  @Allow("TENANT", "USER")
  createLiveCode(@Arg("input", () => CreateLiveCodeInput) input: CreateLiveCodeInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.liveCodeService.create(ctx, em, input));
  }

  @Mutation(() => UpdateLiveCodePayload, { description: "Creator or tenant: change a live code; its token stays." })
  @Allow("TENANT", "USER")
  updateLiveCode(@Arg("input", () => UpdateLiveCodeInput) input: UpdateLiveCodeInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.liveCodeService.update(ctx, em, input));
  }

  @Mutation(() => JoinByLiveCodePayload, { description: "User: join the first listed group below the cap (a new one when all are full and auto-create is on)." })
  @Allow("TENANT", "USER")
  joinByLiveCode(@Arg("input", () => JoinByLiveCodeInput) input: JoinByLiveCodeInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.liveCodeService.join(ctx, em, input.token));
  }

  @Query(() => LiveCodeConnection, { description: "Tenant: its live codes; user: the ones they created." })
  @Allow("TENANT", "USER")
  liveCodes(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return this.liveCodeService.list(ctx, pageRequest(args));
  }

  @Mutation(() => EnterFaceToFacePayload, { description: "User: enter four digits where you are; people within 1 km entering the same digits within 10 minutes share a session." })
  @Allow("TENANT", "USER")
  enterFaceToFace(@Arg("input", () => EnterFaceToFaceInput) input: EnterFaceToFaceInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.faceToFace.enter(ctx, em, input));
  }

  @Mutation(() => JoinFaceToFaceGroupPayload, { description: "Participant: the first caller creates and owns the group, later callers join it." })
  @Allow("TENANT", "USER")
  joinFaceToFaceGroup(@Arg("input", () => JoinFaceToFaceGroupInput) input: JoinFaceToFaceGroupInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.faceToFace.joinGroup(ctx, em, input.sessionId));
  }
}

@Resolver(() => GroupCode)
export class GroupCodeResolver {
  constructor(
    private readonly links: PublicLinks,
    private readonly qr: QrRenderer,
  ) {}

  @FieldResolver(() => CodeStatus)
  status(@Root() code: GroupCode, @Ctx() ctx: RequestContext): CodeStatus {
    return groupCodeStatus(code, ctx.now());
  }

  @FieldResolver(() => String, { description: "The link the QR code encodes." })
  url(@Root() code: GroupCode, @Ctx() ctx: RequestContext): string {
    return this.links.groupCode(code.token);
  }

  @FieldResolver(() => String, { description: "A scannable QR code of `url`, as an SVG document." })
  @Extensions({ cost: FIELD_COSTS.qrSvg })
  qrSvg(@Root() code: GroupCode, @Ctx() ctx: RequestContext): Promise<string> {
    return this.qr.svg(this.links.groupCode(code.token));
  }

  @FieldResolver(() => String, { description: "The same QR code as a PNG data URL." })
  @Extensions({ cost: FIELD_COSTS.qrPngDataUrl })
  qrPngDataUrl(@Root() code: GroupCode, @Ctx() ctx: RequestContext): Promise<string> {
    return this.qr.pngDataUrl(this.links.groupCode(code.token));
  }

  @FieldResolver(() => Group)
  async group(@Root() code: GroupCode, @Ctx() ctx: RequestContext): Promise<Group> {
    return (await ctx.loaders.get(groupById).load(code.groupId))!;
  }
}

@Resolver(() => LiveCode)
export class LiveCodeResolver {
  constructor(
    private readonly links: PublicLinks,
    private readonly liveCodeService: LiveCodeService,
    private readonly qr: QrRenderer,
  ) {}

  @FieldResolver(() => LiveCodeStatus)
  status(@Root() code: LiveCode, @Ctx() ctx: RequestContext): LiveCodeStatus {
    return liveCodeStatus(code, ctx.now());
  }

  @FieldResolver(() => String)
  url(@Root() code: LiveCode, @Ctx() ctx: RequestContext): string {
    return this.links.liveCode(code.token);
  }

  @FieldResolver(() => String, { description: "A scannable QR code of `url`, as an SVG document." })
  @Extensions({ cost: FIELD_COSTS.qrSvg })
  qrSvg(@Root() code: LiveCode, @Ctx() ctx: RequestContext): Promise<string> {
    return this.qr.svg(this.links.liveCode(code.token));
  }

  @FieldResolver(() => String, { description: "The same QR code as a PNG data URL." })
  @Extensions({ cost: FIELD_COSTS.qrPngDataUrl })
  qrPngDataUrl(@Root() code: LiveCode, @Ctx() ctx: RequestContext): Promise<string> {
    return this.qr.pngDataUrl(this.links.liveCode(code.token));
  }

  @FieldResolver(() => [Group], { description: `The code's groups in routing order (auto-created ones appended); the first ${LIST_BOUNDS.liveCodeGroups}.` })
  @Extensions({ listSize: LIST_BOUNDS.liveCodeGroups })
  groups(@Root() code: LiveCode, @Ctx() ctx: RequestContext): Promise<Group[]> {
    return this.liveCodeService.groupsOf(code.rowId, LIST_BOUNDS.liveCodeGroups);
  }

  @FieldResolver(() => LiveCodeStats, { description: "Joins through the code, per group (plans with statsEnabled)." })
  stats(@Root() code: LiveCode, @Ctx() ctx: RequestContext): Promise<LiveCodeStats> {
    return this.liveCodeService.stats(ctx, code);
  }
}

@Resolver(() => FaceToFaceSession)
export class FaceToFaceSessionResolver {
  constructor(
    private readonly faceToFace: FaceToFaceService,
  ) {}

  @FieldResolver(() => [User], { description: `Everyone who entered the same digits nearby, in order of arrival (the first ${LIST_BOUNDS.faceToFaceParticipants}).` })
  @Extensions({ listSize: LIST_BOUNDS.faceToFaceParticipants })
  participants(@Root() session: FaceToFaceSession, @Ctx() ctx: RequestContext): Promise<User[]> {
    return this.faceToFace.participants(session.rowId, LIST_BOUNDS.faceToFaceParticipants);
  }

  @FieldResolver(() => Group, { nullable: true, description: "The group, once the first participant has created it." })
  group(@Root() session: FaceToFaceSession, @Ctx() ctx: RequestContext) {
    return session.groupId ? ctx.loaders.get(groupById).load(session.groupId) : null;
  }
}

@Resolver(() => JoinSource)
export class JoinSourceResolver {
  @FieldResolver(() => GroupCode, { nullable: true, description: "The group code they joined through." })
  code(@Root() source: JoinSource, @Ctx() ctx: RequestContext) {
    return source.codeId ? ctx.loaders.get(groupCodeById).load(source.codeId) : null;
  }

  @FieldResolver(() => LiveCode, { nullable: true, description: "The live code they joined through." })
  liveCode(@Root() source: JoinSource, @Ctx() ctx: RequestContext) {
    return source.liveCodeId ? ctx.loaders.get(liveCodeById).load(source.liveCodeId) : null;
  }
}

@Resolver(() => Group)
export class GroupCodesResolver {
  constructor(
    private readonly groupReader: GroupReader,
  ) {}

  @FieldResolver(() => [GroupCode], { nullable: true, description: `The group's codes, newest first, at most ${LIST_BOUNDS.groupCodes} (members and the tenant; null for others).` })
  @Extensions({ listSize: LIST_BOUNDS.groupCodes })
  async codes(@Root() group: Group, @Ctx() ctx: RequestContext): Promise<GroupCode[] | null> {
    if (!(await this.groupReader.canSee(ctx, group))) return null;
    return ctx.db.read((em) => em.find(GroupCode, { where: { groupId: group.rowId }, order: { createdAt: "DESC" }, take: LIST_BOUNDS.groupCodes }));
  }
}
