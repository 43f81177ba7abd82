import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { In, LessThan } from "typeorm";
import type { Clock } from "../../common/clock";
import { toGlobalId } from "../../common/global-id";
import type { WebhookConfig } from "../../config";
import { affectedRows } from "../../db/query";
import type { Database } from "../../db/database";
import type { EventBus } from "../events/bus";
import type { EventRecord } from "../events/event.entity";
import type { EventService } from "../events/event.service";
import { EVENT_RETENTION_MS } from "../events/event-types";
import { retriesExhausted, retryDelayMs } from "./retry";
import { type AttemptResult, WebhookSender } from "./sender";
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from "./webhook.entities";

/** How an attempt ended, as /metrics counts it. */
export type AttemptOutcome = "delivered" | "retrying" | "failed";

export interface AttemptObservation {
  outcome: AttemptOutcome;
  /** The HTTP exchange. */
  seconds: number;
  /** From the event's commit to this 2xx (delivered only). */
  lagSeconds: number | null;
}

/** An attempt's outcome waiting to be written (see WebhookDispatcher.record). */
interface PendingOutcome {
  rowId: string;
  /** The UPDATE's parameters, lease token last (the fence). */
  params: unknown[];
  done: () => void;
}

/** A claimed delivery with what sending it needs. */
interface Claimed {
  delivery: WebhookDelivery;
  leaseToken: string;
  endpoint: WebhookEndpoint | null;
  event: EventRecord | null;
}

/**
 * Sends due webhook deliveries. A loop claims them in short transactions — `SELECT … FOR UPDATE
 * SKIP LOCKED` on MySQL/MariaDB (serialised on SQLite), then a lease (`lease_until`, `lease_token`)
 * — so several instances share the work and never send one attempt twice; the outcome is written
 * only by the holder of the lease. An instance that dies mid-attempt leaves a lease that runs out,
 * and another sends that attempt again (at least once). Database errors are logged and the loop
 * tries again at its next tick. Woken by every committed event that has deliveries (the event bus:
 * this instance's commits and, with Redis, other instances'), else it polls.
 */
export class WebhookDispatcher {
  private readonly sender: WebhookSender;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly outcomes: PendingOutcome[] = [];
  private flushing: Promise<void> | null = null;
  private readonly observers: Array<(o: AttemptObservation) => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private cleanup: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private pumping = false;
  private wakeAgain = false;
  private stopped = true;
  /** Claims that failed because the database was unavailable or erred (for logs and tests). */
  claimErrors = 0;
  /** Claim transactions run (for tests: what wakes the loop). */
  claims = 0;

  constructor(
    private readonly db: Database,
    private readonly events: EventService,
    private readonly bus: EventBus,
    private readonly config: WebhookConfig,
    httpsOnly: boolean,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.sender = new WebhookSender({ httpsOnly, allowPrivate: config.allowPrivateTargets, timeoutMs: config.timeoutMs, extraCaPem: config.extraCaPem });
  }

  /** Reports every finished attempt (the metrics). */
  observe(observer: (o: AttemptObservation) => void): void {
    this.observers.push(observer);
  }

  start(): void {
    if (!this.stopped || !this.config.dispatcherEnabled) return;
    this.stopped = false;
    // Woken by commits that enqueued deliveries (on any instance, through the bus), not by every event.
    this.unsubscribe = this.bus.subscribe((events) => {
      if (events.some((event) => event.webhooks)) this.wake();
    });
    this.timer = setInterval(() => this.wake(), this.config.pollMs);
    this.timer.unref();
    this.cleanup = setInterval(() => void this.purgeFinished(), 10 * 60_000);
    this.cleanup.unref();
    this.wake();
  }

  /** Stops claiming and waits for attempts in flight (bounded: their leases cover the rest). */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    if (this.cleanup) clearInterval(this.cleanup);
    if (this.inFlight.size > 0) {
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
    this.sender.close();
  }

  /** Looks for due deliveries now (after a commit, a redelivery, a finished attempt). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.wakeAgain = true;
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      const room = this.config.concurrency - this.inFlight.size;
      if (room <= 0) return;
      let claimed: Claimed[];
      try {
        claimed = await this.claim(room);
      } catch (error) {
        this.claimErrors++;
        this.log.warn({ err: error }, "webhook dispatcher: claiming deliveries failed; trying again later");
        return;
      }
      for (const item of claimed) {
        const attempt = this.attempt(item).finally(() => {
          this.inFlight.delete(attempt);
          // Refill in batches (one claim for several free places), not one claim per finished attempt.
          if (this.inFlight.size <= this.config.concurrency / 2) this.wake();
        });
        this.inFlight.add(attempt);
      }
      if (claimed.length < room) return;
    }
  }

  /** Claims up to `limit` due deliveries with a lease, in one short transaction. */
  private async claim(limit: number): Promise<Claimed[]> {
    const now = this.clock.now();
    const leaseToken = randomUUID();
    const leaseUntil = now + this.config.timeoutMs + 10_000;
    this.claims++;
    const deliveries = await this.db.tx(async (em) => {
      const lock = this.db.engine === "mysql" ? " FOR UPDATE SKIP LOCKED" : "";
      const due: Array<{ id: string }> = await em.query(
        `SELECT id FROM webhook_deliveries WHERE status = ? AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at LIMIT ${Number(limit)}${lock}`,
        [WebhookDeliveryStatus.PENDING, now, now],
      );
      if (due.length === 0) return [];
      const ids = due.map((d) => d.id);
      await em.update(WebhookDelivery, { rowId: In(ids) }, { leaseUntil, leaseToken });
      return em.findBy(WebhookDelivery, { rowId: In(ids) });
    });
    if (deliveries.length === 0) return [];
    const [endpoints, events] = await Promise.all([
      this.db.read((em) => em.findBy(WebhookEndpoint, { rowId: In([...new Set(deliveries.map((d) => d.endpointId))]) })),
      // Rows of `events`, and events kept on history entries for the feed's 30 days (EventService.findMany).
      this.events.findMany(deliveries.map((d) => d.eventRowId), now),
    ]);
    return deliveries.map((delivery) => ({
      delivery,
      leaseToken,
      endpoint: endpoints.find((e) => e.rowId === delivery.endpointId) ?? null,
      event: events.find((e) => e.rowId === delivery.eventRowId) ?? null,
    }));
  }

  private async attempt({ delivery, leaseToken, endpoint, event }: Claimed): Promise<void> {
    const started = this.clock.now();
    const t0 = process.hrtime.bigint();
    let result: AttemptResult;
    // Sent only to an endpoint still enabled: one disabled after a change read it as enabled (see
    // readEndpointsAhead) ends the delivery as disabling does.
    if (!endpoint || !endpoint.enabled || !event) {
      result = { status: null, error: !endpoint ? "the endpoint was deleted" : !endpoint.enabled ? "the endpoint was disabled" : "the event is no longer kept (30 days)" };
    } else {
      result = await this.sender.send(endpoint.url, endpoint.secret, { id: toGlobalId("Event", event.rowId), type: event.type, createdAt: event.createdAt, data: event.data }, started);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const now = this.clock.now();
    const delivered = result.status !== null && result.status >= 200 && result.status < 300;
    const final = delivered || !endpoint?.enabled || !event || retriesExhausted(delivery.retryingSince, now, this.config.retryScale);
    const status = delivered ? WebhookDeliveryStatus.DELIVERED : final ? WebhookDeliveryStatus.FAILED : WebhookDeliveryStatus.PENDING;
    const next = final ? now : now + retryDelayMs(delivery.attempts + 1, this.config.retryScale);
    await this.record({ rowId: delivery.rowId, params: [status, result.status, result.error?.slice(0, 500) ?? null, started, next, delivery.rowId, leaseToken] });
    const outcome: AttemptOutcome = delivered ? "delivered" : final ? "failed" : "retrying";
    const lagSeconds = delivered && event ? Math.max(0, now - event.createdAt) / 1000 : null;
    for (const observer of this.observers) observer({ outcome, seconds, lagSeconds });
  }

  /**
   * Writes an attempt's outcome, fenced by its lease: outcomes finishing together share one
   * transaction (one commit for many attempts under load). A failure is logged; the lease then
   * runs out and the attempt is made again (at least once, never lost).
   */
  private record(outcome: Omit<PendingOutcome, "done">): Promise<void> {
    return new Promise((done) => {
      this.outcomes.push({ ...outcome, done });
      this.startFlush();
    });
  }

  private startFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flushOutcomes().finally(() => {
      this.flushing = null;
      // Outcomes queued while the last batch was being committed.
      if (this.outcomes.length) this.startFlush();
    });
  }

  private async flushOutcomes(): Promise<void> {
    while (this.outcomes.length) {
      const batch = this.outcomes.splice(0, 100);
      try {
        const lost = await this.db.tx(async (em) => {
          const stale: string[] = [];
          for (const o of batch) {
            const changed = await em.query(
              `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_response_status = ?, last_error = ?, last_attempt_at = ?, next_attempt_at = ?, lease_until = NULL, lease_token = NULL WHERE id = ? AND lease_token = ?`,
              o.params,
            );
            if (affectedRows(changed) === 0) stale.push(o.rowId);
          }
          return stale;
        });
        if (lost.length) this.log.info({ deliveries: lost }, "webhook attempts finished after their lease was released or taken over; outcomes not recorded");
      } catch (error) {
        this.log.warn({ err: error, deliveries: batch.map((o) => o.rowId) }, "webhook dispatcher: recording attempts failed");
      }
      for (const o of batch) o.done();
    }
  }

  /** Deletes finished deliveries older than the event feed keeps events. */
  private async purgeFinished(): Promise<void> {
    try {
      const cutoff = this.clock.now() - EVENT_RETENTION_MS;
      await this.db.tx((em) => em.delete(WebhookDelivery, { createdAt: LessThan(cutoff), status: In([WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED]) }));
    } catch (error) {
      this.log.warn({ err: error }, "webhook delivery cleanup failed");
    }
  }

  /** Pending deliveries (all instances): all of them, and those already due (the backlog). */
  async backlog(): Promise<{ pending: number; due: number }> {
    const now = this.clock.now();
    const rows: Array<{ pending: number | string; due: number | string | null }> = await this.db.read((em) =>
      em.query(`SELECT COUNT(*) AS pending, SUM(CASE WHEN next_attempt_at <= ? THEN 1 ELSE 0 END) AS due FROM webhook_deliveries WHERE status = ?`, [now, WebhookDeliveryStatus.PENDING]),
    );
    return { pending: Number(rows[0]?.pending ?? 0), due: Number(rows[0]?.due ?? 0) };
  }
}
