import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Connection } from "../../common/pagination";
import { DateTimeScalar } from "../../common/scalars";
import { User } from "./user.entity";

@InputType()
export class UserInput {
  @Field(() => String, { description: "The partner's id for the user (1…128 characters, no spaces)." })
  externalId: string;

  @Field(() => String, { description: "1…64 characters." })
  displayName: string;
}

@InputType()
export class UpsertUsersInput {
  @Field(() => [UserInput], { description: "1…500 users; existing externalIds are updated, new ones created." })
  users: UserInput[];
}

@ObjectType()
export class UpsertUsersPayload {
  @Field(() => [User], { nullable: true, description: "The users, in input order." })
  users?: User[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class ContactPairInput {
  @Field(() => ID) userId: string;
  @Field(() => ID) contactId: string;
}

@InputType()
export class AddContactsInput {
  @Field(() => [ContactPairInput], { description: "1…500 pairs; each becomes a symmetric friendship." })
  pairs: ContactPairInput[];
}

@ObjectType({ simpleResolvers: true })
export class ContactPair {
  @Field(() => User) user: User;
  @Field(() => User) contact: User;
}

@ObjectType()
export class AddContactsPayload {
  @Field(() => [ContactPair], { nullable: true }) pairs?: ContactPair[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class IssueUserTokenInput {
  @Field(() => ID) userId: string;
  @Field(() => Int, { nullable: true, description: "Lifetime, 60…2592000 seconds (default 3600)." })
  ttlSeconds?: number | null;
}

@ObjectType()
export class IssueUserTokenPayload {
  @Field(() => String, { nullable: true, description: "A bearer token for the user; send as `Authorization: Bearer <token>`." })
  token?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: number | null;
  @Field(() => User, { nullable: true }) user?: User | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RevokeUserTokensInput {
  @Field(() => ID) userId: string;
}

@ObjectType()
export class RevokeUserTokensPayload {
  @Field(() => User, { nullable: true, description: "The user whose tokens issued until now no longer authenticate." })
  user?: User | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

export const UserConnection = Connection(User, "User");

@InputType()
export class SetUserTagsInput {
  @Field(() => ID) userId: string;
  @Field(() => [String], { description: "The user's whole tag list (replaces the previous one): at most 20 distinct tags of 1…32 characters." })
  tags: string[];
}

@ObjectType()
export class SetUserTagsPayload {
  @Field(() => User, { nullable: true }) user?: User | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
