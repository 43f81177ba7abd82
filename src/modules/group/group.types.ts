import { Field, ID, InputType, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Connection } from "../../common/pagination";
import { GroupCategory } from "../../policy/compliance";
import { User } from "../user/user.entity";
import { Ban } from "./ban.entity";
import { Group } from "./group.entity";
import { AssignableRole, JoinSourceKind } from "./group.enums";
import { Invitation } from "./invitation.entity";
import { JoinRequest } from "./join-request.entity";
import { Member } from "./member.entity";

@ObjectType("JoinSource", { description: "How a member came into the group." })
export class JoinSource {
  @Field(() => JoinSourceKind) kind: JoinSourceKind;
  @Field(() => User, { nullable: true, description: "Who added or invited them (null for creators and code joins)." })
  inviter?: User | null;
  @Field(() => String, { nullable: true, description: "Campaign tag of the code they joined through." })
  state?: string | null;
  /** Row ids behind the `code` and `liveCode` fields (resolved by the code module). */
  codeId?: string | null;
  liveCodeId?: string | null;
}

@InputType()
export class CreateGroupInput {
  @Field(() => String, { description: "1…100 characters." }) name: string;
  @Field(() => [ID], { description: "At least two of the caller's contacts." }) memberIds: string[];
  @Field(() => GroupCategory, { nullable: true, defaultValue: GroupCategory.GENERAL }) category?: GroupCategory;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "Required for EDUCATION groups." }) minorProtection?: boolean;
}

@ObjectType()
export class CreateGroupPayload {
  @Field(() => Group, { nullable: true }) group?: Group | null;
  @Field(() => [Invitation], { nullable: true, description: "Invitations sent to the members beyond the direct-add limit." })
  invitations?: Invitation[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class InviteMembersInput {
  @Field(() => ID) groupId: string;
  @Field(() => [ID], { description: "1…500 of the caller's contacts." }) userIds: string[];
}

@ObjectType()
export class InviteMembersPayload {
  @Field(() => Group, { nullable: true }) group?: Group | null;
  @Field(() => [Member], { nullable: true, description: "Members added directly (the group was below its direct-add limit)." })
  added?: Member[] | null;
  @Field(() => [Invitation], { nullable: true, description: "Pending invitations (new, or already open for that person)." })
  invitations?: Invitation[] | null;
  @Field(() => [JoinRequest], { nullable: true, description: "With join approval on, a plain member's invitees wait as join requests for the owner or an admin (new, or already pending)." })
  joinRequests?: JoinRequest[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RespondToInvitationInput {
  @Field(() => ID) invitationId: string;
  @Field(() => Boolean) accept: boolean;
}

@ObjectType()
export class RespondToInvitationPayload {
  @Field(() => Invitation, { nullable: true }) invitation?: Invitation | null;
  @Field(() => Member, { nullable: true, description: "The new membership when accepted." }) member?: Member | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class GroupUserInput {
  @Field(() => ID) groupId: string;
  @Field(() => ID) userId: string;
}

@InputType()
export class GroupIdInput {
  @Field(() => ID) groupId: string;
}

@InputType()
export class RenameGroupInput {
  @Field(() => ID) groupId: string;
  @Field(() => String) name: string;
}

@InputType()
export class SetMuteNotificationsInput {
  @Field(() => ID) groupId: string;
  @Field(() => Boolean) muted: boolean;
}

@InputType()
export class SetMemberRoleInput {
  @Field(() => ID) groupId: string;
  @Field(() => ID) userId: string;
  @Field(() => AssignableRole) role: AssignableRole;
}

/** The payload of every mutation that changes one group. */
@ObjectType()
export class GroupPayload {
  @Field(() => Group, { nullable: true }) group?: Group | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

/** The payload of mutations that change one membership. */
@ObjectType()
export class MemberPayload {
  @Field(() => Group, { nullable: true }) group?: Group | null;
  @Field(() => Member, { nullable: true }) member?: Member | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

// One input and one payload type per mutation, named after it (the contract's convention).
@InputType()
export class RemoveMemberInput extends GroupUserInput {
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "Also ban: no path (invitation, code, live code, face to face, join request) brings them back until unbanMember." })
  ban?: boolean | null;
}
@InputType() export class UnbanMemberInput extends GroupUserInput {}
@ObjectType() export class UnbanMemberPayload extends GroupPayload {}
@InputType() export class TransferOwnershipInput extends GroupUserInput {}
@InputType() export class LeaveGroupInput extends GroupIdInput {}
@InputType() export class DissolveGroupInput extends GroupIdInput {}
@ObjectType() export class RemoveMemberPayload extends GroupPayload {}
@ObjectType() export class LeaveGroupPayload extends GroupPayload {}
@ObjectType() export class RenameGroupPayload extends GroupPayload {}
@ObjectType() export class TransferOwnershipPayload extends GroupPayload {}
@ObjectType() export class DissolveGroupPayload extends GroupPayload {}
@ObjectType() export class SetMuteNotificationsPayload extends MemberPayload {}
@ObjectType() export class SetMemberRolePayload extends MemberPayload {}

export const GroupConnection = Connection(Group, "Group");
export const MemberConnection = Connection(Member, "Member");
export const InvitationConnection = Connection(Invitation, "Invitation");
export const BanConnection = Connection(Ban, "Ban");
export const JoinRequestConnection = Connection(JoinRequest, "JoinRequest");

@InputType()
export class TransferUserGroupsInput {
  @Field(() => ID, { description: "The departing user: every group they own passes on." }) fromUserId: string;
  @Field(() => ID, { description: "The successor, who joins each group first if needed, then owns it." }) toUserId: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "true: the departing user stays as a plain member; false (default): they leave." })
  keepMembership?: boolean | null;
}

@ObjectType()
export class TransferUserGroupsPayload {
  @Field(() => [Group], { description: "The groups that passed to the successor (each in its own transaction); groups that could not pass are userErrors naming them." })
  transferred: Group[];
  @Field(() => [UserError]) userErrors: UserError[];
}
