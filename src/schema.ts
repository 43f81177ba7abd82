import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { answerPreloadedFields } from "./graphql/preloaded";
import { buildSchemaSync, type ContainerType, type PubSub } from "type-graphql";
import { EventResolver, ViewerActivityResolver } from "./modules/events/event.resolver";
import { CodeResolver, FaceToFaceSessionResolver, GroupCodeResolver, GroupCodesResolver, JoinSourceResolver, LiveCodeResolver } from "./modules/code/code.resolver";
import { EvidenceResolver, GroupEvidenceResolver } from "./modules/evidence/evidence.resolver";
import { BanResolver, GovernanceResolver } from "./modules/group/governance.resolver";
import { GroupResolver } from "./modules/group/group.resolver";
import { GroupJoinRequestsResolver, JoinRequestResolver } from "./modules/group/join-request.resolver";
import { InvitationResolver } from "./modules/group/invitation.resolver";
import { MemberResolver } from "./modules/group/member.resolver";
import { HandOverResolver } from "./modules/group/handover.resolver";
import { SplitResolver } from "./modules/group/split.resolver";
import { ModerationResolver, ReviewItemResolver, RiskEventResolver } from "./modules/moderation/moderation.resolver";
import { GroupHistoryResolver, MessageFieldsResolver, MessageResolver } from "./modules/message/message.resolver";
import { NodeResolver } from "./modules/node/node.resolver";
import { GroupStatsResolver, StatsResolver } from "./modules/stats/stats.resolver";
import { TenantResolver } from "./modules/tenant/tenant.resolver";
import { UserResolver } from "./modules/user/user.resolver";
import { WebhookEndpointResolver, WebhookResolver } from "./modules/webhooks/webhook.resolver";

export const RESOLVERS = [
  NodeResolver,
  TenantResolver,
  UserResolver,
  GroupResolver,
  GovernanceResolver,
  BanResolver,
  JoinRequestResolver,
  GroupJoinRequestsResolver,
  MemberResolver,
  HandOverResolver,
  InvitationResolver,
  ModerationResolver,
  ReviewItemResolver,
  RiskEventResolver,
  CodeResolver,
  GroupCodeResolver,
  LiveCodeResolver,
  FaceToFaceSessionResolver,
  GroupCodesResolver,
  JoinSourceResolver,
  MessageResolver,
  MessageFieldsResolver,
  GroupHistoryResolver,
  SplitResolver,
  EvidenceResolver,
  GroupEvidenceResolver,
  StatsResolver,
  GroupStatsResolver,
  EventResolver,
  ViewerActivityResolver,
  WebhookResolver,
  WebhookEndpointResolver,
] as const;

/**
 * type-graphql insists on a PubSub once there are subscriptions; ours bring their own `subscribe`
 * (modules/events/live.ts reads the group log and the event bus), so topics are never used.
 */
const noTopics: PubSub = {
  publish() {
    throw new Error("subscriptions use modules/events, not type-graphql topics");
  },
  subscribe() {
    throw new Error("subscriptions use modules/events, not type-graphql topics");
  },
};

/**
 * The executable schema, built per app: resolvers are made by `container` with the app's services
 * (see graphql/container.ts). Without a container (printing the SDL) no resolver is ever called.
 */
export function buildAppSchema(container?: ContainerType): GraphQLSchema {
  return answerPreloadedFields(buildSchemaSync({ resolvers: [...RESOLVERS], validate: false, emitSchemaFile: false, pubSub: noTopics, ...(container ? { container } : {}) }));
}

let printable: GraphQLSchema | undefined;

/** The SDL committed as schema/schema.graphql (sorted, so diffs show only real changes). */
export function printAppSchema(): string {
  printable ??= buildAppSchema();
  return `${printSchema(lexicographicSortSchema(printable))}\n`;
}
