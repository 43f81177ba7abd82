import assert from "node:assert/strict";
import { dataOf, type FixtureTenant, type FixtureUser, ok } from "./fixtures";
import type { TestServer } from "./server";

export const USER_ERRORS = "userErrors { code message field }";
export const GROUP_FIELDS = `id name category status memberCount maxMembers owner { id } viewerMembership { role }`;

export const M = {
  createGroup: `mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { ${GROUP_FIELDS} } invitations { id status invitee { id } } ${USER_ERRORS} } }`,
  inviteMembers: `mutation($input: InviteMembersInput!) { inviteMembers(input: $input) { group { memberCount } added { user { id } joinSource { kind inviter { id } } } invitations { id status invitee { id } } ${USER_ERRORS} } }`,
  respondToInvitation: `mutation($input: RespondToInvitationInput!) { respondToInvitation(input: $input) { invitation { id status } member { role joinSource { kind inviter { id } } user { id } } ${USER_ERRORS} } }`,
  removeMember: `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { group { memberCount owner { id } status } ${USER_ERRORS} } }`,
  leaveGroup: `mutation($input: LeaveGroupInput!) { leaveGroup(input: $input) { group { memberCount owner { id } status } ${USER_ERRORS} } }`,
  renameGroup: `mutation($input: RenameGroupInput!) { renameGroup(input: $input) { group { name status } ${USER_ERRORS} } }`,
  setMuteNotifications: `mutation($input: SetMuteNotificationsInput!) { setMuteNotifications(input: $input) { member { mutedNotifications } ${USER_ERRORS} } }`,
  setMemberRole: `mutation($input: SetMemberRoleInput!) { setMemberRole(input: $input) { member { role user { id } } ${USER_ERRORS} } }`,
  transferOwnership: `mutation($input: TransferOwnershipInput!) { transferOwnership(input: $input) { group { owner { id } } ${USER_ERRORS} } }`,
  unbanMember: `mutation($input: UnbanMemberInput!) { unbanMember(input: $input) { group { id memberCount } ${USER_ERRORS} } }`,
  muteMember: `mutation($input: MuteMemberInput!) { muteMember(input: $input) { member { mutedUntil role user { id } } ${USER_ERRORS} } }`,
  unmuteMember: `mutation($input: UnmuteMemberInput!) { unmuteMember(input: $input) { member { mutedUntil user { id } } ${USER_ERRORS} } }`,
  updateGroupSettings: `mutation($input: UpdateGroupSettingsInput!) { updateGroupSettings(input: $input) { group { id settings { joinApproval muteAll welcomeMessage } } ${USER_ERRORS} } }`,
  dissolveGroup: `mutation($input: DissolveGroupInput!) { dissolveGroup(input: $input) { group { status memberCount } ${USER_ERRORS} } }`,
} as const;

export type MutationName = keyof typeof M;

/** Runs a group mutation and returns its payload (top-level errors fail the test). */
export async function mutate(server: TestServer, name: MutationName, input: Record<string, unknown>, token: string): Promise<any> {
  const response = await server.gql(M[name], { input }, token);
  return dataOf(response)[name];
}

/** The codes of a payload's userErrors. */
export const codes = (payload: any): string[] => payload.userErrors.map((e: any) => e.code);

/** Creates a group owned by `owner` with the given members (all must be contacts). */
export async function createGroup(
  server: TestServer,
  owner: FixtureUser,
  members: FixtureUser[],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; group: any; invitations: any[] }> {
  const payload = ok(await mutate(server, "createGroup", { name: "Weekend hikers", memberIds: members.map((m) => m.id), ...extra }, owner.token), "createGroup");
  return { id: payload.group.id, group: payload.group, invitations: payload.invitations };
}

/** Invites `users` into the group as `owner`; the invitations come back in the order of `users`. */
export async function inviteAll(server: TestServer, owner: FixtureUser, groupId: string, users: FixtureUser[]): Promise<Array<{ id: string }>> {
  const query = `mutation($input: InviteMembersInput!) { inviteMembers(input: $input) { invitations { id } userErrors { code } } }`;
  return ok(dataOf(await server.gql(query, { input: { groupId, userIds: users.map((u) => u.id) } }, owner.token)).inviteMembers, "inviteMembers").invitations;
}

/** The group's PERMANENT code (every group is born with one), read by `owner`. */
export async function permanentCode(server: TestServer, owner: FixtureUser, groupId: string): Promise<{ id: string; token: string }> {
  const query = `query($id: ID!) { group(id: $id) { codes { id type status token } } }`;
  const codes: Array<{ id: string; type: string; status: string; token: string }> = dataOf(await server.gql(query, { id: groupId }, owner.token)).group.codes;
  const code = codes.find((c) => c.type === "PERMANENT" && c.status === "ACTIVE");
  assert.ok(code, "the group's permanent code from birth");
  return code;
}

/** Members of a group as [userId, role] pairs, in join order, read as the given principal. */
export async function membersOf(server: TestServer, groupId: string, token: string): Promise<Array<[string, string]>> {
  const data = dataOf(
    await server.gql(`query($id: ID!) { group(id: $id) { members(first: 100) { totalCount edges { node { role user { id } } } } } }`, { id: groupId }, token),
  );
  return data.group.members.edges.map((e: any) => [e.node.user.id, e.node.role]);
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
