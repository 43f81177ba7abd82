import { EventEmitter } from "node:events";
import { Redis } from "ioredis";
import type { Logger } from "pino";

/**
 * What travels between instances after a commit: an outbox event (with its id), or a bare wake-up
 * for a group log entry that has no public event type (its `type` is null). Subscribers read the
 * authoritative rows from the database; the message only says what changed and for whom.
 */
export interface LiveEvent {
  /** The event row id; null for a wake-up that was not recorded in the outbox. */
  id: string | null;
  tenantId: string;
  type: string | null;
  groupId: string | null;
  seq: number | null;
  /** Users the change is addressed to (viewerActivity): an invitee, a member who joined or left. */
  audience: string[];
  data: Record<string, unknown>;
  createdAt: number;
  /** The transaction that recorded the event also enqueued webhook deliveries for it (the dispatchers wake for these only). */
  webhooks?: boolean;
}

export type LiveListener = (events: LiveEvent[]) => void;

/**
 * Fans committed events out to every instance's subscribers. Publishing happens after the commit
 * (see recordEvents), so rolled-back work is never announced; delivery is at most once, and
 * subscribers close gaps from the database by `seq`.
 */
export interface EventBus {
  publish(events: LiveEvent[]): void;
  subscribe(listener: LiveListener): () => void;
  /** Events handed to publish (for /metrics). */
  readonly published: number;
  close(): Promise<void>;
}

/** One instance: listeners are called on the next turn of the event loop, never inside the committing request. */
export class MemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  published = 0;

  publish(events: LiveEvent[]): void {
    if (events.length === 0) return;
    this.published += events.length;
    setImmediate(() => this.emitter.emit("events", events));
  }

  subscribe(listener: LiveListener): () => void {
    this.emitter.on("events", listener);
    return () => this.emitter.off("events", listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const CHANNEL = "gp:events";

/** Several instances: every instance publishes to one Redis channel and delivers what it hears (its own events included). */
export class RedisEventBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly local = new MemoryEventBus();
  published = 0;

  constructor(url: string, private readonly log: Logger) {
    this.publisher = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null });
    for (const client of [this.publisher, this.subscriber]) client.on("error", (error) => log.warn({ err: error }, "redis event bus"));
    void this.subscriber.subscribe(CHANNEL).catch((error: unknown) => log.error({ err: error }, "redis event bus: subscribe failed"));
    this.subscriber.on("message", (_channel: string, text: string) => {
      try {
        this.local.publish(JSON.parse(text) as LiveEvent[]);
      } catch (error) {
        log.warn({ err: error }, "redis event bus: unreadable message");
      }
    });
  }

  /** Resolves once the subscription is active (so a test's first event is not published before it). */
  async ready(): Promise<void> {
    while (this.subscriber.status !== "ready") await new Promise((resolve) => setTimeout(resolve, 20));
  }

  publish(events: LiveEvent[]): void {
    if (events.length === 0) return;
    this.published += events.length;
    this.publisher.publish(CHANNEL, JSON.stringify(events)).catch((error: unknown) => this.log.warn({ err: error }, "redis event bus: publish failed"));
  }

  subscribe(listener: LiveListener): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => this.publisher.disconnect());
  }
}
