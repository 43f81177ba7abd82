import { Field, ID, InputType, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Connection } from "../../common/pagination";
import { Group } from "../group/group.entity";
import { GroupLogEntry } from "../group/group-log.entity";

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

@InputType() export class DeleteChatInput extends ChatInput {}
@InputType() export class RestoreChatInput extends ChatInput {}
@ObjectType() export class DeleteChatPayload extends ChatPayload {}
@ObjectType() export class RestoreChatPayload extends ChatPayload {}

export const MessageConnection = Connection(GroupLogEntry, "Message");
