import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { ErrorCode, UserError } from "../../common/errors";
import { DateTimeScalar } from "../../common/scalars";
import { Group } from "../group/group.entity";
import { GroupStatus } from "../group/group.enums";
import { Member } from "../group/member.entity";
import { JoinRequest } from "../group/join-request.entity";
import { CodeStatus, GroupCodeType, LiveCodeStatus } from "./code.enums";
import { FaceToFaceSession, GroupCode, LiveCode } from "./code.entities";

@InputType()
export class CreateGroupCodeInput {
  @Field(() => ID) groupId: string;
  @Field(() => GroupCodeType) type: GroupCodeType;
  @Field(() => Int, { nullable: true, description: "TEMPORARY only: lifetime within the plan's range (default: the plan's)." })
  ttlSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: "Joins allowed through the code, 1…100000 (default: unlimited)." })
  maxUses?: number | null;
  @Field(() => String, { nullable: true, description: "Campaign tag, at most 30 characters." })
  state?: string | null;
}

@ObjectType()
export class GroupCodePayload {
  @Field(() => GroupCode, { nullable: true }) code?: GroupCode | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RevokeGroupCodeInput {
  @Field(() => ID) codeId: string;
}

@InputType()
export class JoinByTokenInput {
  @Field(() => String) token: string;
}

@ObjectType()
export class JoinPayload {
  @Field(() => Group, { nullable: true }) group?: Group | null;
  @Field(() => Member, { nullable: true, description: "The membership; null while a join request waits for approval." }) member?: Member | null;
  @Field(() => JoinRequest, { nullable: true, description: "With join approval on: the request the owner or an admin answers (asking again returns the pending one)." })
  joinRequest?: JoinRequest | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType("GroupCodePreview", { simpleResolvers: true, description: "What a scanner shows before joining." })
export class GroupCodePreview {
  @Field(() => String) groupName: string;
  @Field(() => Int) memberCount: number;
  @Field(() => GroupStatus) groupStatus: GroupStatus;
  @Field(() => CodeStatus, { description: "The code's own status." }) status: CodeStatus;
  @Field(() => GroupCodeType) type: GroupCodeType;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt: number | null;
  @Field(() => Boolean, { description: "Whether joinGroupByCode would admit the caller now." }) joinable: boolean;
  @Field(() => ErrorCode, { nullable: true, description: "The code a join would be refused with, if any." }) refusal: ErrorCode | null;
  @Field(() => Boolean, { description: "The caller is already a member (joining returns the membership)." }) viewerIsMember: boolean;
}

@InputType()
export class CreateLiveCodeInput {
  @Field(() => String) name: string;
  @Field(() => [ID], { description: "The groups joiners are spread over, in order (any number, at least one)." }) groupIds: string[];
  @Field(() => Int, { nullable: true, description: "Members per group, up to the plan's liveCodeGroupCap (the default)." }) perGroupCap?: number | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) autoCreateGroups?: boolean;
  @Field(() => String, { nullable: true, description: "Name stem of auto-created groups (default: the code's name)." }) baseName?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: Date | null;
  @Field(() => String, { nullable: true, description: "Posted to the group on every join, at most 500 characters." }) welcomeMessage?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => [String], { nullable: true, description: "CRM tags given to every user who joins through the code (at most 20 of 1…32 characters)." }) tags?: string[] | null;
}

@InputType()
export class UpdateLiveCodeInput {
  @Field(() => ID) liveCodeId: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => [ID], { nullable: true, description: "Replaces the group list (order matters)." }) groupIds?: string[] | null;
  @Field(() => Int, { nullable: true }) perGroupCap?: number | null;
  @Field(() => Boolean, { nullable: true }) autoCreateGroups?: boolean | null;
  @Field(() => String, { nullable: true }) baseName?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: Date | null;
  @Field(() => String, { nullable: true }) welcomeMessage?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => [String], { nullable: true, description: "Replaces the code's tags ([] removes them)." }) tags?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: "false disables the code (joins answer CODE_REVOKED); true enables it again." })
  enabled?: boolean | null;
}

@ObjectType()
export class LiveCodePayload {
  @Field(() => LiveCode, { nullable: true }) liveCode?: LiveCode | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType("LiveCodeGroupStats", { simpleResolvers: true })
export class LiveCodeGroupStats {
  @Field(() => Group) group: Group;
  @Field(() => Int, { description: "Members now in the group who joined through the code." }) joins: number;
}

@ObjectType("LiveCodeStats", { simpleResolvers: true })
export class LiveCodeStats {
  @Field(() => Int, { description: "Every join through the code, including people who left since." }) joins: number;
  @Field(() => Int) groupsCreated: number;
  @Field(() => [LiveCodeGroupStats]) byGroup: LiveCodeGroupStats[];
}

@InputType()
export class EnterFaceToFaceInput {
  @Field(() => String, { description: "Exactly four ASCII digits." }) digits: string;
  @Field(() => Float) latitude: number;
  @Field(() => Float) longitude: number;
}

@ObjectType()
export class FaceToFacePayload {
  @Field(() => FaceToFaceSession, { nullable: true }) session?: FaceToFaceSession | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class JoinFaceToFaceGroupInput {
  @Field(() => ID) sessionId: string;
}

@InputType() export class JoinGroupByCodeInput extends JoinByTokenInput {}
@InputType() export class JoinByLiveCodeInput extends JoinByTokenInput {}
@ObjectType() export class CreateGroupCodePayload extends GroupCodePayload {}
@ObjectType() export class RevokeGroupCodePayload extends GroupCodePayload {}
@ObjectType() export class JoinGroupByCodePayload extends JoinPayload {}
@ObjectType() export class JoinByLiveCodePayload extends JoinPayload {}
@ObjectType() export class JoinFaceToFaceGroupPayload extends JoinPayload {}
@ObjectType() export class CreateLiveCodePayload extends LiveCodePayload {}
@ObjectType() export class UpdateLiveCodePayload extends LiveCodePayload {}
@ObjectType() export class EnterFaceToFacePayload extends FaceToFacePayload {}

export { CodeStatus, LiveCodeStatus };
