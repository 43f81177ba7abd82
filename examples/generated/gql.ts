/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Viewer {\n  viewer {\n    id\n    externalId\n    displayName\n    contacts(first: 10) {\n      totalCount\n      edges {\n        node {\n          id\n          displayName\n        }\n      }\n    }\n  }\n}": typeof types.ViewerDocument,
    "mutation CreateGroup($input: CreateGroupInput!) {\n  createGroup(input: $input) {\n    group {\n      id\n      name\n      status\n      memberCount\n      maxMembers\n    }\n    invitations {\n      id\n      status\n      invitee {\n        displayName\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.CreateGroupDocument,
    "query MyGroups($first: Int, $after: String) {\n  myGroups(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        name\n        status\n        memberCount\n        viewerMembership {\n          role\n          joinSource {\n            kind\n          }\n        }\n      }\n    }\n  }\n}": typeof types.MyGroupsDocument,
    "mutation InviteMembers($input: InviteMembersInput!) {\n  inviteMembers(input: $input) {\n    added {\n      user {\n        displayName\n      }\n      joinSource {\n        kind\n        inviter {\n          displayName\n        }\n      }\n    }\n    invitations {\n      id\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.InviteMembersDocument,
    "mutation RespondToInvitation($input: RespondToInvitationInput!) {\n  respondToInvitation(input: $input) {\n    invitation {\n      id\n      status\n    }\n    member {\n      role\n      joinSource {\n        kind\n        inviter {\n          displayName\n        }\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.RespondToInvitationDocument,
    "mutation CreateGroupCode($input: CreateGroupCodeInput!) {\n  createGroupCode(input: $input) {\n    code {\n      id\n      token\n      url\n      type\n      expiresAt\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.CreateGroupCodeDocument,
    "query GroupCodePreview($token: String!) {\n  groupCode(token: $token) {\n    groupName\n    groupStatus\n    memberCount\n    status\n    joinable\n    refusal\n    viewerIsMember\n  }\n}": typeof types.GroupCodePreviewDocument,
    "mutation JoinGroupByCode($input: JoinGroupByCodeInput!) {\n  joinGroupByCode(input: $input) {\n    group {\n      id\n      name\n      memberCount\n    }\n    member {\n      role\n      joinSource {\n        kind\n        state\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.JoinGroupByCodeDocument,
    "mutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    message {\n      id\n      seq\n      text\n      status\n      createdAt\n      sender {\n        displayName\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.SendMessageDocument,
    "query GroupMembers($id: ID!) {\n  group(id: $id) {\n    id\n    name\n    owner {\n      displayName\n    }\n    members(first: 50) {\n      totalCount\n      edges {\n        node {\n          role\n          joinedAt\n          user {\n            displayName\n          }\n          joinSource {\n            kind\n            state\n            inviter {\n              displayName\n            }\n          }\n        }\n      }\n    }\n  }\n}": typeof types.GroupMembersDocument,
    "query ReviewQueue($status: ReviewStatus, $after: String) {\n  reviewQueue(status: $status, first: 20, after: $after) {\n    totalCount\n    edges {\n      node {\n        id\n        status\n        reason\n        subject {\n          __typename\n          ... on Group {\n            id\n            name\n            status\n          }\n          ... on Message {\n            id\n            text\n          }\n        }\n      }\n    }\n  }\n}": typeof types.ReviewQueueDocument,
    "mutation ResolveReviewItem($input: ResolveReviewItemInput!) {\n  resolveReviewItem(input: $input) {\n    reviewItem {\n      id\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.ResolveReviewItemDocument,
};
const documents: Documents = {
    "query Viewer {\n  viewer {\n    id\n    externalId\n    displayName\n    contacts(first: 10) {\n      totalCount\n      edges {\n        node {\n          id\n          displayName\n        }\n      }\n    }\n  }\n}": types.ViewerDocument,
    "mutation CreateGroup($input: CreateGroupInput!) {\n  createGroup(input: $input) {\n    group {\n      id\n      name\n      status\n      memberCount\n      maxMembers\n    }\n    invitations {\n      id\n      status\n      invitee {\n        displayName\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.CreateGroupDocument,
    "query MyGroups($first: Int, $after: String) {\n  myGroups(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        name\n        status\n        memberCount\n        viewerMembership {\n          role\n          joinSource {\n            kind\n          }\n        }\n      }\n    }\n  }\n}": types.MyGroupsDocument,
    "mutation InviteMembers($input: InviteMembersInput!) {\n  inviteMembers(input: $input) {\n    added {\n      user {\n        displayName\n      }\n      joinSource {\n        kind\n        inviter {\n          displayName\n        }\n      }\n    }\n    invitations {\n      id\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.InviteMembersDocument,
    "mutation RespondToInvitation($input: RespondToInvitationInput!) {\n  respondToInvitation(input: $input) {\n    invitation {\n      id\n      status\n    }\n    member {\n      role\n      joinSource {\n        kind\n        inviter {\n          displayName\n        }\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.RespondToInvitationDocument,
    "mutation CreateGroupCode($input: CreateGroupCodeInput!) {\n  createGroupCode(input: $input) {\n    code {\n      id\n      token\n      url\n      type\n      expiresAt\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.CreateGroupCodeDocument,
    "query GroupCodePreview($token: String!) {\n  groupCode(token: $token) {\n    groupName\n    groupStatus\n    memberCount\n    status\n    joinable\n    refusal\n    viewerIsMember\n  }\n}": types.GroupCodePreviewDocument,
    "mutation JoinGroupByCode($input: JoinGroupByCodeInput!) {\n  joinGroupByCode(input: $input) {\n    group {\n      id\n      name\n      memberCount\n    }\n    member {\n      role\n      joinSource {\n        kind\n        state\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.JoinGroupByCodeDocument,
    "mutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    message {\n      id\n      seq\n      text\n      status\n      createdAt\n      sender {\n        displayName\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.SendMessageDocument,
    "query GroupMembers($id: ID!) {\n  group(id: $id) {\n    id\n    name\n    owner {\n      displayName\n    }\n    members(first: 50) {\n      totalCount\n      edges {\n        node {\n          role\n          joinedAt\n          user {\n            displayName\n          }\n          joinSource {\n            kind\n            state\n            inviter {\n              displayName\n            }\n          }\n        }\n      }\n    }\n  }\n}": types.GroupMembersDocument,
    "query ReviewQueue($status: ReviewStatus, $after: String) {\n  reviewQueue(status: $status, first: 20, after: $after) {\n    totalCount\n    edges {\n      node {\n        id\n        status\n        reason\n        subject {\n          __typename\n          ... on Group {\n            id\n            name\n            status\n          }\n          ... on Message {\n            id\n            text\n          }\n        }\n      }\n    }\n  }\n}": types.ReviewQueueDocument,
    "mutation ResolveReviewItem($input: ResolveReviewItemInput!) {\n  resolveReviewItem(input: $input) {\n    reviewItem {\n      id\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.ResolveReviewItemDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  viewer {\n    id\n    externalId\n    displayName\n    contacts(first: 10) {\n      totalCount\n      edges {\n        node {\n          id\n          displayName\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query Viewer {\n  viewer {\n    id\n    externalId\n    displayName\n    contacts(first: 10) {\n      totalCount\n      edges {\n        node {\n          id\n          displayName\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateGroup($input: CreateGroupInput!) {\n  createGroup(input: $input) {\n    group {\n      id\n      name\n      status\n      memberCount\n      maxMembers\n    }\n    invitations {\n      id\n      status\n      invitee {\n        displayName\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation CreateGroup($input: CreateGroupInput!) {\n  createGroup(input: $input) {\n    group {\n      id\n      name\n      status\n      memberCount\n      maxMembers\n    }\n    invitations {\n      id\n      status\n      invitee {\n        displayName\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyGroups($first: Int, $after: String) {\n  myGroups(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        name\n        status\n        memberCount\n        viewerMembership {\n          role\n          joinSource {\n            kind\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query MyGroups($first: Int, $after: String) {\n  myGroups(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        name\n        status\n        memberCount\n        viewerMembership {\n          role\n          joinSource {\n            kind\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation InviteMembers($input: InviteMembersInput!) {\n  inviteMembers(input: $input) {\n    added {\n      user {\n        displayName\n      }\n      joinSource {\n        kind\n        inviter {\n          displayName\n        }\n      }\n    }\n    invitations {\n      id\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation InviteMembers($input: InviteMembersInput!) {\n  inviteMembers(input: $input) {\n    added {\n      user {\n        displayName\n      }\n      joinSource {\n        kind\n        inviter {\n          displayName\n        }\n      }\n    }\n    invitations {\n      id\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RespondToInvitation($input: RespondToInvitationInput!) {\n  respondToInvitation(input: $input) {\n    invitation {\n      id\n      status\n    }\n    member {\n      role\n      joinSource {\n        kind\n        inviter {\n          displayName\n        }\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation RespondToInvitation($input: RespondToInvitationInput!) {\n  respondToInvitation(input: $input) {\n    invitation {\n      id\n      status\n    }\n    member {\n      role\n      joinSource {\n        kind\n        inviter {\n          displayName\n        }\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateGroupCode($input: CreateGroupCodeInput!) {\n  createGroupCode(input: $input) {\n    code {\n      id\n      token\n      url\n      type\n      expiresAt\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation CreateGroupCode($input: CreateGroupCodeInput!) {\n  createGroupCode(input: $input) {\n    code {\n      id\n      token\n      url\n      type\n      expiresAt\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GroupCodePreview($token: String!) {\n  groupCode(token: $token) {\n    groupName\n    groupStatus\n    memberCount\n    status\n    joinable\n    refusal\n    viewerIsMember\n  }\n}"): (typeof documents)["query GroupCodePreview($token: String!) {\n  groupCode(token: $token) {\n    groupName\n    groupStatus\n    memberCount\n    status\n    joinable\n    refusal\n    viewerIsMember\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation JoinGroupByCode($input: JoinGroupByCodeInput!) {\n  joinGroupByCode(input: $input) {\n    group {\n      id\n      name\n      memberCount\n    }\n    member {\n      role\n      joinSource {\n        kind\n        state\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation JoinGroupByCode($input: JoinGroupByCodeInput!) {\n  joinGroupByCode(input: $input) {\n    group {\n      id\n      name\n      memberCount\n    }\n    member {\n      role\n      joinSource {\n        kind\n        state\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    message {\n      id\n      seq\n      text\n      status\n      createdAt\n      sender {\n        displayName\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    message {\n      id\n      seq\n      text\n      status\n      createdAt\n      sender {\n        displayName\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GroupMembers($id: ID!) {\n  group(id: $id) {\n    id\n    name\n    owner {\n      displayName\n    }\n    members(first: 50) {\n      totalCount\n      edges {\n        node {\n          role\n          joinedAt\n          user {\n            displayName\n          }\n          joinSource {\n            kind\n            state\n            inviter {\n              displayName\n            }\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query GroupMembers($id: ID!) {\n  group(id: $id) {\n    id\n    name\n    owner {\n      displayName\n    }\n    members(first: 50) {\n      totalCount\n      edges {\n        node {\n          role\n          joinedAt\n          user {\n            displayName\n          }\n          joinSource {\n            kind\n            state\n            inviter {\n              displayName\n            }\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReviewQueue($status: ReviewStatus, $after: String) {\n  reviewQueue(status: $status, first: 20, after: $after) {\n    totalCount\n    edges {\n      node {\n        id\n        status\n        reason\n        subject {\n          __typename\n          ... on Group {\n            id\n            name\n            status\n          }\n          ... on Message {\n            id\n            text\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ReviewQueue($status: ReviewStatus, $after: String) {\n  reviewQueue(status: $status, first: 20, after: $after) {\n    totalCount\n    edges {\n      node {\n        id\n        status\n        reason\n        subject {\n          __typename\n          ... on Group {\n            id\n            name\n            status\n          }\n          ... on Message {\n            id\n            text\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ResolveReviewItem($input: ResolveReviewItemInput!) {\n  resolveReviewItem(input: $input) {\n    reviewItem {\n      id\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation ResolveReviewItem($input: ResolveReviewItemInput!) {\n  resolveReviewItem(input: $input) {\n    reviewItem {\n      id\n      status\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;