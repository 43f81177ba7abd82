import type { FieldNeeds } from "../../graphql/projection";

/** User fields → the user properties they read (contacts and tags load by the user's id). */
export const USER_FIELD_NEEDS: FieldNeeds = {
  __typename: [],
  id: ["rowId"],
  displayName: ["displayName"],
  externalId: ["externalId"],
  createdAt: ["createdAt"],
  contacts: ["rowId"],
  tags: ["rowId"],
};
