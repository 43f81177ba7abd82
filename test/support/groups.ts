import assert from "node:assert/strict";
import type { ResultOf, TypedDocumentNode } from "@graphql-typed-document-node/core";
import {
  InviteAllDocument,
  MembersOfDocument,
  PermanentCodeDocument,
  TestCreateGroupDocument,
  TestDissolveGroupDocument,
  TestInviteMembersDocument,
  TestLeaveGroupDocument,
  TestRemoveMemberDocument,
  TestRenameGroupDocument,
  TestRespondToInvitationDocument,
  TestSetMemberRoleDocument,
  TestSetMuteNotificationsDocument,
  TestTransferOwnershipDocument,
} from "../generated/graphql";
import { dataOf, type FixtureTenant, type FixtureUser, ok } from "./fixtures";
import type { TestServer } from "./server";

export const USER_ERRORS = "userErrors { code message field }";
export const GROUP_FIELDS = `id name category status memberCount maxMembers owner { id } viewerMembership { role }`;

/**
 * The group mutations, each selecting its payload as test/graphql/groups.graphql says. An entry may
 * still be a string (a mutation added before its document): it then takes and returns untyped values.
 */
export const M = {
  createGroup: TestCreateGroupDocument,
  inviteMembers: TestInviteMembersDocument,
  respondToInvitation: TestRespondToInvitationDocument,
  removeMember: TestRemoveMemberDocument,
  leaveGroup: TestLeaveGroupDocument,
  renameGroup: TestRenameGroupDocument,
  setMuteNotifications: TestSetMuteNotificationsDocument,
  setMemberRole: TestSetMemberRoleDocument,
  transferOwnership: TestTransferOwnershipDocument,
  dissolveGroup: TestDissolveGroupDocument,
  unbanMember: `mutation($input: UnbanMemberInput!) { unbanMember(input: $input) { group { id memberCount } ${USER_ERRORS} } }`,
  muteMember: `mutation($input: MuteMemberInput!) { muteMember(input: $input) { member { mutedUntil role user { id } } ${USER_ERRORS} } }`,
  unmuteMember: `mutation($input: UnmuteMemberInput!) { unmuteMember(input: $input) { member { mutedUntil user { id } } ${USER_ERRORS} } }`,
  updateGroupSettings: `mutation($input: UpdateGroupSettingsInput!) { updateGroupSettings(input: $input) { group { id settings { joinApproval muteAll welcomeMessage } } ${USER_ERRORS} } }`,
} as const;

export type MutationName = keyof typeof M;
/** The `input` a group mutation takes. */
export type MutationInput<N extends MutationName> = InputOf<(typeof M)[N]>;
type InputOf<D> = D extends string ? Record<string, unknown> : D extends TypedDocumentNode<unknown, { input: infer I }> ? I : never;
/** The payload a group mutation returns. */
export type MutationPayload<N extends MutationName> = {
  [K in MutationName]: (typeof M)[K] extends string ? any : ResultOf<(typeof M)[K]>[K & keyof ResultOf<(typeof M)[K]>];
}[N];

/** A group mutation and its input, for tables of calls. */
export type MutationCall = { [N in MutationName]: [N, MutationInput<N>] }[MutationName];

/** Runs a group mutation and returns its payload (top-level errors fail the test). */
export async function mutate<N extends MutationName>(server: TestServer, name: N, input: MutationInput<N>, token: string): Promise<MutationPayload<N>> {
  const document = M[name] as unknown as TypedDocumentNode<Record<N, MutationPayload<N>>, { input: MutationInput<N> }>;
  const response = await server.gql(document, { input }, token);
  return dataOf(response)[name];
}

/** The codes of a payload's userErrors. */
export const codes = (payload: { userErrors: Array<{ code: string }> }): string[] => payload.userErrors.map((e) => e.code);

export type CreatedGroup = NonNullable<MutationPayload<"createGroup">["group"]>;

/** Creates a group owned by `owner` with the given members (all must be contacts). */
export async function createGroup(
  server: TestServer,
  owner: FixtureUser,
  members: FixtureUser[],
  extra: Partial<MutationInput<"createGroup">> = {},
): Promise<{ id: string; group: CreatedGroup; invitations: NonNullable<MutationPayload<"createGroup">["invitations"]> }> {
  const payload = ok(await mutate(server, "createGroup", { name: "Weekend hikers", memberIds: members.map((m) => m.id), ...extra }, owner.token), "createGroup");
  assert.ok(payload.group && payload.invitations, "createGroup: a group and its invitations");
  return { id: payload.group.id, group: payload.group, invitations: payload.invitations };
}

/** Invites `users` into the group as `owner`; the invitations come back in the order of `users`. */
export async function inviteAll(server: TestServer, owner: FixtureUser, groupId: string, users: FixtureUser[]): Promise<Array<{ id: string }>> {
  return ok(dataOf(await server.gql(InviteAllDocument, { input: { groupId, userIds: users.map((u) => u.id) } }, owner.token)).inviteMembers, "inviteMembers").invitations!;
}

/** The group's PERMANENT code (every group is born with one), read by `owner`. */
export async function permanentCode(server: TestServer, owner: FixtureUser, groupId: string): Promise<{ id: string; token: string }> {
  const codes = dataOf(await server.gql(PermanentCodeDocument, { id: groupId }, owner.token)).group!.codes ?? [];
  const code = codes.find((c) => c.type === "PERMANENT" && c.status === "ACTIVE");
  assert.ok(code, "the group's permanent code from birth");
  return code;
}

/** Members of a group as [userId, role] pairs, in join order, read as the given principal. */
export async function membersOf(server: TestServer, groupId: string, token: string): Promise<Array<[string, string]>> {
  const data = dataOf(await server.gql(MembersOfDocument, { id: groupId }, token));
  return data.group!.members!.edges.map((e) => [e.node.user.id, e.node.role]);
}

/** Asserts the stored member count equals the member rows, for every group. */
export async function assertCountsConsistent(server: TestServer): Promise<void> {
  const rows = await server.sql(
    `SELECT g.id, g.member_count AS stored, (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS actual FROM chat_groups g`,
  );
  for (const row of rows) assert.equal(Number(row.stored), Number(row.actual), `group ${row.id}: member_count ${row.stored} != ${row.actual} rows`);
}

export function byId(tenant: FixtureTenant, id: string): FixtureUser {
  return tenant.users.find((u) => u.id === id)!;
}
