import { setTimeout as sleep } from "node:timers/promises";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { MoreThan } from "typeorm";
import { ErrorCode } from "../../common/errors";
import { fromGlobalId, rowIdOf, toGlobalId } from "../../common/global-id";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { nodeNotFound } from "../../graphql/node-registry";
import { eventTypeOf } from "../group/group-events";
import { GroupLogEntry } from "../group/group-log.entity";
import { Group } from "../group/group.entity";
import { GroupEventKind, MessageStatus } from "../group/group.enums";
import { Member } from "../group/member.entity";
import type { EventBus, LiveEvent } from "./bus";
import type { GroupActivity, ViewerActivity } from "./live.types";

export interface LiveLimits {
  /** Open subscriptions one principal may hold across its connections (SUBSCRIPTIONS_PER_PRINCIPAL). */
  subscriptionsPerPrincipal: number;
  /** Undelivered viewerActivity events kept per subscription; past it the subscription ends. */
  maxQueuedPerSubscription: number;
}

/** How many log entries one catch-up read fetches. */
const PAGE = 100;

/** One local subscriber: told about every committed event of its tenant. */
interface Listener {
  tenantId: string;
  groupId: string | null;
  userId: string | null;
  wake(event: LiveEvent): void;
}

/** A pull-based stream: values are produced when the consumer asks, so nothing piles up for a slow one. */
abstract class PullStream<T> implements AsyncIterableIterator<T> {
  private waiter: (() => void) | null = null;
  protected ended = false;

  constructor(private readonly onEnd: () => void) {}

  /** The next value, or null when there is nothing yet (the stream then waits for `poke`). */
  protected abstract produce(): Promise<T | null>;

  protected poke(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.ended) return { done: true, value: undefined };
      const waiting = new Promise<void>((resolve) => (this.waiter = resolve));
      const value = await this.produce();
      if (value !== null) {
        this.waiter = null;
        return { done: false, value };
      }
      if (this.ended) return { done: true, value: undefined };
      await waiting;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    return { done: true, value: undefined };
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    this.poke();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * A member's live view of one group. Entries are read from the group log by `seq` — the replay
 * after `afterSeq`, then whatever committed events announce — so the stream has no gap and no
 * duplicate whatever order or number of announcements arrive (a lost one only delays delivery
 * until the next). Ends after the entry that removes the viewer, or dissolves the group.
 */
class GroupActivityStream extends PullStream<GroupActivity> {
  private buffered: GroupActivity[] = [];
  private emptyReads = 0;

  constructor(
    private readonly ctx: RequestContext,
    private readonly db: Database,
    private readonly groupId: string,
    /** null: the tenant (sees everything); else the member and the first seq they may read. */
    private viewer: { userId: string; fromSeq: number } | null,
    private lastSeq: number,
    private latestSeq: number,
    onEnd: () => void,
  ) {
    super(onEnd);
  }

  wake(seq: number): void {
    if (seq > this.latestSeq) {
      this.latestSeq = seq;
      this.poke();
    }
  }

  protected async produce(): Promise<GroupActivity | null> {
    while (this.buffered.length === 0 && this.latestSeq > this.lastSeq && !this.ended) {
      const rows = await this.db.read((em) => em.find(GroupLogEntry, { where: { groupId: this.groupId, seq: MoreThan(this.lastSeq) }, order: { seq: "ASC" }, take: PAGE }));
      if (rows.length === 0) {
        // Announced but not visible here yet (another node's write still replicating): look again shortly.
        if (++this.emptyReads > 100) this.latestSeq = this.lastSeq;
        else await sleep(Math.min(500, 10 * this.emptyReads));
        continue;
      }
      this.emptyReads = 0;
      for (const entry of rows) {
        this.lastSeq = entry.seq;
        if (!this.visible(entry)) continue;
        this.buffered.push({ seq: entry.seq, type: eventTypeOf(entry), message: entry });
        if (this.isLast(entry)) {
          this.latestSeq = this.lastSeq;
          break;
        }
      }
    }
    const next = this.buffered.shift() ?? null;
    if (next && this.isLast(next.message)) {
      // Delivered, then the stream ends: the removed member receives the removal and nothing after.
      queueMicrotask(() => this.end());
    }
    if (next) this.ctx.loaders.clear();
    return next;
  }

  private visible(entry: GroupLogEntry): boolean {
    if (!this.viewer) return true;
    return entry.seq >= this.viewer.fromSeq && (entry.status === MessageStatus.VISIBLE || entry.actorId === this.viewer.userId);
  }

  private isLast(entry: GroupLogEntry): boolean {
    if (entry.kind === GroupEventKind.GROUP_DISSOLVED) return true;
    return !!this.viewer && entry.subjectId === this.viewer.userId && (entry.kind === GroupEventKind.MEMBER_LEFT || entry.kind === GroupEventKind.MEMBER_REMOVED);
  }
}

/** The events addressed to one user, as they commit (no replay). */
class ViewerActivityStream extends PullStream<ViewerActivity> {
  private readonly queue: ViewerActivity[] = [];

  constructor(
    private readonly ctx: RequestContext,
    private readonly maxQueued: number,
    onEnd: () => void,
  ) {
    super(onEnd);
  }

  push(event: LiveEvent): void {
    if (!event.type) return;
    // A consumer this far behind is not reading: end its subscription rather than buffer without bound.
    if (this.queue.length >= this.maxQueued) return this.end();
    const data = event.data;
    const id = (key: string, type: string) => (typeof data[key] === "string" ? rowIdOf(data[key] as string, type) : null);
    this.queue.push({
      eventId: event.id ? toGlobalId("Event", event.id) : null,
      type: event.type,
      createdAt: event.createdAt,
      data,
      groupRowId: event.groupId,
      invitationRowId: id("invitationId", "Invitation"),
    });
    this.poke();
  }

  protected async produce(): Promise<ViewerActivity | null> {
    const next = this.queue.shift() ?? null;
    if (next) this.ctx.loaders.clear();
    return next;
  }
}

/**
 * This instance's subscriptions: each gets the committed events of its tenant from the event bus
 * (in-process, or Redis across instances) and reads what it delivers from the database.
 */
export class LiveEvents {
  private readonly listeners = new Set<Listener>();
  private readonly perPrincipal = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Database,
    bus: EventBus,
    private readonly limits: LiveLimits,
  ) {
    this.unsubscribe = bus.subscribe((events) => this.dispatch(events));
  }

  /** Subscriptions open on this instance (for /metrics). */
  get open(): number {
    return this.listeners.size;
  }

  private dispatch(events: LiveEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        if (listener.tenantId !== event.tenantId) continue;
        if (listener.groupId !== null ? listener.groupId === event.groupId : listener.userId !== null && event.audience.includes(listener.userId)) listener.wake(event);
      }
    }
  }

  /** Counts a subscription against its principal's limit; returns its release. */
  private admit(ctx: RequestContext): () => void {
    const key = ctx.principalKey;
    const open = this.perPrincipal.get(key) ?? 0;
    if (open >= this.limits.subscriptionsPerPrincipal) {
      throw new GraphQLError(`At most ${this.limits.subscriptionsPerPrincipal} subscriptions may be open at once`, { extensions: { code: ErrorCode.RATE_LIMITED } });
    }
    this.perPrincipal.set(key, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perPrincipal.get(key) ?? 1) - 1;
      if (left <= 0) this.perPrincipal.delete(key);
      else this.perPrincipal.set(key, left);
    };
  }

  /** groupActivity: members (from their window of the history) and the tenant key; anyone else NOT_FOUND. */
  async groupActivity(ctx: RequestContext, groupId: string, afterSeq: number | null | undefined): Promise<AsyncIterable<GroupActivity>> {
    if (!ctx.tenant || (ctx.principal.kind !== "USER" && ctx.principal.kind !== "TENANT")) throw nodeNotFound();
    if (afterSeq != null && (!Number.isInteger(afterSeq) || afterSeq < 0)) {
      throw new GraphQLError("`afterSeq` must be a non-negative integer", { extensions: { code: ErrorCode.INVALID_INPUT, argument: "afterSeq" } });
    }
    const rowId = fromGlobalId(groupId)?.type === "Group" ? rowIdOf(groupId, "Group") : null;
    if (!rowId) throw nodeNotFound();
    const release = this.admit(ctx);
    let stream: GroupActivityStream | null = null;
    // Listen first, then read where the log stands: nothing committed in between is missed.
    const pending: number[] = [];
    const listener: Listener = {
      tenantId: ctx.tenant.rowId,
      groupId: rowId,
      userId: null,
      wake: (event) => (event.seq !== null ? (stream ? stream.wake(event.seq) : pending.push(event.seq)) : undefined),
    };
    this.listeners.add(listener);
    const close = () => {
      this.listeners.delete(listener);
      release();
    };
    try {
      const tenantId = ctx.tenant.rowId;
      const userId = ctx.userId;
      const [group, member] = await this.db.read((em) =>
        Promise.all([em.findOneBy(Group, { rowId, tenantId }), userId ? em.findOneBy(Member, { groupId: rowId, userId, tenantId }) : Promise.resolve(null)]),
      );
      if (!group || (userId && !member)) throw nodeNotFound();
      const viewer = member ? { userId: member.userId, fromSeq: Math.max(member.joinSeq, member.clearedThroughSeq + 1) } : null;
      const start = afterSeq ?? group.logSize;
      stream = new GroupActivityStream(ctx, this.db, rowId, viewer, Math.min(start, group.logSize), group.logSize, close);
      for (const seq of pending) stream.wake(seq);
      return stream;
    } catch (error) {
      close();
      throw error;
    }
  }

  /** viewerActivity: the signed-in user's invitations and memberships, live. */
  viewerActivity(ctx: RequestContext): AsyncIterable<ViewerActivity> {
    const userId = ctx.userId;
    if (!ctx.tenant || !userId) throw new GraphQLError("viewerActivity needs a user token", { extensions: { code: ErrorCode.NOT_PERMITTED } });
    const release = this.admit(ctx);
    const listener: Listener = { tenantId: ctx.tenant.rowId, groupId: null, userId, wake: (event) => stream.push(event) };
    const stream = new ViewerActivityStream(ctx, this.limits.maxQueuedPerSubscription, () => {
      this.listeners.delete(listener);
      release();
    });
    this.listeners.add(listener);
    return stream;
  }

  close(): void {
    this.unsubscribe();
  }
}

const registry = new WeakMap<GraphQLSchema, LiveEvents>();

/**
 * Subscription resolvers find their app's LiveEvents through the schema they run in (each app
 * builds its own schema): type-graphql's `subscribe` functions are not built by the container.
 */
export function attachLiveEvents(schema: GraphQLSchema, live: LiveEvents): void {
  registry.set(schema, live);
}

export function liveEventsOf(schema: GraphQLSchema): LiveEvents {
  const live = registry.get(schema);
  if (!live) throw new Error("No live events attached to this schema");
  return live;
}
