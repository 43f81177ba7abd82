import { Extensions, Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Connection } from "../../common/pagination";
import { LIST_BOUNDS } from "../../policy/cost";
import { DateTimeScalar } from "../../common/scalars";
import { Group } from "../group/group.entity";
import { GroupLogEntry } from "../group/group-log.entity";
import { JoinSourceKind } from "../group/group.enums";
import { User } from "../user/user.entity";

@InputType()
export class SendMessageInput {
  @Field(() => ID) groupId: string;
  @Field(() => String, { description: "1…5000 characters." }) text: string;
}

@ObjectType()
export class SendMessagePayload {
  @Field(() => GroupLogEntry, { nullable: true }) message?: GroupLogEntry | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class ChatInput {
  @Field(() => ID) groupId: string;
}

@ObjectType()
export class ChatPayload {
  @Field(() => Group, { nullable: true }) group?: Group | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType("EvidenceHead", { simpleResolvers: true, description: "A signed tree head of a group's Merkle log (RFC 9162 shape, Ed25519)." })
export class EvidenceHead {
  @Field(() => Int) treeSize: number;
  @Field(() => String, { description: "Hex SHA-256 root." }) rootHash: string;
  @Field(() => DateTimeScalar) signedAt: number;
  @Field(() => String, { description: "Base64 Ed25519 signature over the tree head (see README: evidence)." }) signature: string;
  @Field(() => String, { description: "Which key signed (GET /evidence/public-key)." }) keyId: string;
  @Field(() => ID, { description: "The group's global id (`Group.id`), as the v2 signed bytes name it." }) groupId: string;
  @Field(() => Int, {
    description: "Format of the signed bytes. 2: `group-platform/evidence/v2\\n<groupId>\\n<treeSize>\\n<signedAt>\\n<rootHash>` from this object's own values; 1: heads signed before v2 (README: evidence).",
  })
  version: number;
  @Field(() => String, { description: "Base64 of exactly the bytes `signature` covers, for checking a reconstruction." }) signedBytes: string;
}

@ObjectType("InclusionProof", { simpleResolvers: true })
export class InclusionProofType {
  @Field(() => Int, { description: "0-based leaf index (the message's seq − 1)." }) leafIndex: number;
  @Field(() => Int) treeSize: number;
  @Field(() => String) leafHash: string;
  @Field(() => String, { description: "The canonical bytes the leaf hash covers (UTF-8 JSON)." }) leafData: string;
  @Field(() => [String], { description: "Hex sibling hashes, leaf to root." }) auditPath: string[];
  @Field(() => EvidenceHead) head: EvidenceHead;
}

@ObjectType("EvidenceVerification", { simpleResolvers: true })
export class EvidenceVerification {
  @Field(() => Boolean) valid: boolean;
  @Field(() => Int, { nullable: true, description: "The first row missing, altered, or under a forged head." }) firstBrokenSeq: number | null;
  @Field(() => Int) treeSize: number;
  @Field(() => String, { nullable: true }) rootHash: string | null;
}

@ObjectType("JoinSourceCount", { simpleResolvers: true })
export class JoinSourceCount {
  @Field(() => JoinSourceKind) source: JoinSourceKind;
  @Field(() => Int) count: number;
}

@ObjectType("JoinStateCount", { simpleResolvers: true })
export class JoinStateCount {
  @Field(() => String, { description: "A code's campaign tag." }) state: string;
  @Field(() => Int) count: number;
}

@ObjectType("TagCount", { simpleResolvers: true })
export class TagCount {
  @Field(() => String, { description: "A CRM tag (setUserTags, live codes)." }) tag: string;
  @Field(() => Int, { description: "Current members with the tag." }) count: number;
}

@ObjectType("Speaker", { simpleResolvers: true })
export class Speaker {
  @Field(() => User) user: User;
  @Field(() => Int) messages: number;
}

@ObjectType("GroupStats", { simpleResolvers: true })
export class GroupStats {
  @Field(() => [JoinSourceCount], { description: "Current members by how they joined." }) @Extensions({ listSize: LIST_BOUNDS.joinBreakdown }) joinsBySource: JoinSourceCount[];
  @Field(() => [JoinStateCount], { description: `Current members by the campaign tag of the code they joined through (the ${LIST_BOUNDS.joinStates} commonest).` }) @Extensions({ listSize: LIST_BOUNDS.joinStates }) joinsByState: JoinStateCount[];
  @Field(() => [TagCount], { description: `Current members by CRM tag (the ${LIST_BOUNDS.membersByTag} commonest tags).` }) @Extensions({ listSize: LIST_BOUNDS.membersByTag }) membersByTag: TagCount[];
  @Field(() => Int, { description: "Messages written by members, all time." }) messageCount: number;
  @Field(() => Int) messagesInWindow: number;
  @Field(() => Int, { description: "Members who wrote at least one message in the window." }) activeMembers: number;
  @Field(() => [Speaker], { description: "The ten most active writers in the window." }) @Extensions({ listSize: LIST_BOUNDS.topSpeakers }) topSpeakers: Speaker[];
  @Field(() => Int) windowDays: number;
}

@ObjectType("DayCount", { simpleResolvers: true })
export class DayCount {
  @Field(() => DateTimeScalar, { description: "Start of the UTC day." }) day: number;
  @Field(() => Int) count: number;
}

@ObjectType("TenantStats", { simpleResolvers: true })
export class TenantStats {
  @Field(() => Int, { description: "Groups not dissolved." }) groupCount: number;
  @Field(() => Int) memberships: number;
  @Field(() => Int) messagesInWindow: number;
  @Field(() => [JoinSourceCount]) @Extensions({ listSize: LIST_BOUNDS.joinBreakdown }) joinsBySource: JoinSourceCount[];
  @Field(() => [DayCount]) @Extensions({ listSize: LIST_BOUNDS.statsDays }) joinsByDay: DayCount[];
  @Field(() => [DayCount]) @Extensions({ listSize: LIST_BOUNDS.statsDays }) messagesByDay: DayCount[];
  @Field(() => Int) windowDays: number;
}

@InputType()
export class SplitGroupInput {
  @Field(() => ID) groupId: string;
  @Field(() => Int, { description: "Members per group after the split (owner and admins included)." }) maxMembersPerGroup: number;
}

@ObjectType()
export class SplitGroupPayload {
  @Field(() => Group, { nullable: true }) coreGroup?: Group | null;
  @Field(() => [Group], { nullable: true }) subGroups?: Group[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType() export class DeleteChatInput extends ChatInput {}
@InputType() export class RestoreChatInput extends ChatInput {}
@ObjectType() export class DeleteChatPayload extends ChatPayload {}
@ObjectType() export class RestoreChatPayload extends ChatPayload {}

export const MessageConnection = Connection(GroupLogEntry, "Message");
