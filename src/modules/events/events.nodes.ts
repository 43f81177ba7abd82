import { type NodeFetchers, tenantKeyOnly } from "../../graphql/node-registry";
import { EventRecord } from "./event.entity";

/** Events are the tenant's feed: only its API key resolves them by id. */
export function eventNodes(): NodeFetchers {
  return { Event: tenantKeyOnly(EventRecord) };
}
