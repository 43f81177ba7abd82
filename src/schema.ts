import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { CodeResolver, FaceToFaceSessionResolver, GroupCodeResolver, GroupCodesResolver, JoinSourceResolver, LiveCodeResolver } from "./modules/code/code.resolver";
import { GroupResolver } from "./modules/group/group.resolver";
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

let built: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once per process from the decorated classes. */
export function buildAppSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers: [...RESOLVERS], validate: false, emitSchemaFile: false });
  return built;
}

/** The SDL committed as schema/schema.graphql (sorted, so diffs show only real changes). */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema()))}\n`;
}
