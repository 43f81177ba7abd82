import { createUnionType, Field, ID, InputType, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Connection } from "../../common/pagination";
import { Group } from "../group/group.entity";
import { GroupLogEntry } from "../group/group-log.entity";
import { KeywordAction, PlatformKeywordList, ReviewDecision } from "./moderation.enums";
import { ModerationKeyword, PlatformModerationKeyword, ReviewItem, RiskEvent } from "./moderation.entities";

@InputType()
export class KeywordInput {
  @Field(() => String, { description: "1…50 characters; matched case-insensitively, ignoring spacing, punctuation and full-width forms." })
  term: string;

  @Field(() => KeywordAction)
  action: KeywordAction;
}

@InputType()
export class SetModerationKeywordsInput {
  @Field(() => [KeywordInput], { description: "The tenant's whole keyword list (at most 1000); replaces the previous one." })
  keywords: KeywordInput[];
}

@ObjectType()
export class SetModerationKeywordsPayload {
  @Field(() => [ModerationKeyword], { nullable: true }) keywords?: ModerationKeyword[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class SetPlatformModerationKeywordsInput {
  @Field(() => PlatformKeywordList, { nullable: true, description: "Which platform list to replace (default BASELINE)." })
  list?: PlatformKeywordList | null;

  @Field(() => [KeywordInput], { description: "The list's whole content (at most 20000 terms); replaces the previous one. Applied to every tenant." })
  keywords: KeywordInput[];
}

@ObjectType()
export class SetPlatformModerationKeywordsPayload {
  @Field(() => [PlatformModerationKeyword], { nullable: true }) keywords?: PlatformModerationKeyword[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class ResolveReviewItemInput {
  @Field(() => ID) reviewItemId: string;
  @Field(() => ReviewDecision) decision: ReviewDecision;
}

@ObjectType()
export class ResolveReviewItemPayload {
  @Field(() => ReviewItem, { nullable: true }) reviewItem?: ReviewItem | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

/** What a review item is about: a group (its name) or a message. */
export const ReviewSubject = createUnionType({
  name: "ReviewSubject",
  // No resolveType: type-graphql's default (instanceof) is synchronous, which graphql-jit needs.
  types: () => [Group, GroupLogEntry] as const,
});

export const ReviewItemConnection = Connection(ReviewItem, "ReviewItem");
export const RiskEventConnection = Connection(RiskEvent, "RiskEvent");
export const PlatformModerationKeywordConnection = Connection(PlatformModerationKeyword, "PlatformModerationKeyword");
