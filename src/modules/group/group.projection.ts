import { type FieldNeeds, propertiesFor } from "../../graphql/projection";
import type { Selection } from "../../graphql/selection";
import { USER_FIELD_NEEDS } from "../user/user.projection";

/** Group fields → the group properties their resolvers read (rowId and tenantId always). */
const GROUP_FIELD_NEEDS: FieldNeeds = {
  __typename: [],
  id: [],
  name: ["name"],
  category: ["category"],
  minorProtection: ["minorProtection"],
  status: ["status"],
  createdAt: ["createdAt"],
  memberCount: ["memberCount"],
  maxMembers: [],
  owner: ["ownerId"],
  // The members page reads the group's size to pick the form of its statement.
  members: ["memberCount"],
  viewerMembership: [],
};
const GROUP_KEYS = ["rowId"];

/** What a list of groups reads of each group and of its owner. */
export interface GroupProjection {
  /** Group properties (null: every column; such groups may be shared through the request's group loader). */
  readonly group: readonly string[] | null;
  /** Whether owners are selected. */
  readonly withOwner: boolean;
  /** Owner properties (null: every column, shared through the request's user loader). */
  readonly owner: readonly string[] | null;
  /** Whether a cursor is selected (the caller's join times are read). */
  readonly cursors: boolean;
}

/** The projection for a groups connection's selection (null: unknown, read everything). */
export function groupProjection(connection: Selection | null): GroupProjection {
  const node = connection?.at("edges", "node") ?? null;
  const group = propertiesFor(GROUP_FIELD_NEEDS, GROUP_KEYS, node);
  const withOwner = !node || node.has("owner");
  const owner = withOwner && node ? propertiesFor(USER_FIELD_NEEDS, [], node.at("owner")) : null;
  const cursors = !connection || connection.at("edges").has("cursor") || connection.has("pageInfo");
  return { group, withOwner, owner, cursors };
}
