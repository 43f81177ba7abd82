import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchemaSync, type ContainerType } from "type-graphql";
import { CodeResolver, FaceToFaceSessionResolver, GroupCodeResolver, GroupCodesResolver, JoinSourceResolver, LiveCodeResolver } from "./modules/code/code.resolver";
import { BanResolver, GovernanceResolver } from "./modules/group/governance.resolver";
import { GroupResolver } from "./modules/group/group.resolver";
import { GroupJoinRequestsResolver, JoinRequestResolver } from "./modules/group/join-request.resolver";
import { InvitationResolver } from "./modules/group/invitation.resolver";
import { MemberResolver } from "./modules/group/member.resolver";
import { ModerationResolver, ReviewItemResolver, RiskEventResolver } from "./modules/moderation/moderation.resolver";
import { GroupHistoryResolver, MessageFieldsResolver, MessageResolver } from "./modules/message/message.resolver";
import { NodeResolver } from "./modules/node/node.resolver";
import { TenantResolver } from "./modules/tenant/tenant.resolver";
import { UserResolver } from "./modules/user/user.resolver";

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
] as const;

/**
 * The executable schema, built per app: resolvers are made by `container` with the app's services
 * (see graphql/container.ts). Without a container (printing the SDL) no resolver is ever called.
 */
export function buildAppSchema(container?: ContainerType): GraphQLSchema {
  return buildSchemaSync({ resolvers: [...RESOLVERS], validate: false, emitSchemaFile: false, ...(container ? { container } : {}) });
}

let printable: GraphQLSchema | undefined;

/** The SDL committed as schema/schema.graphql (sorted, so diffs show only real changes). */
export function printAppSchema(): string {
  printable ??= buildAppSchema();
  return `${printSchema(lexicographicSortSchema(printable))}\n`;
}
