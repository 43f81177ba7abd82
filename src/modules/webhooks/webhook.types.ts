import { Field, ID, InputType, ObjectType } from "type-graphql";
import { UserError } from "../../common/errors";
import { Connection } from "../../common/pagination";
import { WebhookDelivery, WebhookEndpoint } from "./webhook.entities";

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => String, { description: "Where events are POSTed: https (http outside production); not a loopback, private or link-local address unless the server allows it." })
  url: string;

  @Field(() => [String], { description: "The event types to send, e.g. [\"member.joined\", \"message.created\"]." })
  eventTypes: string[];

  @Field(() => String, { nullable: true, description: "A note for people (≤ 500 characters)." })
  description?: string | null;
}

@ObjectType()
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true }) endpoint?: WebhookEndpoint | null;
  @Field(() => String, { nullable: true, description: "The signing secret (`whsec_…`): shown only here and by rotateWebhookSecret." }) secret?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID) endpointId: string;
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: "false: no new deliveries, and pending ones end as FAILED." }) enabled?: boolean | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@ObjectType()
export class UpdateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true }) endpoint?: WebhookEndpoint | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class DeleteWebhookEndpointInput {
  @Field(() => ID) endpointId: string;
}

@ObjectType()
export class DeleteWebhookEndpointPayload {
  @Field(() => ID, { nullable: true }) deletedEndpointId?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RotateWebhookSecretInput {
  @Field(() => ID) endpointId: string;
}

@ObjectType()
export class RotateWebhookSecretPayload {
  @Field(() => WebhookEndpoint, { nullable: true }) endpoint?: WebhookEndpoint | null;
  @Field(() => String, { nullable: true, description: "The new signing secret; the old one signs nothing from now on." }) secret?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RedeliverWebhookEventInput {
  @Field(() => ID) deliveryId: string;
}

@ObjectType()
export class RedeliverWebhookEventPayload {
  @Field(() => WebhookDelivery, { nullable: true }) delivery?: WebhookDelivery | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

export const WebhookEndpointConnection = Connection(WebhookEndpoint, "WebhookEndpoint");
export const WebhookDeliveryConnection = Connection(WebhookDelivery, "WebhookDelivery");
