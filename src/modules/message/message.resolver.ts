import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { runMutation } from "../../graphql/mutation";
import { GroupLogEntry } from "../group/group-log.entity";
import { Group } from "../group/group.entity";
import { GroupEventKind, MessageKind, MessageStatus } from "../group/group.enums";
import { User } from "../user/user.entity";
import { userById } from "../user/user.loaders";
import { messageKindOf, messageText } from "./describe";
import { MessageService } from "./message.service";
import { DeleteChatInput, DeleteChatPayload, MessageConnection, RestoreChatInput, RestoreChatPayload, SendMessageInput, SendMessagePayload } from "./message.types";

@Resolver()
export class MessageResolver {
  constructor(private readonly messageService: MessageService) {}

  @Mutation(() => SendMessagePayload, { description: "Member: post to an active group (BLOCK terms refuse, REVIEW terms hold the message)." })
  @Allow("TENANT", "USER")
  sendMessage(@Arg("input", () => SendMessageInput) input: SendMessageInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.messageService.send(ctx, em, input));
  }

  @Mutation(() => DeleteChatPayload, { description: "Member: hide the history so far from your own view (nothing is deleted)." })
  @Allow("TENANT", "USER")
  deleteChat(@Arg("input", () => DeleteChatInput) input: DeleteChatInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.messageService.deleteChat(ctx, em, input.groupId));
  }

  @Mutation(() => RestoreChatPayload, { description: "Member: bring back the history deleteChat hid." })
  @Allow("TENANT", "USER")
  restoreChat(@Arg("input", () => RestoreChatInput) input: RestoreChatInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.messageService.restoreChat(ctx, em, input.groupId));
  }
}

@Resolver(() => GroupLogEntry)
export class MessageFieldsResolver {
  @FieldResolver(() => String, { description: "The message, or a sentence describing the event." })
  text(@Root() entry: GroupLogEntry): string {
    return messageText(entry);
  }

  @FieldResolver(() => MessageKind)
  kind(@Root() entry: GroupLogEntry): MessageKind {
    return messageKindOf(entry);
  }

  @FieldResolver(() => GroupEventKind, { nullable: true, description: "For SYSTEM entries: what happened." })
  event(@Root() entry: GroupLogEntry): GroupEventKind | null {
    return messageKindOf(entry) === MessageKind.SYSTEM ? (entry.kind as GroupEventKind) : null;
  }

  @FieldResolver(() => MessageStatus)
  status(@Root() entry: GroupLogEntry): MessageStatus {
    return entry.status as MessageStatus;
  }

  @FieldResolver(() => User, { nullable: true, description: "Who wrote it, or who acted." })
  sender(@Root() entry: GroupLogEntry, @Ctx() ctx: RequestContext) {
    return entry.actorId ? ctx.loaders.get(userById).load(entry.actorId) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: "Whom an event is about (the member who joined, left, was promoted…)." })
  subject(@Root() entry: GroupLogEntry, @Ctx() ctx: RequestContext) {
    return entry.subjectId ? ctx.loaders.get(userById).load(entry.subjectId) : null;
  }
}

@Resolver(() => Group)
export class GroupHistoryResolver {
  constructor(private readonly messageService: MessageService) {}

  @FieldResolver(() => MessageConnection, { nullable: true, description: "The history the caller may read, newest first (null for non-members)." })
  messages(@Root() group: Group, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return this.messageService.history(ctx, group, pageRequest(args));
  }
}
