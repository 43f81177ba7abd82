import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { Connection } from "../../common/pagination";
import { DateTimeScalar } from "../../common/scalars";
import { GroupLogEntry } from "../group/group-log.entity";
import { EventRecord } from "./event.entity";

export const EventConnection = Connection(EventRecord, "Event");

@ObjectType("GroupActivity", { simpleResolvers: true, description: "One entry of a group's history as a member sees it live: a message or a membership or group event." })
export class GroupActivity {
  @Field(() => Int, { description: "The group log's sequence number (also `Message.seq`): resume with `afterSeq` set to the last one received." })
  seq: number;

  @Field(() => String, { nullable: true, description: "The event type (`message.created`, `member.joined`…); null for entries without one (notices, review outcomes, invitations' log entries)." })
  type: string | null;

  @Field(() => GroupLogEntry, { description: "The history entry itself (text, kind, sender, subject)." })
  message: GroupLogEntry;
}

@ObjectType("ViewerActivity", { simpleResolvers: true, description: "Something addressed to the signed-in user: an invitation, or a group they joined, left or were removed from." })
export class ViewerActivity {
  @Field(() => ID, { nullable: true, description: "The event's id (as in the event feed)." })
  eventId: string | null;

  @Field(() => String, { description: "`invitation.created`, `invitation.answered`, `member.joined`, `member.left`, `member.removed`." })
  type: string;

  @Field(() => DateTimeScalar)
  createdAt: number;

  @Field(() => GraphQLJSONObject, { description: "The event's details, as the feed carries them." })
  data: Record<string, unknown>;

  /** Row ids the field resolvers load (scoped to the viewer's tenant). */
  groupRowId: string | null;
  invitationRowId: string | null;
}
