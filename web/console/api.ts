/**
 * Every operation the console sends. It reads and writes only through the public GraphQL API, with
 * the tenant API key as its bearer token: what an operator sees here, an integration can see too.
 */

export interface Connection<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: T }>;
}

export interface UserError {
  code: string;
  message: string;
}

export const WHO_AM_I = `query ConsoleSignIn { viewer { id } myTenant { id name plan policy { statsEnabled } } }`;
export interface WhoAmI {
  viewer: { id: string } | null;
  myTenant: { id: string; name: string; plan: string; policy: { statsEnabled: boolean } };
}

export type ReviewStatus = "PENDING" | "APPROVED" | "REJECTED";
export const REVIEW_QUEUE = `query ConsoleReviewQueue($status: ReviewStatus, $after: String) {
  reviewQueue(status: $status, first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id status reason createdAt resolvedAt
      subject {
        __typename
        ... on Group { id name status memberCount owner { displayName } }
        ... on Message { id text sender { displayName } }
      }
    } }
  }
}`;
export type ReviewSubject =
  | { __typename: "Group"; id: string; name: string; status: string; memberCount: number; owner: { displayName: string } | null }
  | { __typename: "Message"; id: string; text: string; sender: { displayName: string } | null };
export interface ReviewItem {
  id: string;
  status: ReviewStatus;
  reason: string;
  createdAt: string;
  resolvedAt: string | null;
  subject: ReviewSubject | null;
}

export const RESOLVE_REVIEW_ITEM = `mutation ConsoleResolveReviewItem($input: ResolveReviewItemInput!) {
  resolveReviewItem(input: $input) { reviewItem { id status } userErrors { code message } }
}`;
export interface ResolveReviewItem {
  resolveReviewItem: { reviewItem: { id: string; status: ReviewStatus } | null; userErrors: UserError[] };
}

export const RISK_EVENTS = `query ConsoleRiskEvents($after: String) {
  riskEvents(first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind detail createdAt user { displayName externalId } group { name } } }
  }
}`;
export interface RiskEvent {
  id: string;
  kind: string;
  detail: string;
  createdAt: string;
  user: { displayName: string; externalId: string } | null;
  group: { name: string } | null;
}

export const GROUPS = `query ConsoleGroups($status: GroupStatus, $after: String) {
  groups(status: $status, first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name status category memberCount maxMembers createdAt owner { displayName } } }
  }
}`;
export interface GroupSummary {
  id: string;
  name: string;
  status: string;
  category: string;
  memberCount: number;
  maxMembers: number;
  createdAt: string;
  owner: { displayName: string } | null;
}

export const GROUP_MEMBERS = `query ConsoleGroupMembers($id: ID!, $after: String, $tag: String) {
  group(id: $id) {
    id
    members(first: 100, after: $after, tag: $tag) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { role joinedAt mutedUntil user { displayName externalId tags }
        joinSource { kind state inviter { displayName } code { type } liveCode { name } } } }
    }
  }
}`;
export interface Member {
  role: string;
  joinedAt: string;
  mutedUntil: string | null;
  user: { displayName: string; externalId: string; tags: string[] | null };
  joinSource: { kind: string; state: string | null; inviter: { displayName: string } | null; code: { type: string } | null; liveCode: { name: string } | null };
}

export const GROUP_JOIN_REQUESTS = `query ConsoleGroupJoinRequests($id: ID!, $after: String) {
  group(id: $id) {
    id
    joinRequests(status: PENDING, first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id createdAt requester { displayName externalId } inviter { displayName } source { kind state } } }
    }
  }
}`;
export interface JoinRequest {
  id: string;
  createdAt: string;
  requester: { displayName: string; externalId: string };
  inviter: { displayName: string } | null;
  source: { kind: string; state: string | null };
}

export const GROUP_BANS = `query ConsoleGroupBans($id: ID!, $after: String) {
  group(id: $id) {
    id
    bans(first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { createdAt user { displayName externalId } bannedBy { displayName } } }
    }
  }
}`;
export interface Ban {
  createdAt: string;
  user: { displayName: string; externalId: string };
  bannedBy: { displayName: string } | null;
}

export const LIVE_CODES = `query ConsoleLiveCodes($after: String) {
  liveCodes(first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name url qrSvg status perGroupCap autoCreateGroups joinCount groups { id name memberCount } } }
  }
}`;
export interface LiveCode {
  id: string;
  name: string;
  url: string;
  qrSvg: string;
  status: string;
  perGroupCap: number;
  autoCreateGroups: boolean;
  joinCount: number;
  groups: Array<{ id: string; name: string; memberCount: number }>;
}

export const TENANT_STATS = `query ConsoleTenantStats($days: Int!) {
  tenantStats(days: $days) {
    windowDays groupCount memberships messagesInWindow
    joinsBySource { source count }
    joinsByDay { day count }
    messagesByDay { day count }
  }
}`;
export interface TenantStats {
  windowDays: number;
  groupCount: number;
  memberships: number;
  messagesInWindow: number;
  joinsBySource: Array<{ source: string; count: number }>;
  joinsByDay: Array<{ day: string; count: number }>;
  messagesByDay: Array<{ day: string; count: number }>;
}

export const WEBHOOK_ENDPOINTS = `query ConsoleWebhookEndpoints($after: String) {
  webhookEndpoints(first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id url description eventTypes enabled createdAt } }
  }
}`;
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  createdAt: string;
}

export type WebhookDeliveryStatus = "PENDING" | "DELIVERED" | "FAILED";
export const WEBHOOK_DELIVERIES = `query ConsoleWebhookDeliveries($id: ID!, $status: WebhookDeliveryStatus, $after: String) {
  node(id: $id) {
    ... on WebhookEndpoint {
      deliveries(first: 20, after: $after, status: $status) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id eventId eventType status attempts lastResponseStatus lastError lastAttemptAt nextAttemptAt createdAt } }
      }
    }
  }
}`;
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export const REDELIVER_WEBHOOK_EVENT = `mutation ConsoleRedeliverWebhookEvent($input: RedeliverWebhookEventInput!) {
  redeliverWebhookEvent(input: $input) { delivery { id status } userErrors { code message } }
}`;
export interface RedeliverWebhookEvent {
  redeliverWebhookEvent: { delivery: { id: string; status: WebhookDeliveryStatus } | null; userErrors: UserError[] };
}
