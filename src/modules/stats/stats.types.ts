import { Extensions, Field, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../../common/scalars";
import { LIST_BOUNDS } from "../../policy/cost";
import { JoinSourceKind } from "../group/group.enums";
import { User } from "../user/user.entity";

/** What every dashboard's window means (the `days` argument). */
const WINDOW = "The window's length in whole UTC days: today (UTC) and the windowDays − 1 days before it; messages and joins are counted per UTC day.";

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
  @Field(() => Int, { description: "Messages written by members in the window (see windowDays)." }) messagesInWindow: number;
  @Field(() => Int, { description: "Members who wrote at least one message in the window." }) activeMembers: number;
  @Field(() => [Speaker], { description: "The ten most active writers in the window." }) @Extensions({ listSize: LIST_BOUNDS.topSpeakers }) topSpeakers: Speaker[];
  @Field(() => Int, { description: WINDOW }) windowDays: number;
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
  @Field(() => Int, { description: "Messages written in the tenant's groups in the window (see windowDays)." }) messagesInWindow: number;
  @Field(() => [JoinSourceCount]) @Extensions({ listSize: LIST_BOUNDS.joinBreakdown }) joinsBySource: JoinSourceCount[];
  @Field(() => [DayCount], { description: "Joins per UTC day of the window, oldest first; days without any are left out." }) @Extensions({ listSize: LIST_BOUNDS.statsDays }) joinsByDay: DayCount[];
  @Field(() => [DayCount], { description: "Messages per UTC day of the window, oldest first; days without any are left out." }) @Extensions({ listSize: LIST_BOUNDS.statsDays }) messagesByDay: DayCount[];
  @Field(() => Int, { description: WINDOW }) windowDays: number;
}
