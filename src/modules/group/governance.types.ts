import { Extensions, Field, ID, InputType, ObjectType } from "type-graphql";
import { LIST_BOUNDS } from "../../policy/cost";
import { UserError } from "../../common/errors";
import { DateTimeScalar } from "../../common/scalars";
import { Group } from "./group.entity";
import { JoinRequest } from "./join-request.entity";
import { Member } from "./member.entity";
import { User } from "../user/user.entity";

@ObjectType("GroupSettings", { simpleResolvers: true, description: "Switches owners and admins set with updateGroupSettings." })
export class GroupSettings {
  @Field(() => Boolean, { description: "Codes, live codes, face to face and plain members' invitations create join requests for owners and admins to answer." })
  joinApproval: boolean;

  @Field(() => Boolean, { description: "Only the owner and admins may post." })
  muteAll: boolean;

  @Field(() => String, { nullable: true, description: "Posted on every join; %NICKNAME% becomes the joiner's display name, %GROUP% the group's name." })
  welcomeMessage: string | null;
}

@InputType()
export class UpdateGroupSettingsInput {
  @Field(() => ID) groupId: string;
  @Field(() => Boolean, { nullable: true, description: "Left out or null: unchanged." }) joinApproval?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "Left out or null: unchanged." }) muteAll?: boolean | null;
  @Field(() => String, { nullable: true, description: "At most 500 characters; an empty string removes it; left out or null: unchanged." })
  welcomeMessage?: string | null;
}

@ObjectType()
export class UpdateGroupSettingsPayload {
  @Field(() => Group, { nullable: true }) group?: Group | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class MuteMemberInput {
  @Field(() => ID) groupId: string;
  @Field(() => ID) userId: string;
  @Field(() => DateTimeScalar, { description: "When the mute ends; must be in the future." }) until: Date;
}

@InputType()
export class UnmuteMemberInput {
  @Field(() => ID) groupId: string;
  @Field(() => ID) userId: string;
}

@ObjectType()
export class MuteMemberPayload {
  @Field(() => Member, { nullable: true }) member?: Member | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType() export class UnmuteMemberPayload extends MuteMemberPayload {}

@InputType()
export class AnswerJoinRequestInput {
  @Field(() => ID) joinRequestId: string;
  @Field(() => Boolean, { description: "true admits the requester (capacity is checked now); false rejects." }) approve: boolean;
}

@ObjectType()
export class AnswerJoinRequestPayload {
  @Field(() => JoinRequest, { nullable: true }) joinRequest?: JoinRequest | null;
  @Field(() => Member, { nullable: true, description: "The new membership when approved." }) member?: Member | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType("GroupAnnouncement", { simpleResolvers: true, description: "The group announcement (群公告)." })
export class GroupAnnouncement {
  @Field(() => String) text: string;
  @Field(() => User, { description: "The owner or admin who set it." }) author: User;
  @Field(() => DateTimeScalar) updatedAt: number;
}

@InputType()
export class SetGroupAnnouncementInput {
  @Field(() => ID) groupId: string;
  @Field(() => String, { description: "1…2000 characters; moderated like a message." }) text: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "A core group (after splitGroup): set it on every sub-group too." })
  includeSubGroups?: boolean | null;
}

@ObjectType()
export class SetGroupAnnouncementPayload {
  @Field(() => Group, { nullable: true }) group?: Group | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType("GroupFamily", { description: "A core group and the sub-groups split from it (splitGroup), which act as one." })
export class GroupFamily {
  @Field(() => Group, { description: "The core group (the group itself when it was never split from another)." }) core: Group;
  @Field(() => [Group], { description: `The core's sub-groups, oldest first (the first ${LIST_BOUNDS.subGroups}); empty for a group never split.` })
  @Extensions({ listSize: LIST_BOUNDS.subGroups })
  subGroups: Group[];
}
