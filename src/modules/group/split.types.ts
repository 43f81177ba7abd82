import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Group } from "./group.entity";

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
