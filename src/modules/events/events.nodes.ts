import { type NodeFetchers, tenantKeyOnlyBy } from "../../graphql/node-registry";
import type { EventService } from "./event.service";

/** Events are the tenant's feed: only its API key resolves them by id (those kept on history entries too). */
export function eventNodes(events: EventService): NodeFetchers {
  return {
    Event: tenantKeyOnlyBy(async (ctx, rowId) => (await events.findMany([rowId], ctx.now(), ctx.tenantId))[0] ?? null),
  };
}
