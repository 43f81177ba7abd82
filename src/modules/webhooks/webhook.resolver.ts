import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { ConnectionArgs, pageRequest } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import { Allow } from "../../graphql/allow";
import { runMutation } from "../../graphql/mutation";
import { WebhookDeliveryStatus, WebhookEndpoint } from "./webhook.entities";
import { WebhookService } from "./webhook.service";
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  DeleteWebhookEndpointInput,
  DeleteWebhookEndpointPayload,
  RedeliverWebhookEventInput,
  RedeliverWebhookEventPayload,
  RotateWebhookSecretInput,
  RotateWebhookSecretPayload,
  UpdateWebhookEndpointInput,
  UpdateWebhookEndpointPayload,
  WebhookDeliveryConnection,
  WebhookEndpointConnection,
} from "./webhook.types";

@Resolver()
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Mutation(() => CreateWebhookEndpointPayload, { description: "Tenant: a new endpoint for some event types; the payload carries its signing secret, shown once." })
  @Allow("TENANT")
  createWebhookEndpoint(@Arg("input", () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.webhooks.create(ctx, em, input));
  }

  @Mutation(() => UpdateWebhookEndpointPayload, { description: "Tenant: change an endpoint's URL, event types, description, or enable/disable it." })
  @Allow("TENANT")
  updateWebhookEndpoint(@Arg("input", () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.webhooks.update(ctx, em, input));
  }

  @Mutation(() => DeleteWebhookEndpointPayload, { description: "Tenant: delete an endpoint and its delivery log." })
  @Allow("TENANT")
  deleteWebhookEndpoint(@Arg("input", () => DeleteWebhookEndpointInput) input: DeleteWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.webhooks.delete(ctx, em, input));
  }

  @Mutation(() => RotateWebhookSecretPayload, { description: "Tenant: a new signing secret for the endpoint (shown once); attempts from now on are signed with it." })
  @Allow("TENANT")
  rotateWebhookSecret(@Arg("input", () => RotateWebhookSecretInput) input: RotateWebhookSecretInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.webhooks.rotateSecret(ctx, em, input));
  }

  @Mutation(() => RedeliverWebhookEventPayload, { description: "Tenant: send a delivery again (same webhook-id), retried as a new one for 24 hours." })
  @Allow("TENANT")
  redeliverWebhookEvent(@Arg("input", () => RedeliverWebhookEventInput) input: RedeliverWebhookEventInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (em) => this.webhooks.redeliver(ctx, em, input));
  }

  @Query(() => WebhookEndpointConnection, { description: "Tenant: its webhook endpoints, oldest first." })
  @Allow("TENANT")
  webhookEndpoints(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return this.webhooks.list(ctx.tenantId, pageRequest(args));
  }
}

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @FieldResolver(() => WebhookDeliveryConnection, { description: "The delivery log, newest first." })
  deliveries(
    @Root() endpoint: WebhookEndpoint,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("status", () => WebhookDeliveryStatus, { nullable: true }) status: WebhookDeliveryStatus | null,
  ) {
    return this.webhooks.deliveries(endpoint, status ?? null, pageRequest(args));
  }
}
