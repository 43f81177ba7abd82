import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildSchema, getNamedType, type GraphQLInputType, isInputObjectType, isObjectType } from "graphql";
import { dataOf, ok } from "../support/fixtures";
import { MEETING, type PopulatedTenant, populateTenant, secretsOf } from "../support/populate";
import { type GraphQLResponse, startTestServer, type TestServer } from "../support/server";
import { snapshotAll, snapshotDiff } from "../support/snapshot";
import { testWebhookConfig } from "../support/webhooks";

/*
 * Cross-tenant isolation, systematically: two fully populated tenants, and every operation of the
 * schema that takes an id, a token or a cursor called by one tenant's user token and API key with
 * the other tenant's values. Each must refuse exactly as it refuses values that never existed
 * (NOT_FOUND — for node(id:) a plain null, as Relay expects — or the principal-kind refusal that
 * comes before any lookup), change no row, and
 * mention nothing of the other tenant.
 */

/** What one principal must see. Mutations refuse in userErrors; queries with a top-level error. */
type Outcome =
  | "NOT_FOUND" // mutation: userErrors all NOT_FOUND; query: null with a NOT_FOUND error at its path
  | "ABSENT" // query: null and no error at all (node(id:), as Relay expects)
  | "NOT_PERMITTED" // mutation: userErrors NOT_PERMITTED (the principal cannot do this to any id)
  | "DENIED" // top-level NOT_PERMITTED: the operation is not for this kind of principal at all
  | "EMPTY" // a list of the caller's own tenant that must come back empty
  | "OWN_DATA" // a page of the caller's own data (a foreign cursor): no error but INVALID_INPUT, no leak
  | "ELSEWHERE"; // not refused: checked by a dedicated test below

/** The values of one tenant an attacker may try: the real ones, or phantoms that never existed. */
interface Target {
  tenantId: string;
  userIds: string[];
  lonerExternalId: string;
  mainGroupId: string;
  liveGroupId: string;
  reviewGroupId: string;
  faceToFaceGroupId: string;
  invitationId: string;
  joinRequestId: string;
  /** The main group's first member (its owner): a Member's global id. */
  memberId: string;
  codeId: string;
  codeToken: string;
  liveCodeId: string;
  liveCodeToken: string;
  sessionId: string;
  messageId: string;
  heldMessageId: string;
  reviewItemId: string;
  riskEventId: string;
  webhookEndpointId: string;
  webhookDeliveryId: string;
  cursors: PopulatedTenant["cursors"];
  webhookCursors: { endpoints: string; deliveries: string };
}

interface Case {
  /** The schema field this case covers: a root field, or `Type.field` for a nested one. */
  field: string;
  label?: string;
  kind: "query" | "mutation";
  doc: string;
  vars: (victim: Target, own: PopulatedTenant) => Record<string, unknown>;
  user: Outcome;
  key: Outcome;
  /** Compare with the same call on phantom values (default true; cursors page differently). */
  phantom?: boolean;
}

const target = (t: PopulatedTenant): Target => ({
  tenantId: t.tenant.id,
  userIds: t.users.map((u) => u.id),
  lonerExternalId: t.loner.externalId,
  mainGroupId: t.mainGroupId,
  liveGroupId: t.liveGroupId,
  reviewGroupId: t.reviewGroupId,
  faceToFaceGroupId: t.faceToFaceGroupId,
  invitationId: t.invitationId,
  joinRequestId: t.joinRequestId,
  memberId: memberGid(t.mainGroupId, t.users[0].id),
  codeId: t.codeId,
  codeToken: t.codeToken,
  liveCodeId: t.liveCodeId,
  liveCodeToken: t.liveCodeToken,
  sessionId: t.sessionId,
  messageId: t.messageIds[0],
  heldMessageId: t.heldMessageId,
  reviewItemId: t.reviewItemIds[0],
  riskEventId: t.riskEventIds[0],
  webhookEndpointId: t.webhooks!.endpointId,
  webhookDeliveryId: t.webhooks!.deliveryId,
  cursors: t.cursors,
  webhookCursors: t.webhooks!.cursors,
});

/** A Member's global id as the server builds it: "Member:<group row id>:<user row id>", base64url. */
function memberGid(groupId: string, userId: string): string {
  const row = (id: string) => Buffer.from(id, "base64url").toString("utf8").split(":")[1];
  return Buffer.from(`Member:${row(groupId)}:${row(userId)}`, "utf8").toString("base64url");
}
const gid = (type: string) => Buffer.from(`${type}:${randomUUID()}`, "utf8").toString("base64url");
const token = () => randomBytes(24).toString("base64url");

/** Values of the same shapes that no tenant has. */
const phantom = (real: Target): Target => ({
  tenantId: gid("Tenant"),
  userIds: real.userIds.map(() => gid("User")),
  lonerExternalId: `nobody-${randomBytes(4).toString("hex")}`,
  mainGroupId: gid("Group"),
  liveGroupId: gid("Group"),
  reviewGroupId: gid("Group"),
  faceToFaceGroupId: gid("Group"),
  invitationId: gid("Invitation"),
  joinRequestId: gid("JoinRequest"),
  memberId: Buffer.from(`Member:${randomUUID()}:${randomUUID()}`, "utf8").toString("base64url"),
  codeId: gid("GroupCode"),
  codeToken: token(),
  liveCodeId: gid("LiveCode"),
  liveCodeToken: token(),
  sessionId: gid("FaceToFaceSession"),
  messageId: gid("Message"),
  heldMessageId: gid("Message"),
  reviewItemId: gid("ReviewItem"),
  riskEventId: gid("RiskEvent"),
  webhookEndpointId: gid("WebhookEndpoint"),
  webhookDeliveryId: gid("WebhookDelivery"),
  cursors: real.cursors,
  webhookCursors: real.webhookCursors,
});

const ERR = "userErrors { code message field }";
/** Every mutation `fooBar` takes `FooBarInput!` (the contract's convention); `_shape` documents the shared shape. */
const mutation = (field: string, _shape: string, selection: string) =>
  `mutation($input: ${field[0].toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $input) { ${selection} ${ERR} } }`;
const GROUP_SEL = "group { id name memberCount owner { id displayName } }";
const JOIN_SEL = "group { id name } member { role user { id } }";
const NODE_DOC = `query($id: ID!) { node(id: $id) { id __typename
  ... on Group { name memberCount } ... on User { displayName externalId } ... on Tenant { name } ... on Message { text }
  ... on GroupCode { token } ... on LiveCode { token name } ... on Invitation { status } ... on JoinRequest { requestStatus: status } ... on ReviewItem { reason }
  ... on RiskEvent { detail } ... on WebhookEndpoint { url description } ... on WebhookDelivery { eventId eventType } ... on FaceToFaceSession { participants { id } } ... on Member { role user { id } group { id name } } } }`;
const GROUP_DOC = `query($id: ID!) { group(id: $id) { id name memberCount owner { id displayName }
  members { edges { node { user { id displayName } } } } messages { edges { node { id text } } } codes { token } } }`;
const page = (field: string, args = "", extra = "") =>
  `query($after: String${extra}) { ${field}(first: 5, after: $after${args}) { totalCount edges { cursor node { id } } pageInfo { endCursor } } }`;

/** Every id-, token- and cursor-taking operation, with the outcome for a user token and for an API key. */
const CASES: Case[] = [
  // Queries.
  ...(["mainGroupId", "liveGroupId", "reviewGroupId", "faceToFaceGroupId"] as const).map(
    (which): Case => ({ field: "group", label: `group(${which})`, kind: "query", doc: GROUP_DOC, vars: (v) => ({ id: v[which] }), user: "NOT_FOUND", key: "NOT_FOUND" }),
  ),
  ...(
    [
      ["Tenant", (v: Target) => v.tenantId],
      ["User", (v: Target) => v.userIds[0]],
      ["Group", (v: Target) => v.mainGroupId],
      ["Invitation", (v: Target) => v.invitationId],
      ["JoinRequest", (v: Target) => v.joinRequestId],
      ["Member", (v: Target) => v.memberId],
      ["GroupCode", (v: Target) => v.codeId],
      ["LiveCode", (v: Target) => v.liveCodeId],
      ["Message", (v: Target) => v.messageId],
      ["Message (held)", (v: Target) => v.heldMessageId],
      ["ReviewItem", (v: Target) => v.reviewItemId],
      ["RiskEvent", (v: Target) => v.riskEventId],
      ["FaceToFaceSession", (v: Target) => v.sessionId],
      ["WebhookEndpoint", (v: Target) => v.webhookEndpointId],
      ["WebhookDelivery", (v: Target) => v.webhookDeliveryId],
    ] as const
  ).map(([type, pick]): Case => ({ field: "node", label: `node(${type})`, kind: "query", doc: NODE_DOC, vars: (v) => ({ id: pick(v) }), user: "ABSENT", key: "ABSENT" })),
  { field: "evidenceBundle", kind: "query", doc: `query($id: ID!) { evidenceBundle(groupId: $id) }`, vars: (v) => ({ id: v.mainGroupId }), user: "NOT_FOUND", key: "NOT_FOUND" },
  {
    field: "evidenceProof",
    kind: "query",
    doc: `query($id: ID!) { evidenceProof(messageId: $id) { leafIndex leafData head { rootHash } } }`,
    vars: (v) => ({ id: v.messageId }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  { field: "verifyEvidence", kind: "query", doc: `query($id: ID!) { verifyEvidence(groupId: $id) { valid treeSize rootHash } }`, vars: (v) => ({ id: v.mainGroupId }), user: "NOT_FOUND", key: "NOT_FOUND" },
  ...(["codeToken", "liveCodeToken"] as const).map(
    (which): Case => ({
      field: "groupCode",
      label: `groupCode(${which})`,
      kind: "query",
      doc: `query($token: String!) { groupCode(token: $token) { groupName memberCount joinable refusal } }`,
      vars: (v) => ({ token: v[which] }),
      user: "NOT_FOUND",
      key: "NOT_FOUND",
    }),
  ),
  {
    field: "users",
    label: "users(externalIds)",
    kind: "query",
    doc: `query($ids: [String!]) { users(first: 10, externalIds: $ids) { totalCount edges { node { id displayName } } } }`,
    vars: (v) => ({ ids: [v.lonerExternalId] }),
    user: "DENIED",
    key: "EMPTY",
  },
  // Connections given the other tenant's cursors: the caller's own rows (or nothing), never the other's.
  { field: "groups", kind: "query", doc: page("groups"), vars: (v) => ({ after: v.cursors.groups }), user: "DENIED", key: "OWN_DATA", phantom: false },
  { field: "myGroups", kind: "query", doc: page("myGroups"), vars: (v) => ({ after: v.cursors.myGroups }), user: "OWN_DATA", key: "DENIED", phantom: false },
  { field: "myInvitations", kind: "query", doc: page("myInvitations"), vars: (v) => ({ after: v.cursors.myInvitations }), user: "OWN_DATA", key: "DENIED", phantom: false },
  { field: "myJoinRequests", kind: "query", doc: page("myJoinRequests"), vars: (v) => ({ after: v.cursors.myJoinRequests }), user: "OWN_DATA", key: "DENIED", phantom: false },
  {
    field: "Group.joinRequests",
    kind: "query",
    doc: `query($id: ID!, $after: String) { group(id: $id) { joinRequests(first: 5, after: $after) { totalCount edges { cursor node { id requester { id } } } } } }`,
    vars: (v, own) => ({ id: own.faceToFaceGroupId, after: v.cursors.myJoinRequests }),
    user: "OWN_DATA",
    key: "OWN_DATA",
    phantom: false,
  },
  { field: "liveCodes", kind: "query", doc: page("liveCodes"), vars: (v) => ({ after: v.cursors.liveCodes }), user: "OWN_DATA", key: "OWN_DATA", phantom: false },
  { field: "reviewQueue", kind: "query", doc: page("reviewQueue"), vars: (v) => ({ after: v.cursors.reviewQueue }), user: "DENIED", key: "OWN_DATA", phantom: false },
  { field: "riskEvents", kind: "query", doc: page("riskEvents"), vars: (v) => ({ after: v.cursors.riskEvents }), user: "DENIED", key: "OWN_DATA", phantom: false },
  { field: "users", label: "users(after)", kind: "query", doc: page("users"), vars: (v) => ({ after: v.cursors.users }), user: "DENIED", key: "OWN_DATA", phantom: false },
  // The event feed (tenant keys only): another tenant's cursor pages the caller's own events.
  { field: "events", kind: "query", doc: page("events"), vars: (v) => ({ after: v.cursors.groups }), user: "DENIED", key: "OWN_DATA", phantom: false },
  { field: "tenants", kind: "query", doc: page("tenants"), vars: (v) => ({ after: v.cursors.groups }), user: "DENIED", key: "DENIED", phantom: false },
  { field: "platformModerationKeywords", kind: "query", doc: `query($after: String) { platformModerationKeywords(first: 5, after: $after) { totalCount edges { cursor node { term } } } }`, vars: (v) => ({ after: v.cursors.groups }), user: "DENIED", key: "DENIED", phantom: false },
  {
    field: "User.contacts",
    kind: "query",
    doc: `query($after: String) { viewer { contacts(first: 5, after: $after) { totalCount edges { node { id displayName } } } } }`,
    vars: (v) => ({ after: v.cursors.contacts }),
    user: "OWN_DATA",
    key: "OWN_DATA",
    phantom: false,
  },
  {
    field: "Group.bans",
    kind: "query",
    doc: `query($id: ID!, $after: String) { group(id: $id) { bans(first: 5, after: $after) { totalCount edges { cursor node { user { id } } } } } }`,
    vars: (v, own) => ({ id: own.mainGroupId, after: v.cursors.members }),
    user: "OWN_DATA",
    key: "OWN_DATA",
    phantom: false,
  },
  ...(["members", "messages"] as const).map(
    (field): Case => ({
      field: `Group.${field}`,
      kind: "query",
      doc: `query($id: ID!, $after: String) { group(id: $id) { ${field}(first: 5, after: $after) { totalCount edges { cursor } } } }`,
      vars: (v, own) => ({ id: own.mainGroupId, after: v.cursors[field] }),
      user: "OWN_DATA",
      key: "OWN_DATA",
      phantom: false,
    }),
  ),

  // Webhooks (tenant keys only): another tenant's cursor pages the caller's own endpoints and
  // deliveries (a user token's node(id:) of an endpoint is null, so its deliveries are never reached).
  { field: "webhookEndpoints", kind: "query", doc: page("webhookEndpoints"), vars: (v) => ({ after: v.webhookCursors.endpoints }), user: "DENIED", key: "OWN_DATA", phantom: false },
  {
    field: "WebhookEndpoint.deliveries",
    kind: "query",
    doc: `query($id: ID!, $after: String) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 5, after: $after) { totalCount edges { cursor node { id eventId } } } } } }`,
    vars: (v, own) => ({ id: own.webhooks!.endpointId, after: v.webhookCursors.deliveries }),
    user: "OWN_DATA",
    key: "OWN_DATA",
    phantom: false,
  },
  ...(
    [
      ["updateWebhookEndpoint", "endpoint { id url }", (v: Target) => ({ endpointId: v.webhookEndpointId, enabled: false, url: "https://probe.example/x" })],
      ["deleteWebhookEndpoint", "deletedEndpointId", (v: Target) => ({ endpointId: v.webhookEndpointId })],
      ["rotateWebhookSecret", "secret endpoint { id }", (v: Target) => ({ endpointId: v.webhookEndpointId })],
      ["redeliverWebhookEvent", "delivery { id status }", (v: Target) => ({ deliveryId: v.webhookDeliveryId })],
    ] as const
  ).map(([field, selection, vars]): Case => ({ field, kind: "mutation", doc: mutation(field, `${field}Input`, selection), vars, user: "DENIED", key: "NOT_FOUND" })),

  // Mutations: the other tenant's ids, and the other tenant's ids inside one's own objects.
  {
    field: "addContacts",
    kind: "mutation",
    doc: mutation("addContacts", "AddContactsInput", "pairs { user { id } contact { id } }"),
    vars: (v) => ({ pairs: [{ userId: v.userIds[0], contactId: v.userIds[1] }] }),
    user: "DENIED",
    key: "NOT_FOUND",
  },
  {
    field: "addContacts",
    label: "addContacts(own user, foreign contact)",
    kind: "mutation",
    doc: mutation("addContacts", "AddContactsInput", "pairs { user { id } contact { id } }"),
    vars: (v, own) => ({ pairs: [{ userId: own.users[0].id, contactId: v.userIds[1] }] }),
    user: "DENIED",
    key: "NOT_FOUND",
  },
  {
    field: "createGroup",
    kind: "mutation",
    doc: mutation("createGroup", "CreateGroupInput", "group { id } invitations { id }"),
    vars: (v) => ({ name: "Probe", memberIds: [v.userIds[1], v.userIds[2]] }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  {
    field: "createGroup",
    label: "createGroup(own and foreign members)",
    kind: "mutation",
    doc: mutation("createGroup", "CreateGroupInput", "group { id } invitations { id }"),
    vars: (v, own) => ({ name: "Probe", memberIds: [own.users[1].id, v.userIds[1]] }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  {
    field: "createGroupCode",
    kind: "mutation",
    doc: mutation("createGroupCode", "CreateGroupCodeInput", "code { id token }"),
    vars: (v) => ({ groupId: v.mainGroupId, type: "PERMANENT" }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "createLiveCode",
    kind: "mutation",
    doc: mutation("createLiveCode", "CreateLiveCodeInput", "liveCode { id token }"),
    vars: (v) => ({ name: "Probe", groupIds: [v.liveGroupId] }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  {
    field: "createLiveCode",
    label: "createLiveCode(own and foreign groups)",
    kind: "mutation",
    doc: mutation("createLiveCode", "CreateLiveCodeInput", "liveCode { id token }"),
    vars: (v, own) => ({ name: "Probe", groupIds: [own.liveGroupId, v.liveGroupId] }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  ...(["deleteChat", "restoreChat"] as const).map(
    (field): Case => ({ field, kind: "mutation", doc: mutation(field, "ChatInput", "group { id name }"), vars: (v) => ({ groupId: v.mainGroupId }), user: "NOT_FOUND", key: "NOT_FOUND" }),
  ),
  ...(["dissolveGroup", "leaveGroup"] as const).map(
    (field): Case => ({ field, kind: "mutation", doc: mutation(field, "GroupIdInput", GROUP_SEL), vars: (v) => ({ groupId: v.mainGroupId }), user: "NOT_FOUND", key: "NOT_FOUND" }),
  ),
  {
    field: "inviteMembers",
    kind: "mutation",
    doc: mutation("inviteMembers", "InviteMembersInput", "group { id } added { user { id } } invitations { id }"),
    vars: (v, own) => ({ groupId: v.mainGroupId, userIds: [own.users[5].id] }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "inviteMembers",
    label: "inviteMembers(own group, foreign user)",
    kind: "mutation",
    doc: mutation("inviteMembers", "InviteMembersInput", "group { id } added { user { id } } invitations { id }"),
    vars: (v, own) => ({ groupId: own.mainGroupId, userIds: [v.userIds[5]] }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  {
    field: "issueUserToken",
    kind: "mutation",
    doc: mutation("issueUserToken", "IssueUserTokenInput", "token expiresAt user { id }"),
    vars: (v) => ({ userId: v.userIds[0] }),
    user: "DENIED",
    key: "NOT_FOUND",
  },
  ...(
    [
      ["joinByLiveCode", (v: Target) => v.liveCodeToken],
      ["joinGroupByCode", (v: Target) => v.codeToken],
    ] as const
  ).map(([field, pick]): Case => ({ field, kind: "mutation", doc: mutation(field, "JoinByTokenInput", JOIN_SEL), vars: (v) => ({ token: pick(v) }), user: "NOT_FOUND", key: "NOT_PERMITTED" })),
  {
    field: "joinFaceToFaceGroup",
    kind: "mutation",
    doc: mutation("joinFaceToFaceGroup", "JoinFaceToFaceGroupInput", JOIN_SEL),
    vars: (v) => ({ sessionId: v.sessionId }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  {
    field: "removeMember",
    kind: "mutation",
    doc: mutation("removeMember", "GroupUserInput", GROUP_SEL),
    vars: (v) => ({ groupId: v.mainGroupId, userId: v.userIds[2] }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "removeMember",
    label: "removeMember(own group, foreign user)",
    kind: "mutation",
    doc: mutation("removeMember", "GroupUserInput", GROUP_SEL),
    vars: (v, own) => ({ groupId: own.mainGroupId, userId: v.userIds[2] }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "removeMember",
    label: "removeMember(foreign group, ban)",
    kind: "mutation",
    doc: mutation("removeMember", "GroupUserInput", GROUP_SEL),
    vars: (v) => ({ groupId: v.mainGroupId, userId: v.userIds[2], ban: true }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "unbanMember",
    kind: "mutation",
    doc: mutation("unbanMember", "GroupUserInput", GROUP_SEL),
    vars: (v) => ({ groupId: v.mainGroupId, userId: v.userIds[2] }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "unbanMember",
    label: "unbanMember(own group, foreign user)",
    kind: "mutation",
    doc: mutation("unbanMember", "GroupUserInput", GROUP_SEL),
    vars: (v, own) => ({ groupId: own.mainGroupId, userId: v.userIds[2] }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "answerJoinRequest",
    kind: "mutation",
    doc: mutation("answerJoinRequest", "AnswerJoinRequestInput", "joinRequest { id status } member { role }"),
    vars: (v) => ({ joinRequestId: v.joinRequestId, approve: true }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "setGroupAnnouncement",
    kind: "mutation",
    doc: mutation("setGroupAnnouncement", "SetGroupAnnouncementInput", "group { id announcement { text } }"),
    vars: (v) => ({ groupId: v.mainGroupId, text: "Probe", includeSubGroups: true }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "updateGroupSettings",
    kind: "mutation",
    doc: mutation("updateGroupSettings", "UpdateGroupSettingsInput", "group { id settings { joinApproval muteAll welcomeMessage } }"),
    vars: (v) => ({ groupId: v.mainGroupId, muteAll: true }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  ...(["muteMember", "unmuteMember"] as const).flatMap((field): Case[] => [
    {
      field,
      kind: "mutation",
      doc: mutation(field, "GroupUserInput", "member { mutedUntil user { id } }"),
      vars: (v) => ({ groupId: v.mainGroupId, userId: v.userIds[2], ...(field === "muteMember" ? { until: "2099-01-01T00:00:00.000Z" } : {}) }),
      user: "NOT_FOUND",
      key: "NOT_FOUND",
    },
    {
      field,
      label: `${field}(own group, foreign user)`,
      kind: "mutation",
      doc: mutation(field, "GroupUserInput", "member { mutedUntil user { id } }"),
      vars: (v, own) => ({ groupId: own.mainGroupId, userId: v.userIds[2], ...(field === "muteMember" ? { until: "2099-01-01T00:00:00.000Z" } : {}) }),
      user: "NOT_FOUND",
      key: "NOT_FOUND",
    },
  ]),
  {
    field: "renameGroup",
    kind: "mutation",
    doc: mutation("renameGroup", "RenameGroupInput", GROUP_SEL),
    vars: (v) => ({ groupId: v.mainGroupId, name: "Probe" }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "resolveReviewItem",
    kind: "mutation",
    doc: mutation("resolveReviewItem", "ResolveReviewItemInput", "reviewItem { id status reason }"),
    vars: (v) => ({ reviewItemId: v.reviewItemId, decision: "APPROVE" }),
    user: "DENIED",
    key: "NOT_FOUND",
  },
  {
    field: "respondToInvitation",
    kind: "mutation",
    doc: mutation("respondToInvitation", "RespondToInvitationInput", "invitation { id status } member { role }"),
    vars: (v) => ({ invitationId: v.invitationId, accept: true }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  {
    field: "revokeGroupCode",
    kind: "mutation",
    doc: mutation("revokeGroupCode", "RevokeGroupCodeInput", "code { id token status }"),
    vars: (v) => ({ codeId: v.codeId }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "revokeUserTokens",
    kind: "mutation",
    doc: mutation("revokeUserTokens", "RevokeUserTokensInput", "user { id displayName }"),
    vars: (v) => ({ userId: v.userIds[0] }),
    user: "DENIED",
    key: "NOT_FOUND",
  },
  {
    // Its payload's `transferred` is a non-null list (the contract), so a refusal is not all-null:
    // another tenant's users are NOT_FOUND with nothing changed in test/e2e/enterprise-handover.test.ts.
    field: "transferUserGroups",
    kind: "mutation",
    doc: mutation("transferUserGroups", "TransferUserGroupsInput", "transferred { id name owner { id } }"),
    vars: (v) => ({ fromUserId: v.userIds[0], toUserId: v.userIds[1] }),
    user: "DENIED",
    key: "ELSEWHERE",
  },
  {
    field: "setUserTags",
    kind: "mutation",
    doc: mutation("setUserTags", "SetUserTagsInput", "user { id tags }"),
    vars: (v) => ({ userId: v.userIds[0], tags: ["isolation"] }),
    user: "DENIED",
    key: "NOT_FOUND",
  },
  {
    field: "rotateTokenSigningSecret",
    kind: "mutation",
    doc: mutation("rotateTokenSigningSecret", "RotateTokenSigningSecretInput", "tenant { id name }"),
    vars: (v) => ({ tenantId: v.tenantId }),
    user: "DENIED",
    key: "NOT_FOUND",
  },
  {
    field: "rotateTenantApiKey",
    kind: "mutation",
    doc: mutation("rotateTenantApiKey", "RotateTenantApiKeyInput", "apiKey tenant { id name }"),
    vars: (v) => ({ tenantId: v.tenantId }),
    user: "DENIED",
    key: "DENIED",
  },
  {
    field: "sendMessage",
    kind: "mutation",
    doc: mutation("sendMessage", "SendMessageInput", "message { id text }"),
    vars: (v) => ({ groupId: v.mainGroupId, text: "Probe" }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "setMemberRole",
    kind: "mutation",
    doc: mutation("setMemberRole", "SetMemberRoleInput", "group { id } member { role user { id } }"),
    vars: (v) => ({ groupId: v.mainGroupId, userId: v.userIds[2], role: "ADMIN" }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "setMemberRole",
    label: "setMemberRole(own group, foreign user)",
    kind: "mutation",
    doc: mutation("setMemberRole", "SetMemberRoleInput", "group { id } member { role user { id } }"),
    vars: (v, own) => ({ groupId: own.mainGroupId, userId: v.userIds[2], role: "ADMIN" }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  {
    field: "setMuteNotifications",
    kind: "mutation",
    doc: mutation("setMuteNotifications", "SetMuteNotificationsInput", "group { id } member { mutedNotifications }"),
    vars: (v) => ({ groupId: v.mainGroupId, muted: true }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "splitGroup",
    kind: "mutation",
    doc: mutation("splitGroup", "SplitGroupInput", "coreGroup { id name } subGroups { id }"),
    vars: (v) => ({ groupId: v.mainGroupId, maxMembersPerGroup: 3 }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "transferOwnership",
    kind: "mutation",
    doc: mutation("transferOwnership", "GroupUserInput", GROUP_SEL),
    vars: (v) => ({ groupId: v.mainGroupId, userId: v.userIds[1] }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "transferOwnership",
    label: "transferOwnership(own group, foreign user)",
    kind: "mutation",
    doc: mutation("transferOwnership", "GroupUserInput", GROUP_SEL),
    vars: (v, own) => ({ groupId: own.mainGroupId, userId: v.userIds[1] }),
    user: "NOT_FOUND",
    key: "NOT_PERMITTED",
  },
  {
    field: "updateLiveCode",
    kind: "mutation",
    doc: mutation("updateLiveCode", "UpdateLiveCodeInput", "liveCode { id token name groups { id } }"),
    vars: (v) => ({ liveCodeId: v.liveCodeId, name: "Probe" }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "updateLiveCode",
    label: "updateLiveCode(own code, foreign group)",
    kind: "mutation",
    doc: mutation("updateLiveCode", "UpdateLiveCodeInput", "liveCode { id token name groups { id } }"),
    vars: (v, own) => ({ liveCodeId: own.liveCodeId, groupIds: [own.liveGroupId, v.liveGroupId] }),
    user: "NOT_FOUND",
    key: "NOT_FOUND",
  },
  {
    field: "updateTenant",
    kind: "mutation",
    doc: mutation("updateTenant", "UpdateTenantInput", "tenant { id name }"),
    vars: (v) => ({ tenantId: v.tenantId, name: "Probe" }),
    user: "DENIED",
    key: "DENIED",
  },
  {
    field: "upsertUsers",
    label: "upsertUsers (user token; the API key's call is checked below)",
    kind: "mutation",
    doc: mutation("upsertUsers", "UpsertUsersInput", "users { id externalId displayName }"),
    vars: (v) => ({ users: [{ externalId: v.lonerExternalId, displayName: "Probe" }] }),
    user: "DENIED",
    key: "ELSEWHERE",
  },
];

/** Fields covered by dedicated tests below rather than by the table. */
const COVERED_ELSEWHERE = [
  "enterFaceToFace",
  "upsertUsers",
  // Over WebSocket, not HTTP: test/e2e/realtime.test.ts subscribes with the other tenant's group id
  // (user token and API key) and gets NOT_FOUND, exactly as for a malformed or unknown id.
  "Subscription.groupActivity",
];

/** Every string in a request's variables, and what base64url strings among them decode to. */
function suppliedStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    out.push(value);
    if (/^[A-Za-z0-9_-]+$/.test(value)) out.push(Buffer.from(value, "base64url").toString("utf8"));
  } else if (Array.isArray(value)) value.forEach((v) => suppliedStrings(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => suppliedStrings(v, out));
  return out;
}

/** The response must not contain any of the victim's secrets, except what the caller sent itself. */
function assertNoLeak(response: GraphQLResponse, secrets: string[], variables: Record<string, unknown>, label: string): void {
  const supplied = suppliedStrings(variables);
  const text = JSON.stringify({ errors: response.errors, data: response.data });
  for (const secret of secrets) {
    if (supplied.some((s) => s.includes(secret))) continue;
    assert.ok(!text.includes(secret), `${label}: the response mentions ${JSON.stringify(secret.slice(0, 40))}: ${text.slice(0, 400)}`);
  }
}

function checkOutcome(c: Case, outcome: Outcome, response: GraphQLResponse, label: string): void {
  const codes = (response.errors ?? []).map((e) => e.extensions?.code);
  assert.ok(response.status < 500, `${label}: HTTP ${response.status}`);
  const value = c.field.includes(".") ? undefined : response.data?.[c.field];
  if (outcome === "DENIED") {
    assert.deepEqual(codes, ["NOT_PERMITTED"], `${label}: ${JSON.stringify(response.errors)}`);
    assert.equal(value ?? null, null, label);
    return;
  }
  if (c.kind === "query") {
    if (outcome === "NOT_FOUND") {
      assert.deepEqual(codes, ["NOT_FOUND"], `${label}: ${JSON.stringify(response.errors ?? response.data)}`);
      assert.deepEqual(response.errors![0].path, [c.field], `${label}: the error is at the field's path`);
      assert.equal(value ?? null, null, label);
    } else if (outcome === "ABSENT") {
      assert.deepEqual(codes, [], `${label}: ${JSON.stringify(response.errors)}`);
      assert.equal(response.status, 200, label);
      assert.deepEqual(response.data, { [c.field]: null }, label);
    } else if (outcome === "EMPTY") {
      assert.deepEqual(codes, [], label);
      assert.equal(value.totalCount, 0, label);
      assert.deepEqual(value.edges, [], label);
    } else {
      assert.ok(codes.every((code) => code === "INVALID_INPUT"), `${label}: ${JSON.stringify(response.errors)}`);
    }
    return;
  }
  assert.deepEqual(codes, [], `${label}: ${JSON.stringify(response.errors)}`);
  const { userErrors, ...rest } = value;
  assert.ok(userErrors.length > 0, `${label}: expected ${outcome}, got ${JSON.stringify(value).slice(0, 300)}`);
  assert.deepEqual([...new Set(userErrors.map((e: any) => e.code))], [outcome], `${label}: ${JSON.stringify(userErrors)}`);
  for (const [key, v] of Object.entries(rest)) assert.equal(v, null, `${label}: payload field ${key} is not null`);
}

/** A response as a client compares it: without the cost report, which depends on nothing secret. */
const comparable = (r: GraphQLResponse) => ({ status: r.status, errors: r.errors, data: r.data });

function forge(tokenValue: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = tokenValue.split(".");
  const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  return `${header}.${Buffer.from(JSON.stringify({ ...decoded, ...claims })).toString("base64url")}.${signature}`;
}

/** A case's request variables: mutations take theirs as the one `input` argument. */
const variablesOf = (c: Case, victim: Target, own: PopulatedTenant) => (c.kind === "mutation" ? { input: c.vars(victim, own) } : c.vars(victim, own));

const rowIdOf = (globalId: string) => Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];

describe("tenant isolation of every operation that takes an id, a token or a cursor", () => {
  let server: TestServer;
  let alpha: PopulatedTenant;
  let bravo: PopulatedTenant;

  before(
    async () => {
      // Hundreds of deliberately forged credentials from one address: a failure budget to match.
      // Webhook deliveries stay PENDING (no dispatcher), so rows change only by the requests under test.
      const webhooks = testWebhookConfig(null, { dispatcherEnabled: false, allowPrivateTargets: false });
      server = await startTestServer({ config: { authFailures: { limit: 100_000, refillPerMinute: 60 }, webhooks } });
      alpha = await populateTenant(server, "Alpha", { webhooks: true });
      bravo = await populateTenant(server, "Bravo", { webhooks: true });
    },
    { timeout: 600_000 },
  );
  after(() => server.close());

  it("covers every Query and Mutation field of schema/schema.graphql with an id, token or cursor argument", { timeout: 600_000 }, () => {
    const schema = buildSchema(readFileSync(join(__dirname, "../../../schema/schema.graphql"), "utf8"));
    const idLike = (name: string, type: GraphQLInputType, seen: Set<string>): boolean => {
      const named = getNamedType(type);
      if (named.name === "ID") return true;
      if (named.name === "String" && /token$|^after$|cursor$|digits$|^ids?$|Ids?$/i.test(name)) return true;
      if (isInputObjectType(named) && !seen.has(named.name)) {
        seen.add(named.name);
        return Object.values(named.getFields()).some((f) => idLike(f.name, f.type, seen));
      }
      return false;
    };
    const needed: string[] = [];
    const all = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      const root = type === schema.getQueryType() || type === schema.getMutationType();
      for (const field of Object.values(type.getFields())) {
        const name = root ? field.name : `${type.name}.${field.name}`;
        all.add(name);
        if (field.args.some((arg) => idLike(arg.name, arg.type, new Set()))) needed.push(name);
      }
    }
    const covered = new Set([...CASES.map((c) => c.field), ...COVERED_ELSEWHERE]);
    const missing = needed.filter((name) => !covered.has(name));
    assert.deepEqual(
      missing,
      [],
      `NEW OPERATIONS WITHOUT ISOLATION COVERAGE: ${missing.join(", ")} take an id, a token or a cursor — add them to CASES in test/e2e/isolation.test.ts`,
    );
    assert.deepEqual([...covered].filter((name) => !all.has(name)), [], "CASES names fields the schema no longer has");
    assert.ok(needed.length >= 40, `the schema scan found only ${needed.length} fields: is the scan broken?`);
  });

  for (const [attackerName, victimName] of [
    ["Bravo", "Alpha"],
    ["Alpha", "Bravo"],
  ] as const) {
    it(`${attackerName}'s user token and API key get ${victimName}'s ids, tokens and cursors refused exactly like ids that never existed`, { timeout: 600_000 }, async () => {
      const attacker = attackerName === "Alpha" ? alpha : bravo;
      const victim = attackerName === "Alpha" ? bravo : alpha;
      const real = target(victim);
      const fake = phantom(real);
      const secrets = secretsOf(victim);
      let state = await snapshotAll(server);
      for (const c of CASES) {
        for (const who of ["user", "key"] as const) {
          if (c[who] === "ELSEWHERE") continue;
          const bearer = who === "user" ? attacker.users[0].token : attacker.tenant.apiKey;
          const label = `${c.label ?? c.field} as ${attackerName}'s ${who === "user" ? "user token" : "API key"}`;
          const variables = variablesOf(c, real, attacker);
          const response = await server.gql(c.doc, variables, bearer);
          checkOutcome(c, c[who], response, label);
          assertNoLeak(response, secrets, variables, label);
          if (c.phantom !== false) {
            const control = await server.gql(c.doc, variablesOf(c, fake, attacker), bearer);
            assert.deepEqual(comparable(response), comparable(control), `${label}: answers differently than for values that never existed`);
          }
          const now = await snapshotAll(server);
          assert.deepEqual(snapshotDiff(state, now), [], `${label}: the database changed`);
          state = now;
        }
      }
    });
  }

  it("a user token of one tenant rewritten to claim the other (tid, aud or sub changed, not re-signed) is UNAUTHENTICATED everywhere", { timeout: 600_000 }, async () => {
    const original = alpha.users[0].token;
    const bravoRow = rowIdOf(bravo.tenant.id);
    const forgeries: Array<[string, string]> = [
      ["tid and aud", forge(original, { tid: bravoRow, aud: `tenant:${bravoRow}` })],
      ["tid only", forge(original, { tid: bravoRow })],
      ["aud only", forge(original, { aud: `tenant:${bravoRow}` })],
      ["tid, aud and sub", forge(original, { tid: bravoRow, aud: `tenant:${bravoRow}`, sub: rowIdOf(bravo.users[0].id) })],
    ];
    const before = await snapshotAll(server);
    const real = target(bravo);
    for (const [how, forged] of forgeries) {
      for (const c of [...CASES, { field: "viewer", kind: "query", doc: `{ viewer { id displayName } }`, vars: () => ({}), user: "NOT_FOUND", key: "NOT_FOUND" } as Case]) {
        const variables = variablesOf(c, real, alpha);
        const response = await server.gql(c.doc, variables, forged);
        const label = `${c.label ?? c.field} with a token forged (${how})`;
        assert.equal(response.status, 401, label);
        assert.deepEqual((response.errors ?? []).map((e) => e.extensions?.code), ["UNAUTHENTICATED"], label);
        assert.equal(response.data ?? null, null, label);
        assertNoLeak(response, secretsOf(bravo), variables, label);
      }
    }
    assert.deepEqual(snapshotDiff(before, await snapshotAll(server)), [], "forged tokens changed the database");
    // The genuine token still works, for its own tenant only.
    assert.equal(dataOf(await server.gql(`{ viewer { id } }`, {}, original)).viewer.id, alpha.users[0].id);
  });

  it("the same digits at the same place open separate face-to-face sessions per tenant", { timeout: 600_000 }, async () => {
    // Both tenants entered MEETING while being populated: their sessions differ and hold only their own people.
    for (const [own, other] of [
      [alpha, bravo],
      [bravo, alpha],
    ] as const) {
      const before = await snapshotAll(server);
      const response = await server.gql(
        `mutation($input: EnterFaceToFaceInput!) { enterFaceToFace(input: $input) { session { id participants { id displayName } group { id name } } userErrors { code } } }`,
        { input: MEETING },
        own.users[2].token,
      );
      const session = ok(dataOf(response).enterFaceToFace).session;
      assert.equal(session.id, own.sessionId, "joins its own tenant's session");
      assert.notEqual(session.id, other.sessionId);
      assertNoLeak(response, secretsOf(other), MEETING, "enterFaceToFace");
      const changed = snapshotDiff(before, await snapshotAll(server));
      assert.ok(changed.length > 0);
      for (const { table, row } of changed) assert.equal(row.tenant_id, rowIdOf(own.tenant.id), `${table} row of another tenant changed`);
      const keyPayload = dataOf(await server.gql(`mutation($input: EnterFaceToFaceInput!) { enterFaceToFace(input: $input) { session { id } userErrors { code } } }`, { input: MEETING }, own.tenant.apiKey)).enterFaceToFace;
      assert.deepEqual(keyPayload, { session: null, userErrors: [{ code: "NOT_PERMITTED" }] });
    }
  });

  it("reads without arguments mention nothing of the other tenant", { timeout: 600_000 }, async () => {
    const reads = [
      `{ viewer { id displayName externalId contacts(first: 100) { edges { node { id displayName } } } } }`,
      `{ myTenant { id name qualifications { dataUsageRulesUrl } } }`,
      `{ myGroups(first: 20) { edges { node { id name owner { displayName } members(first: 20) { edges { node { user { displayName } } } } } } } }`,
      `{ myInvitations(first: 100) { edges { node { id group { name } } } } }`,
      `{ liveCodes(first: 50) { edges { node { id name token groups { name } } } } }`,
      `{ groups(first: 20) { edges { node { id name messages(first: 20) { edges { node { text } } } } } } }`,
      `{ users(first: 100) { edges { node { id externalId displayName } } } }`,
      `{ moderationKeywords { term } }`,
      `{ reviewQueue(first: 100, status: null) { edges { node { id reason subject { ... on Group { name } ... on Message { text } } } } } }`,
      `{ riskEvents(first: 100) { edges { node { id detail user { displayName } group { name } } } } }`,
      `{ tenantStats(days: 30) { groupCount memberships messagesInWindow } }`,
    ];
    for (const [own, other] of [
      [alpha, bravo],
      [bravo, alpha],
    ] as const) {
      for (const bearer of [own.users[0].token, own.tenant.apiKey]) {
        for (const query of reads) {
          const response = await server.gql(query, {}, bearer);
          assert.ok(response.status < 500, query);
          assert.ok((response.errors ?? []).every((e) => e.extensions?.code === "NOT_PERMITTED"), `${query}: ${JSON.stringify(response.errors)}`);
          assertNoLeak(response, secretsOf(other), {}, `${own.marker}: ${query}`);
        }
      }
    }
    // Sanity: the sweep does see each tenant's own data, so an empty answer is not what passes it.
    const own = dataOf(await server.gql(`{ groups(first: 100) { edges { node { name } } } }`, {}, alpha.tenant.apiKey)).groups.edges.map((e: any) => e.node.name);
    assert.ok(own.includes("Alpha main group") && own.every((name: string) => name.startsWith("Alpha") || name.startsWith("Face to face")), JSON.stringify(own));
    assert.ok(!JSON.stringify(dataOf(await server.gql(`{ riskEvents(first: 100) { edges { node { detail } } } }`, {}, bravo.tenant.apiKey))).includes("Alpha"));
  });
  // Runs last: it gives Bravo a user with Alpha's loner's externalId, which the sweep above would flag.
  it("upserting the other tenant's externalId with an API key creates a user of one's own and leaves the other's untouched", { timeout: 600_000 }, async () => {
    const before = await snapshotAll(server);
    const variables = { input: { users: [{ externalId: alpha.loner.externalId, displayName: "Probe" }] } };
    const response = await server.gql(
      `mutation($input: UpsertUsersInput!) { upsertUsers(input: $input) { users { id externalId displayName } userErrors { code } } }`,
      variables,
      bravo.tenant.apiKey,
    );
    const [user] = ok(dataOf(response).upsertUsers).users;
    assert.notEqual(user.id, alpha.loner.id);
    assert.equal(user.displayName, "Probe");
    assertNoLeak(response, secretsOf(alpha), variables, "upsertUsers");
    const changed = snapshotDiff(before, await snapshotAll(server));
    assert.deepEqual(
      changed.map((c) => [c.table, c.change, c.row.tenant_id]),
      [["users", "added", rowIdOf(bravo.tenant.id)]],
    );
    const alphaView = dataOf(await server.gql(`query($ids: [String!]) { users(externalIds: $ids) { edges { node { id displayName } } } }`, { ids: [alpha.loner.externalId] }, alpha.tenant.apiKey)).users;
    assert.deepEqual(alphaView.edges, [{ node: { id: alpha.loner.id, displayName: "Alpha loner" } }]);
  });

});
