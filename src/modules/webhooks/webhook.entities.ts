import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index } from "typeorm";
import { toGlobalId } from "../../common/global-id";
import { DateTimeScalar } from "../../common/scalars";
import { InstantColumn, RefColumn, RowIdColumn } from "../../db/columns";
import { Node } from "../../graphql/node";

export enum WebhookDeliveryStatus {
  PENDING = "PENDING",
  DELIVERED = "DELIVERED",
  FAILED = "FAILED",
}
registerEnumType(WebhookDeliveryStatus, {
  name: "WebhookDeliveryStatus",
  description: "PENDING: not yet answered with a 2xx, retried until 24 hours have passed; DELIVERED: a 2xx ended it; FAILED: retries ran out.",
});

/** A partner's receiver of the tenant's events (Standard Webhooks). */
@Entity("webhook_endpoints")
@Index("ix_webhook_endpoints_tenant", ["tenantId", "createdAt", "rowId"])
@ObjectType("WebhookEndpoint", { implements: Node, simpleResolvers: true, description: "Where the tenant's events of some types are POSTed (tenant key only)." })
export class WebhookEndpoint implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("WebhookEndpoint", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 2048 })
  url: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 500 })
  description: string;

  @Field(() => [String], { description: "The event types sent to this endpoint." })
  @Column({ type: "simple-json" })
  eventTypes: string[];

  @Field(() => Boolean, { description: "Disabled endpoints get no new deliveries, and pending ones wait until it is enabled again." })
  @Column({ type: "boolean" })
  enabled: boolean;

  /** The signing secret (`whsec_…`): shown once, stored as issued because signing needs it. */
  @Column({ type: "varchar", length: 128 })
  secret: string;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;

  @InstantColumn()
  updatedAt: number;
}

/** One event sent (or to be sent) to one endpoint, with its attempts so far. */
@Entity("webhook_deliveries")
@Index("ix_webhook_deliveries_due", ["status", "nextAttemptAt"])
@Index("ix_webhook_deliveries_endpoint", ["endpointId", "createdAt", "rowId"])
@Index("ux_webhook_deliveries_event_endpoint", ["eventRowId", "endpointId"], { unique: true })
@ObjectType("WebhookDelivery", { implements: Node, simpleResolvers: true, description: "One event for one endpoint: its status and attempts (tenant key only)." })
export class WebhookDelivery implements Node {
  @RowIdColumn()
  rowId: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId("WebhookDelivery", this.rowId);
  }

  @RefColumn("tenant_id")
  tenantId: string;

  @RefColumn("endpoint_id")
  endpointId: string;

  @RefColumn("event_id")
  eventRowId: string;

  @Field(() => ID, { description: "The event's id: the `webhook-id` header of every attempt, and `Event.id` in the feed." })
  get eventId(): string {
    return toGlobalId("Event", this.eventRowId);
  }

  @Field(() => String)
  @Column({ type: "varchar", length: 64 })
  eventType: string;

  @Field(() => WebhookDeliveryStatus)
  @Column({ type: "varchar", length: 16 })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: "Attempts made so far (redelivery keeps counting)." })
  @Column({ type: "int" })
  attempts: number;

  /** When the next attempt is due (PENDING); kept as it was once the delivery ended. */
  @InstantColumn()
  nextAttemptAt: number;

  @Field(() => DateTimeScalar, { name: "nextAttemptAt", nullable: true, description: "When the next attempt is due; null once DELIVERED or FAILED." })
  get nextAttempt(): number | null {
    return this.status === WebhookDeliveryStatus.PENDING ? this.nextAttemptAt : null;
  }

  /** Since when it is retried (created, or redelivered): a failed attempt 24 h (scaled) after it is the last. */
  @InstantColumn()
  retryingSince: number;

  /** While an instance is sending: until when its claim holds (then another may take it). */
  @InstantColumn({ nullable: true })
  leaseUntil: number | null;

  @RefColumn("lease_token", { nullable: true })
  leaseToken: string | null;

  @Field(() => Int, { nullable: true, description: "The HTTP status of the last attempt; null when it got no answer (timeout, refused, unreachable)." })
  @Column({ type: "int", nullable: true })
  lastResponseStatus: number | null;

  @Field(() => String, { nullable: true, description: "Why the last attempt got no HTTP answer (timeout, refused, unreachable), or why the delivery ended (its endpoint was disabled)." })
  @Column({ type: "varchar", length: 500, nullable: true })
  lastError: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @InstantColumn({ nullable: true })
  lastAttemptAt: number | null;

  @Field(() => DateTimeScalar)
  @InstantColumn()
  createdAt: number;
}
