import type { NodeFetchers } from "../../graphql/node-registry";
import { userById } from "./user.loaders";

/** Users are visible to everyone in their tenant (names only; contacts are the user's own). */
export function userNodes(): NodeFetchers {
  return {
    User: (ctx, rowId) => ctx.loaders.get(userById).load(rowId),
  };
}
