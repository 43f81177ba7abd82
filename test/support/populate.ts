import assert from "node:assert/strict";
import {
  CursorContactsDocument,
  CursorGroupsDocument,
  CursorLiveCodesDocument,
  CursorMembersDocument,
  CursorMessagesDocument,
  CursorMyGroupsDocument,
  CursorMyInvitationsDocument,
  CursorMyJoinRequestsDocument,
  CursorReviewQueueDocument,
  CursorRiskEventsDocument,
  CursorUsersDocument,
  EnterSessionDocument,
  FixtureUpsertUsersDocument,
  JoinByCodeDocument,
  JoinLiveDocument,
  JoinSessionGroupDocument,
  PopulateCodeDocument,
  PopulateLiveCodeDocument,
  PopulateReviewItemsDocument,
  PopulateRiskEventsDocument,
  SendDocument,
  SendEntryDocument,
  SetKeywordsDocument,
} from "../generated/graphql";
import { createTenant, dataOf, type FixtureTenant, type FixtureUser, ok } from "./fixtures";
import { mutate } from "./groups";
import type { TestServer } from "./server";

/**
 * Runs `field(input: $input)` selecting `selection` and returns its payload, failing the test on
 * userErrors or errors: for operations built at run time (fuzz.test.ts); populateTenant sends typed documents.
 */
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
  /** With `{ webhooks: true }`: an endpoint (on a public name under .example) with a pending delivery. */
  webhooks: PopulatedWebhooks | null;
}

export interface PopulatedWebhooks {
  endpointId: string;
  deliveryId: string;
  url: string;
  secret: string;
  cursors: { endpoints: string; deliveries: string };
}

/**
 * Creates and fills an ENTERPRISE tenant: users and contacts, a group with an admin, members and a
 * pending invitation, a group code someone joined through, a live code over a second group, a
 * face-to-face session with its group, messages (one held for review), a group held for review by
 * a REVIEW keyword, and a risk event from a BLOCK keyword.
 */
export async function populateTenant(server: TestServer, marker: string, options: { webhooks?: boolean } = {}): Promise<PopulatedTenant> {
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
  const renamed = ok(
    dataOf(
      await server.gql(
        FixtureUpsertUsersDocument,
        { input: { users: [...users.map((u, i) => ({ externalId: u.externalId, displayName: `${marker} person ${i}` })), { externalId: `${marker.toLowerCase()}-loner`, displayName: `${marker} loner` }] } },
        key,
      ),
    ).upsertUsers,
    "upsertUsers",
  ).users!;
  users.forEach((u, i) => (u.displayName = renamed[i].displayName));
  const loner = { id: renamed[6].id, externalId: renamed[6].externalId };
  ok(
    dataOf(await server.gql(SetKeywordsDocument, { input: { keywords: [{ term: REVIEW_TERM, action: "REVIEW" }, { term: BLOCK_TERM, action: "BLOCK" }] } }, key)).setModerationKeywords,
    "setModerationKeywords",
  );

  const created = ok(await mutate(server, "createGroup", { name: `${marker} main group`, memberIds: [u1.id, u2.id, u3.id, u4.id] }, u0.token), "createGroup");
  const mainGroupId = created.group!.id;
  assert.equal(created.invitations!.length, 1, "directAddLimit 4: the fourth member is invited");
  const invitationId = created.invitations![0].id;
  ok(await mutate(server, "setMemberRole", { groupId: mainGroupId, userId: u1.id, role: "ADMIN" }, u0.token), "setMemberRole");

  const code = ok(dataOf(await server.gql(PopulateCodeDocument, { input: { groupId: mainGroupId, type: "PERMANENT", state: `${marker}-poster` } }, u1.token)).createGroupCode, "createGroupCode").code!;
  ok(dataOf(await server.gql(JoinByCodeDocument, { input: { token: code.token } }, u5.token)).joinGroupByCode, "joinGroupByCode");

  const send = async (token: string, text: string) => ok(dataOf(await server.gql(SendDocument, { input: { groupId: mainGroupId, text } }, token)).sendMessage, "sendMessage").message!;
  const messageIds: string[] = [];
  for (const [user, text] of [[u0, `${marker} secret plans`], [u2, `${marker} reply`]] as const) {
    messageIds.push((await send(user.token, text)).id);
  }
  const held = await send(u3.token, `${marker} please ${REVIEW_TERM}`);
  assert.equal(held.status, "PENDING_REVIEW");
  const blocked = dataOf(await server.gql(SendEntryDocument, { input: { groupId: mainGroupId, text: `${marker} ${BLOCK_TERM} words` } }, u2.token)).sendMessage;
  assert.deepEqual(blocked.userErrors, [{ code: "CONTENT_BLOCKED" }]);

  const review = ok(await mutate(server, "createGroup", { name: `${marker} ${REVIEW_TERM} club`, memberIds: [u1.id, u2.id] }, u0.token), "createGroup").group!;
  assert.equal(review.status, "PENDING_REVIEW");

  const liveGroupId = ok(await mutate(server, "createGroup", { name: `${marker} live 1`, memberIds: [u1.id, u2.id] }, u0.token), "createGroup").group!.id;
  const liveCode = ok(
    dataOf(
      await server.gql(
        PopulateLiveCodeDocument,
        {
          input: { name: `${marker} live`, groupIds: [liveGroupId], perGroupCap: 10, autoCreateGroups: true, baseName: `${marker} live`, welcomeMessage: `Welcome to ${marker}`, state: `${marker}-live` },
        },
        u0.token,
      ),
    ).createLiveCode,
    "createLiveCode",
  ).liveCode!;
  ok(dataOf(await server.gql(JoinLiveDocument, { input: { token: liveCode.token } }, u3.token)).joinByLiveCode, "joinByLiveCode");

  const enter = async (token: string) => ok(dataOf(await server.gql(EnterSessionDocument, { input: MEETING }, token)).enterFaceToFace, "enterFaceToFace").session!;
  const session = await enter(u0.token);
  assert.equal((await enter(u1.token)).id, session.id);
  const faceToFaceGroupId = ok(dataOf(await server.gql(JoinSessionGroupDocument, { input: { sessionId: session.id } }, u0.token)).joinFaceToFaceGroup, "joinFaceToFaceGroup").group!.id;
  // Join approval on the face-to-face group: u1's join waits as a join request.
  await call(server, "updateGroupSettings", "UpdateGroupSettingsInput", "group { id }", { groupId: faceToFaceGroupId, joinApproval: true }, u0.token);
  const joinRequestId = (await call(server, "joinFaceToFaceGroup", "JoinFaceToFaceGroupInput", "joinRequest { id }", { sessionId: session.id }, u1.token)).joinRequest.id;

  const reviewItems = dataOf(await server.gql(PopulateReviewItemsDocument, {}, key)).reviewQueue.edges.map((e) => e.node.id);
  assert.equal(reviewItems.length, 2, "the held message and the held group");
  const riskEvents = dataOf(await server.gql(PopulateRiskEventsDocument, {}, key)).riskEvents.edges;
  assert.ok(riskEvents.some((e) => e.node.kind === "BLOCKED_CONTENT"));

  const end = (field: string, cursor: string | null | undefined) => {
    assert.ok(cursor, `a cursor for ${field}`);
    return cursor;
  };
  const main = { id: mainGroupId };
  const cursors = {
    groups: end("groups", dataOf(await server.gql(CursorGroupsDocument, {}, key)).groups.pageInfo.endCursor),
    myGroups: end("myGroups", dataOf(await server.gql(CursorMyGroupsDocument, {}, u0.token)).myGroups.pageInfo.endCursor),
    myInvitations: end("myInvitations", dataOf(await server.gql(CursorMyInvitationsDocument, {}, u4.token)).myInvitations.pageInfo.endCursor),
    myJoinRequests: end("myJoinRequests", dataOf(await server.gql(CursorMyJoinRequestsDocument, {}, u1.token)).myJoinRequests.pageInfo.endCursor),
    liveCodes: end("liveCodes", dataOf(await server.gql(CursorLiveCodesDocument, {}, key)).liveCodes.pageInfo.endCursor),
    reviewQueue: end("reviewQueue", dataOf(await server.gql(CursorReviewQueueDocument, {}, key)).reviewQueue.pageInfo.endCursor),
    riskEvents: end("riskEvents", dataOf(await server.gql(CursorRiskEventsDocument, {}, key)).riskEvents.pageInfo.endCursor),
    users: end("users", dataOf(await server.gql(CursorUsersDocument, {}, key)).users.pageInfo.endCursor),
    contacts: end("contacts", dataOf(await server.gql(CursorContactsDocument, {}, u0.token)).viewer!.contacts!.pageInfo.endCursor),
    members: end("members", dataOf(await server.gql(CursorMembersDocument, main, u0.token)).group!.members!.pageInfo.endCursor),
    messages: end("messages", dataOf(await server.gql(CursorMessagesDocument, main, u0.token)).group!.messages!.pageInfo.endCursor),
  };

  let webhooks: PopulatedWebhooks | null = null;
  if (options.webhooks) {
    // The server's dispatcher should be off: the delivery stays PENDING, its row unchanging.
    const url = `https://hooks.${marker.toLowerCase()}.example/${marker}`;
    const created = await call(server, "createWebhookEndpoint", "CreateWebhookEndpointInput", "endpoint { id } secret", { url, eventTypes: ["group.renamed"], description: `${marker} hooks` }, key);
    // Two renames (there and back): two deliveries, the group's name as it was.
    for (const name of [`${marker} main group (hooks)`, `${marker} main group`]) await call(server, "renameGroup", "RenameGroupInput", "group { name }", { groupId: mainGroupId, name }, u0.token);
    const data = dataOf(await server.gql(`{ webhookEndpoints(first: 1) { pageInfo { endCursor } edges { node { deliveries(first: 1) { pageInfo { endCursor } edges { node { id } } } } } } }`, {}, key));
    const endpoint = data.webhookEndpoints.edges[0].node;
    webhooks = {
      endpointId: created.endpoint.id,
      deliveryId: endpoint.deliveries.edges[0].node.id,
      url,
      secret: created.secret,
      cursors: { endpoints: data.webhookEndpoints.pageInfo.endCursor, deliveries: endpoint.deliveries.pageInfo.endCursor },
    };
  }

  return {
    marker,
    tenant,
    webhooks,
    users,
    loner,
    mainGroupId,
    liveGroupId,
    reviewGroupId: review.id,
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
    riskEventIds: riskEvents.map((e) => e.node.id),
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
    ...(t.webhooks ? [t.webhooks.endpointId, t.webhooks.deliveryId] : []),
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
    ...(t.webhooks ? [t.webhooks.url, t.webhooks.secret, ...Object.values(t.webhooks.cursors)] : []),
  ];
}
