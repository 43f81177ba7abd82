import assert from "node:assert/strict";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "./fixtures";
import type { TestServer } from "./server";

/** Runs `field(input: $input)` and returns its payload, failing the test on userErrors or errors. */
export async function call(server: TestServer, field: string, _shape: string, selection: string, input: Record<string, unknown>, token: string): Promise<any> {
  // Every mutation `fooBar` takes `FooBarInput!`.
  const response = await server.gql(
    `mutation($input: ${field[0].toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $input) { ${selection} userErrors { code message field } } }`,
    { input },
    token,
  );
  return ok(dataOf(response)[field], field);
}

/** Where both tenants' face-to-face sessions are opened: the same digits at the same place. */
export const MEETING = { digits: "4321", latitude: 31.2304, longitude: 121.4737 };
export const REVIEW_TERM = "review me";
export const BLOCK_TERM = "forbidden";

/**
 * A tenant with one of everything, each object named after `marker` ("Alpha", "Bravo"…) so that a
 * response mentioning the marker is a leak. Ids are global ids; tokens are the bearer strings.
 */
export interface PopulatedTenant {
  marker: string;
  tenant: FixtureTenant;
  /** u0 owns main and live groups, u1 is an admin of main, u4 holds a pending invitation to main. */
  users: FixtureUser[];
  /** A user no other user has as a contact, with an externalId only this tenant uses. */
  loner: { id: string; externalId: string };
  mainGroupId: string;
  liveGroupId: string;
  reviewGroupId: string;
  faceToFaceGroupId: string;
  invitationId: string;
  joinRequestId: string;
  codeId: string;
  codeToken: string;
  liveCodeId: string;
  liveCodeToken: string;
  sessionId: string;
  messageIds: string[];
  heldMessageId: string;
  reviewItemIds: string[];
  riskEventIds: string[];
  /** endCursor of a first page of each connection, as this tenant's principals see it. */
  cursors: Record<"groups" | "myGroups" | "myInvitations" | "myJoinRequests" | "liveCodes" | "reviewQueue" | "riskEvents" | "users" | "contacts" | "members" | "messages", string>;
}

/**
 * Creates and fills an ENTERPRISE tenant: users and contacts, a group with an admin, members and a
 * pending invitation, a group code someone joined through, a live code over a second group, a
 * face-to-face session with its group, messages (one held for review), a group held for review by
 * a REVIEW keyword, and a risk event from a BLOCK keyword.
 */
export async function populateTenant(server: TestServer, marker: string): Promise<PopulatedTenant> {
  const tenant = await createTenant(server, {
    name: `${marker} Corp`,
    plan: "ENTERPRISE",
    users: 6,
    qualifications: { dataUsageRulesUrl: `https://${marker.toLowerCase()}.example/rules` },
    policyOverrides: { directAddLimit: 4 },
  });
  const users = tenant.users;
  const [u0, u1, u2, u3, u4, u5] = users;
  const key = tenant.apiKey;

  // Every name carries the marker; the loner has an externalId only this tenant uses.
  const renamed = await call(
    server,
    "upsertUsers",
    "UpsertUsersInput",
    "users { id externalId displayName }",
    { users: [...users.map((u, i) => ({ externalId: u.externalId, displayName: `${marker} person ${i}` })), { externalId: `${marker.toLowerCase()}-loner`, displayName: `${marker} loner` }] },
    key,
  );
  users.forEach((u, i) => (u.displayName = renamed.users[i].displayName));
  const loner = { id: renamed.users[6].id, externalId: renamed.users[6].externalId };
  await call(
    server,
    "setModerationKeywords",
    "SetModerationKeywordsInput",
    "keywords { term }",
    { keywords: [{ term: REVIEW_TERM, action: "REVIEW" }, { term: BLOCK_TERM, action: "BLOCK" }] },
    key,
  );

  const created = await call(server, "createGroup", "CreateGroupInput", "group { id } invitations { id }", { name: `${marker} main group`, memberIds: [u1.id, u2.id, u3.id, u4.id] }, u0.token);
  const mainGroupId = created.group.id;
  assert.equal(created.invitations.length, 1, "directAddLimit 4: the fourth member is invited");
  const invitationId = created.invitations[0].id;
  await call(server, "setMemberRole", "SetMemberRoleInput", "member { role }", { groupId: mainGroupId, userId: u1.id, role: "ADMIN" }, u0.token);

  const code = (await call(server, "createGroupCode", "CreateGroupCodeInput", "code { id token }", { groupId: mainGroupId, type: "PERMANENT", state: `${marker}-poster` }, u1.token)).code;
  await call(server, "joinGroupByCode", "JoinByTokenInput", "member { role }", { token: code.token }, u5.token);

  const messageIds: string[] = [];
  for (const [user, text] of [[u0, `${marker} secret plans`], [u2, `${marker} reply`]] as const) {
    messageIds.push((await call(server, "sendMessage", "SendMessageInput", "message { id }", { groupId: mainGroupId, text }, user.token)).message.id);
  }
  const held = (await call(server, "sendMessage", "SendMessageInput", "message { id status }", { groupId: mainGroupId, text: `${marker} please ${REVIEW_TERM}` }, u3.token)).message;
  assert.equal(held.status, "PENDING_REVIEW");
  const blocked = dataOf(
    await server.gql(`mutation($input: SendMessageInput!) { sendMessage(input: $input) { userErrors { code } } }`, { input: { groupId: mainGroupId, text: `${marker} ${BLOCK_TERM} words` } }, u2.token),
  ).sendMessage;
  assert.deepEqual(blocked.userErrors, [{ code: "CONTENT_BLOCKED" }]);

  const review = await call(server, "createGroup", "CreateGroupInput", "group { id status }", { name: `${marker} ${REVIEW_TERM} club`, memberIds: [u1.id, u2.id] }, u0.token);
  assert.equal(review.group.status, "PENDING_REVIEW");

  const liveGroupId = (await call(server, "createGroup", "CreateGroupInput", "group { id }", { name: `${marker} live 1`, memberIds: [u1.id, u2.id] }, u0.token)).group.id;
  const liveCode = (
    await call(
      server,
      "createLiveCode",
      "CreateLiveCodeInput",
      "liveCode { id token }",
      { name: `${marker} live`, groupIds: [liveGroupId], perGroupCap: 10, autoCreateGroups: true, baseName: `${marker} live`, welcomeMessage: `Welcome to ${marker}`, state: `${marker}-live` },
      u0.token,
    )
  ).liveCode;
  await call(server, "joinByLiveCode", "JoinByTokenInput", "group { id }", { token: liveCode.token }, u3.token);

  const session = (await call(server, "enterFaceToFace", "EnterFaceToFaceInput", "session { id }", MEETING, u0.token)).session;
  assert.equal((await call(server, "enterFaceToFace", "EnterFaceToFaceInput", "session { id }", MEETING, u1.token)).session.id, session.id);
  const faceToFaceGroupId = (await call(server, "joinFaceToFaceGroup", "JoinFaceToFaceGroupInput", "group { id }", { sessionId: session.id }, u0.token)).group.id;
  // Join approval on the face-to-face group: u1's join waits as a join request.
  await call(server, "updateGroupSettings", "UpdateGroupSettingsInput", "group { id }", { groupId: faceToFaceGroupId, joinApproval: true }, u0.token);
  const joinRequestId = (await call(server, "joinFaceToFaceGroup", "JoinFaceToFaceGroupInput", "joinRequest { id }", { sessionId: session.id }, u1.token)).joinRequest.id;

  const read = async (query: string, token: string) => dataOf(await server.gql(query, {}, token));
  const reviewItems = (await read(`{ reviewQueue(first: 10) { edges { node { id } } } }`, key)).reviewQueue.edges.map((e: any) => e.node.id);
  assert.equal(reviewItems.length, 2, "the held message and the held group");
  const riskEvents = (await read(`{ riskEvents(first: 10) { edges { node { id kind } } } }`, key)).riskEvents.edges;
  assert.ok(riskEvents.some((e: any) => e.node.kind === "BLOCKED_CONTENT"));

  const end = async (query: string, field: string, token: string) => {
    const data = await read(query, token);
    const cursor = field === "contacts" ? data.viewer.contacts.pageInfo.endCursor : field === "members" || field === "messages" ? data.group[field].pageInfo.endCursor : data[field].pageInfo.endCursor;
    assert.ok(cursor, `a cursor for ${field}`);
    return cursor as string;
  };
  const cursors = {
    groups: await end(`{ groups(first: 1) { pageInfo { endCursor } } }`, "groups", key),
    myGroups: await end(`{ myGroups(first: 1) { pageInfo { endCursor } } }`, "myGroups", u0.token),
    myInvitations: await end(`{ myInvitations(first: 1) { pageInfo { endCursor } } }`, "myInvitations", u4.token),
    myJoinRequests: await end(`{ myJoinRequests(first: 1) { pageInfo { endCursor } } }`, "myJoinRequests", u1.token),
    liveCodes: await end(`{ liveCodes(first: 1) { pageInfo { endCursor } } }`, "liveCodes", key),
    reviewQueue: await end(`{ reviewQueue(first: 1) { pageInfo { endCursor } } }`, "reviewQueue", key),
    riskEvents: await end(`{ riskEvents(first: 1) { pageInfo { endCursor } } }`, "riskEvents", key),
    users: await end(`{ users(first: 1) { pageInfo { endCursor } } }`, "users", key),
    contacts: await end(`{ viewer { contacts(first: 1) { pageInfo { endCursor } } } }`, "contacts", u0.token),
    members: await end(`{ group(id: "${mainGroupId}") { members(first: 1) { pageInfo { endCursor } } } }`, "members", u0.token),
    messages: await end(`{ group(id: "${mainGroupId}") { messages(first: 1) { pageInfo { endCursor } } } }`, "messages", u0.token),
  };

  return {
    marker,
    tenant,
    users,
    loner,
    mainGroupId,
    liveGroupId,
    reviewGroupId: review.group.id,
    faceToFaceGroupId,
    invitationId,
    joinRequestId,
    codeId: code.id,
    codeToken: code.token,
    liveCodeId: liveCode.id,
    liveCodeToken: liveCode.token,
    sessionId: session.id,
    messageIds,
    heldMessageId: held.id,
    reviewItemIds: reviewItems,
    riskEventIds: riskEvents.map((e: any) => e.node.id),
    cursors,
  };
}

/** Every identifier, token and name of a populated tenant: none may appear in another tenant's responses. */
export function secretsOf(t: PopulatedTenant): string[] {
  const globalIds = [
    t.tenant.id,
    ...t.users.map((u) => u.id),
    t.loner.id,
    t.mainGroupId,
    t.liveGroupId,
    t.reviewGroupId,
    t.faceToFaceGroupId,
    t.invitationId,
    t.joinRequestId,
    t.codeId,
    t.liveCodeId,
    t.sessionId,
    ...t.messageIds,
    t.heldMessageId,
    ...t.reviewItemIds,
    ...t.riskEventIds,
  ];
  const rowIds = globalIds.map((id) => Buffer.from(id, "base64url").toString("utf8").split(":")[1]);
  return [
    t.marker,
    t.marker.toLowerCase(),
    t.marker.toUpperCase(),
    t.tenant.apiKey,
    t.codeToken,
    t.liveCodeToken,
    t.loner.externalId,
    ...t.users.map((u) => u.token),
    ...globalIds,
    ...rowIds,
    ...Object.values(t.cursors),
  ];
}
