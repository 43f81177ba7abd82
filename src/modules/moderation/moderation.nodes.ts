import { type NodeFetchers, tenantKeyOnly } from "../../graphql/node-registry";
import { ReviewItem, RiskEvent } from "./moderation.entities";

/** Review items and risk events are the tenant operator's business only. */
export function moderationNodes(): NodeFetchers {
  return {
    ReviewItem: tenantKeyOnly(ReviewItem),
    RiskEvent: tenantKeyOnly(RiskEvent),
  };
}
