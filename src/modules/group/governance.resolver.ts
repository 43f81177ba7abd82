import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { runMutation } from "../../graphql/mutation";
import { User } from "../user/user.entity";
import { userById } from "../user/user.loaders";
import { Ban } from "./ban.entity";
import { BanService } from "./ban.service";
import { Group } from "./group.entity";
import { BanConnection, UnbanMemberInput, UnbanMemberPayload } from "./group.types";
import { GroupAnnouncement, GroupFamily, SetGroupAnnouncementInput, SetGroupAnnouncementPayload } from "./governance.types";
import { AnnouncementService } from "./announcement.service";
import { GroupReader } from "./group.reader";
import { groupById, logEntryById } from "./group.loaders";
import { LIST_BOUNDS } from "../../policy/cost";
import { MessageStatus } from "./group.enums";
import { GroupSettings, MuteMemberInput, MuteMemberPayload, UnmuteMemberInput, UnmuteMemberPayload, UpdateGroupSettingsInput, UpdateGroupSettingsPayload } from "./governance.types";
import { MuteService } from "./mute.service";
import { GroupSettingsService } from "./settings.service";
import { joinApprovalOn } from "./join-gate";

/** Group governance: bans, muting and the group's settings. */
@Resolver(() => Group)
export class GovernanceResolver {
  constructor(
    private readonly banService: BanService,
    private readonly muteService: MuteService,
    private readonly settingsService: GroupSettingsService,
    private readonly announcementService: AnnouncementService,
    private readonly groupReader: GroupReader,
  ) {}

  @Mutation(() => SetGroupAnnouncementPayload, { description: "Owner or admin: set the group announcement (moderated like a message); includeSubGroups also sets it on every sub-group of a core group." })
  @Allow("TENANT", "USER")
  setGroupAnnouncement(@Arg("input", () => SetGroupAnnouncementInput) input: SetGroupAnnouncementInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.announcementService.setGroupAnnouncement(ctx, em, input));
  }

  @FieldResolver(() => GroupAnnouncement, { nullable: true, description: "Members and the tenant key; null when none is set (or the latest is held for review, except for its author and the tenant key)." })
  async announcement(@Root() group: Group, @Ctx() ctx: RequestContext): Promise<GroupAnnouncement | null> {
    if (!group.announcementEntryId || !(await this.groupReader.canSee(ctx, group))) return null;
    const entry = await ctx.loaders.get(logEntryById).load(group.announcementEntryId);
    if (!entry) return null;
    if (entry.status !== MessageStatus.VISIBLE && ctx.principal.kind !== "TENANT" && entry.actorId !== ctx.userId) return null;
    const author = await ctx.loaders.get(userById).load(entry.actorId!);
    return author ? { text: entry.text ?? "", author, updatedAt: entry.createdAt } : null;
  }

  @Mutation(() => UpdateGroupSettingsPayload, { description: "Owner or admin: join approval, mute all, welcome message (fields left out are unchanged)." })
  @Allow("TENANT", "USER")
  updateGroupSettings(@Arg("input", () => UpdateGroupSettingsInput) input: UpdateGroupSettingsInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.settingsService.updateGroupSettings(ctx, em, input));
  }

  @Mutation(() => MuteMemberPayload, { description: "Owner: mute anyone but self; admin: plain members; tenant: anyone. Muted members' messages are refused (MEMBER_MUTED)." })
  @Allow("TENANT", "USER")
  muteMember(@Arg("input", () => MuteMemberInput) input: MuteMemberInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.muteService.muteMember(ctx, em, input));
  }

  @Mutation(() => UnmuteMemberPayload, { description: "Whoever may mute the member lifts the mute." })
  @Allow("TENANT", "USER")
  unmuteMember(@Arg("input", () => UnmuteMemberInput) input: UnmuteMemberInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.muteService.unmuteMember(ctx, em, input));
  }

  @FieldResolver(() => GroupFamily, { description: "The core group and its sub-groups (after splitGroup): admins appointed or revoked in the core apply in every sub-group." })
  async family(@Root() group: Group, @Ctx() ctx: RequestContext): Promise<GroupFamily> {
    const core = group.parentId ? ((await ctx.loaders.get(groupById).load(group.parentId)) ?? group) : group;
    return { core, subGroups: await this.groupReader.subGroupsOf(core, LIST_BOUNDS.subGroups) };
  }

  @FieldResolver(() => GroupSettings)
  settings(@Root() group: Group, @Ctx() ctx: RequestContext): GroupSettings {
    // Groups that protect minors (EDUCATION) always have join approval on, whatever was set.
    return { joinApproval: joinApprovalOn(ctx, group), muteAll: group.muteAll ?? false, welcomeMessage: group.welcomeMessage ?? null };
  }

  @Mutation(() => UnbanMemberPayload, { description: "Owner, admin or tenant: lift a ban (the user may come back by any path again)." })
  @Allow("TENANT", "USER")
  unbanMember(@Arg("input", () => UnbanMemberInput) input: UnbanMemberInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.banService.unbanMember(ctx, em, input));
  }

  @FieldResolver(() => BanConnection, { nullable: true, description: "Users banned from the group, newest first. Owners, admins and the tenant key; null for anyone else." })
  async bans(@Root() group: Group, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = pageRequest(args);
    if (!(await this.banService.canSeeBans(ctx, group))) return null;
    return this.banService.bansOf(group, page);
  }
}

@Resolver(() => Ban)
export class BanResolver {
  @FieldResolver(() => User)
  user(@Root() ban: Ban, @Ctx() ctx: RequestContext): Promise<User> {
    return ctx.loaders.get(userById).load(ban.userId).then((u) => u!);
  }

  @FieldResolver(() => User, { nullable: true, description: "The owner or admin who banned; null when the tenant operator did." })
  bannedBy(@Root() ban: Ban, @Ctx() ctx: RequestContext): Promise<User | null> | null {
    return ban.bannedById ? ctx.loaders.get(userById).load(ban.bannedById) : null;
  }
}
