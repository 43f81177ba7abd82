import { type NodeFetchers, tenantKeyOnly } from "../../graphql/node-registry";
import { WebhookDelivery, WebhookEndpoint } from "./webhook.entities";

/** Endpoints and deliveries are the partner backend's: only the tenant API key resolves them. */
export function webhookNodes(): NodeFetchers {
  return { WebhookEndpoint: tenantKeyOnly(WebhookEndpoint), WebhookDelivery: tenantKeyOnly(WebhookDelivery) };
}
