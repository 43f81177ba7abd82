import { randomBytes } from "node:crypto";
import type { EntityManager } from "typeorm";
import { z } from "zod";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import { displayText, parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { afterCommit, type Database } from "../../db/database";
import { forUpdate, keysetPage } from "../../db/query";
import { EVENT_TYPES } from "../events/event-types";
import { Tenant } from "../tenant/tenant.entity";
import type { WebhookDispatcher } from "./dispatcher";
import { endpointUrlProblem, type TargetRules } from "./target";
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from "./webhook.entities";
import type { CreateWebhookEndpointInput, DeleteWebhookEndpointInput, RedeliverWebhookEventInput, RotateWebhookSecretInput, UpdateWebhookEndpointInput } from "./webhook.types";

const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .min(1, "must name at least one event type")
  .max(EVENT_TYPES.length)
  .transform((types) => [...new Set(types)]);

/** A fresh signing secret: `whsec_` and 32 random bytes in base64 (the Standard Webhooks form). */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** A tenant's webhook endpoints and their delivery log; sending is the dispatcher's. */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly dispatcher: WebhookDispatcher,
    private readonly rules: TargetRules,
  ) {}

  private urlSchema() {
    return z.string().superRefine((value, ctx) => {
      const problem = endpointUrlProblem(value, this.rules);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
  }

  async create(ctx: RequestContext, em: EntityManager, input: CreateWebhookEndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const parsed = parseInput(
      z.object({ url: this.urlSchema(), eventTypes, description: displayText(500).nullish() }),
      { url: input.url, eventTypes: input.eventTypes, description: input.description || null },
    );
    // The tenant row serialises endpoint creation, so the limit holds under concurrency.
    await forUpdate(em.createQueryBuilder(Tenant, "t")).where("t.rowId = :id", { id: ctx.tenantId }).getOne();
    const count = await em.countBy(WebhookEndpoint, { tenantId: ctx.tenantId });
    if (count >= ctx.policy.webhookEndpointLimit) {
      throw new DomainError(ErrorCode.NOT_PERMITTED, `A tenant may have at most ${ctx.policy.webhookEndpointLimit} webhook endpoints`);
    }
    const now = ctx.now();
    const secret = newSecret();
    const endpoint = em.create(WebhookEndpoint, {
      rowId: newId(),
      tenantId: ctx.tenantId,
      url: parsed.url,
      description: parsed.description ?? "",
      eventTypes: parsed.eventTypes,
      enabled: true,
      secret,
      createdAt: now,
      updatedAt: now,
    });
    await em.insert(WebhookEndpoint, endpoint);
    return { endpoint, secret };
  }

  async update(ctx: RequestContext, em: EntityManager, input: UpdateWebhookEndpointInput): Promise<{ endpoint: WebhookEndpoint }> {
    const endpoint = await this.lockEndpoint(ctx, em, input.endpointId);
    const parsed = parseInput(
      z.object({ url: this.urlSchema().nullish(), eventTypes: eventTypes.nullish(), description: displayText(500).nullish(), enabled: z.boolean().nullish() }),
      { url: input.url, eventTypes: input.eventTypes, description: input.description, enabled: input.enabled },
    );
    const now = ctx.now();
    if (parsed.url != null) endpoint.url = parsed.url;
    if (parsed.eventTypes != null) endpoint.eventTypes = parsed.eventTypes;
    if (parsed.description != null) endpoint.description = parsed.description;
    const disabling = parsed.enabled === false && endpoint.enabled;
    if (parsed.enabled != null) endpoint.enabled = parsed.enabled;
    endpoint.updatedAt = now;
    await em.update(WebhookEndpoint, { rowId: endpoint.rowId }, { url: endpoint.url, eventTypes: endpoint.eventTypes, description: endpoint.description, enabled: endpoint.enabled, updatedAt: now });
    if (disabling) {
      // A disabled endpoint's pending deliveries end (visible as FAILED; redeliver once enabled again).
      await em.update(
        WebhookDelivery,
        { endpointId: endpoint.rowId, status: WebhookDeliveryStatus.PENDING },
        { status: WebhookDeliveryStatus.FAILED, lastError: "the endpoint was disabled", nextAttemptAt: now, leaseUntil: null, leaseToken: null },
      );
    }
    return { endpoint };
  }

  async delete(ctx: RequestContext, em: EntityManager, input: DeleteWebhookEndpointInput): Promise<{ deletedEndpointId: string }> {
    const endpoint = await this.lockEndpoint(ctx, em, input.endpointId);
    await em.delete(WebhookDelivery, { endpointId: endpoint.rowId });
    await em.delete(WebhookEndpoint, { rowId: endpoint.rowId });
    return { deletedEndpointId: endpoint.id };
  }

  async rotateSecret(ctx: RequestContext, em: EntityManager, input: RotateWebhookSecretInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.lockEndpoint(ctx, em, input.endpointId);
    const secret = newSecret();
    endpoint.secret = secret;
    endpoint.updatedAt = ctx.now();
    await em.update(WebhookEndpoint, { rowId: endpoint.rowId }, { secret, updatedAt: endpoint.updatedAt });
    return { endpoint, secret };
  }

  /** Sends the delivery again from the start of the retry schedule (attempts keep counting). */
  async redeliver(ctx: RequestContext, em: EntityManager, input: RedeliverWebhookEventInput): Promise<{ delivery: WebhookDelivery }> {
    const rowId = rowIdOf(input.deliveryId, "WebhookDelivery");
    const delivery = rowId
      ? await forUpdate(em.createQueryBuilder(WebhookDelivery, "d")).where("d.rowId = :rowId AND d.tenantId = :tenantId", { rowId, tenantId: ctx.tenantId }).getOne()
      : null;
    if (!delivery) throw notFound("Webhook delivery", ["input", "deliveryId"]);
    const endpoint = await em.findOneBy(WebhookEndpoint, { rowId: delivery.endpointId, tenantId: ctx.tenantId });
    if (!endpoint?.enabled) throw new DomainError(ErrorCode.NOT_PERMITTED, "The endpoint is disabled: enable it first", ["input", "deliveryId"]);
    const now = ctx.now();
    // Due now, and any lease released: an attempt still in flight no longer records its outcome.
    Object.assign(delivery, { status: WebhookDeliveryStatus.PENDING, nextAttemptAt: now, retryingSince: now, leaseUntil: null, leaseToken: null });
    await em.update(WebhookDelivery, { rowId: delivery.rowId }, { status: delivery.status, nextAttemptAt: now, retryingSince: now, leaseUntil: null, leaseToken: null });
    afterCommit(em, () => this.dispatcher.wake());
    return { delivery };
  }

  /** The tenant's endpoints, oldest first. */
  async list(tenantId: string, page: PageRequest): Promise<ConnectionShape<WebhookEndpoint>> {
    const scope = (em: EntityManager) => em.createQueryBuilder(WebhookEndpoint, "w").where("w.tenantId = :tenantId", { tenantId });
    const rows = await this.db.read((em) => keysetPage(scope(em), "w.createdAt", "w.rowId", page).getMany());
    return toConnection(rows, page, (w) => ({ key: w.createdAt, id: w.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }

  /** An endpoint's deliveries, newest first, optionally of one status. */
  async deliveries(endpoint: WebhookEndpoint, status: WebhookDeliveryStatus | null, page: PageRequest): Promise<ConnectionShape<WebhookDelivery>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(WebhookDelivery, "d").where("d.endpointId = :endpointId AND d.tenantId = :tenantId", { endpointId: endpoint.rowId, tenantId: endpoint.tenantId });
      if (status) qb.andWhere("d.status = :status", { status });
      return qb;
    };
    const rows = await this.db.read((em) => keysetPage(scope(em), "d.createdAt", "d.rowId", page, "DESC").getMany());
    return toConnection(rows, page, (d) => ({ key: d.createdAt, id: d.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }

  private async lockEndpoint(ctx: RequestContext, em: EntityManager, endpointId: string): Promise<WebhookEndpoint> {
    const rowId = rowIdOf(endpointId, "WebhookEndpoint");
    const endpoint = rowId
      ? await forUpdate(em.createQueryBuilder(WebhookEndpoint, "w")).where("w.rowId = :rowId AND w.tenantId = :tenantId", { rowId, tenantId: ctx.tenantId }).getOne()
      : null;
    if (!endpoint) throw notFound("Webhook endpoint", ["input", "endpointId"]);
    return endpoint;
  }
}
