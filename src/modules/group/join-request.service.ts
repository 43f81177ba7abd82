import { type EntityManager, In, type SelectQueryBuilder } from "typeorm";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf, toGlobalId } from "../../common/global-id";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { forUpdate, keysetPage } from "../../db/query";
import { type EventInput, recordEvents } from "../events/outbox";
import { actorOn, assertAcceptsMembers, lockGroupRow, requireRole } from "./access";
import type { GroupLog } from "./group-log";
import type { Group } from "./group.entity";
import { JoinRequestStatus, JoinSourceKind } from "./group.enums";
import { viewerMembership } from "./group.loaders";
import { mayDo } from "./roles";
import { JoinRequest } from "./join-request.entity";
import { Member } from "./member.entity";
import { admitMembers, type JoinSource } from "./membership";
import type { Welcome } from "./welcome";

/** The status a client sees: a PENDING request past its expiry reads as EXPIRED. */
export function joinRequestStatus(request: JoinRequest, now: number): JoinRequestStatus {
  return request.storedStatus === JoinRequestStatus.PENDING && request.expiresAt <= now ? JoinRequestStatus.EXPIRED : request.storedStatus;
}

/** A join request's event details (ids as global ids). */
function joinRequestData(request: JoinRequest): Record<string, unknown> {
  const id = (type: string, rowId: string | null) => (rowId ? toGlobalId(type, rowId) : null);
  return {
    joinRequestId: toGlobalId("JoinRequest", request.rowId),
    groupId: toGlobalId("Group", request.groupId),
    requesterId: toGlobalId("User", request.requesterId),
    inviterId: id("User", request.inviterId),
    source: request.sourceKind,
    codeId: id("GroupCode", request.codeId),
    liveCodeId: id("LiveCode", request.liveCodeId),
    status: request.storedStatus,
    answeredById: id("User", request.answeredById),
    expiresAt: new Date(request.expiresAt).toISOString(),
  };
}

/** `join_request.answered` for requests that were just approved, rejected or closed: addressed to each requester. */
function answeredEvents(requests: JoinRequest[]): EventInput[] {
  return requests.map((r) => ({ tenantId: r.tenantId, type: "join_request.answered", groupId: r.groupId, data: joinRequestData(r), audience: [r.requesterId] }));
}

/** The join source an approved request admits its requester with. */
export function sourceOf(request: JoinRequest): JoinSource {
  return { kind: request.sourceKind, inviterId: request.inviterId, codeId: request.codeId, liveCodeId: request.liveCodeId, state: request.joinState };
}

/**
 * Opens a PENDING request for each user on a locked group, or finds the one they already have
 * (asking again returns it; an expired one is closed and replaced). In the order given.
 */
export async function openJoinRequests(
  ctx: RequestContext,
  em: EntityManager,
  group: Group,
  asks: Array<{ userId: string; source: JoinSource }>,
  now: number,
): Promise<Array<{ request: JoinRequest; created: boolean }>> {
  if (asks.length === 0) return [];
  const open = await em.findBy(JoinRequest, { groupId: group.rowId, openKey: In(asks.map((a) => a.userId)) });
  const live = new Map<string, JoinRequest>();
  const stale: string[] = [];
  for (const request of open) {
    if (request.expiresAt > now) live.set(request.requesterId, request);
    else stale.push(request.rowId);
  }
  if (stale.length) await em.update(JoinRequest, { rowId: In(stale) }, { storedStatus: JoinRequestStatus.EXPIRED, openKey: null });
  const fresh = asks
    .filter((a) => !live.has(a.userId))
    .map((a) =>
      em.create(JoinRequest, {
        rowId: newId(),
        tenantId: group.tenantId,
        groupId: group.rowId,
        requesterId: a.userId,
        inviterId: a.source.inviterId ?? null,
        sourceKind: a.source.kind,
        codeId: a.source.codeId ?? null,
        liveCodeId: a.source.liveCodeId ?? null,
        joinState: a.source.state ?? null,
        storedStatus: JoinRequestStatus.PENDING,
        openKey: a.userId,
        createdAt: now,
        expiresAt: ctx.policy.joinRequestExpiresAt(now),
        answeredAt: null,
        answeredById: null,
      }),
    );
  for (let i = 0; i < fresh.length; i += 200) await em.insert(JoinRequest, fresh.slice(i, i + 200));
  if (fresh.length) {
    // Addressed to those who answer requests: the group's owner and admins.
    const answerers = (await em.find(Member, { where: { groupId: group.rowId }, select: { userId: true, role: true } }))
      .filter((m) => mayDo(m.role, "answer join requests"))
      .map((m) => m.userId);
    await recordEvents(
      em,
      fresh.map((r) => ({ tenantId: group.tenantId, type: "join_request.created", groupId: group.rowId, data: joinRequestData(r), audience: answerers })),
      now,
    );
  }
  const created = new Map(fresh.map((r) => [r.requesterId, r]));
  return asks.map((a) => (live.has(a.userId) ? { request: live.get(a.userId)!, created: false } : { request: created.get(a.userId)!, created: true }));
}

/** Closes a user's open request to a group (they were banned): REJECTED by whoever banned them. */
export async function closeJoinRequests(em: EntityManager, group: Group, userId: string, actorId: string | null, now: number): Promise<void> {
  const open = await em.findBy(JoinRequest, { groupId: group.rowId, openKey: userId });
  if (open.length === 0) return;
  const closed = { storedStatus: JoinRequestStatus.REJECTED, openKey: null, answeredAt: now, answeredById: actorId };
  await em.update(JoinRequest, { rowId: In(open.map((r) => r.rowId)) }, closed);
  await recordEvents(em, answeredEvents(open.map((r) => Object.assign(r, closed))), now);
}

/** What the path a request came by decides at approval: how full it may make the group, and what follows the join. */
export interface JoinSourceHandler {
  /** Members the group may reach through this path (checked again at approval, by the same conditional UPDATE as every join). */
  capacity(ctx: RequestContext, em: EntityManager, request: JoinRequest): Promise<number>;
  /** The welcome message the path brings (a live code's), instead of the group's. */
  welcome?(ctx: RequestContext, em: EntityManager, request: JoinRequest): Promise<Welcome | null>;
  /** After the requester was admitted (e.g. a live code counts the join). */
  admitted?(ctx: RequestContext, em: EntityManager, group: Group, member: Member, request: JoinRequest): Promise<void>;
}

/** Join requests: answering them, and the lists owners, admins and requesters read. */
export class JoinRequestService {
  private readonly handlers = new Map<JoinSourceKind, JoinSourceHandler>();

  constructor(
    private readonly db: Database,
    private readonly groupLog: GroupLog,
  ) {}

  /** The code module tells how its paths are capped and what follows an approved join. */
  registerSource(kind: JoinSourceKind, handler: JoinSourceHandler): void {
    this.handlers.set(kind, handler);
  }

  /**
   * The owner or an admin approves or rejects. Approval admits the requester under the group's row
   * lock, with the path's capacity checked by the same conditional UPDATE as every other join: of
   * any number of concurrent approvals, exactly as many as there are free seats succeed.
   */
  async answer(ctx: RequestContext, em: EntityManager, input: { joinRequestId: string; approve: boolean }): Promise<{ joinRequest: JoinRequest; member: Member | null }> {
    const field = ["input", "joinRequestId"];
    const rowId = rowIdOf(input.joinRequestId, "JoinRequest");
    const found = rowId ? await em.findOneBy(JoinRequest, { rowId, tenantId: ctx.tenantId }) : null;
    if (!found) throw notFound("Join request", field);
    // Lock order everywhere: the group row first, then rows that belong to it.
    const group = await lockGroupRow(ctx, em, found.groupId, field);
    const actor = await actorOn(ctx, em, group, field);
    if (actor.kind !== "MEMBER") throw new DomainError(ErrorCode.NOT_PERMITTED, "Join requests are answered by the group's owner or an admin");
    requireRole(actor.member, "answer join requests");
    const request = (await forUpdate(em.createQueryBuilder(JoinRequest, "r")).where("r.rowId = :rowId", { rowId }).getOne())!;
    const now = ctx.now();
    const status = joinRequestStatus(request, now);
    if (status !== JoinRequestStatus.PENDING) throw new DomainError(ErrorCode.NOT_PERMITTED, `The join request is ${status.toLowerCase()}`, field);
    const answered = { openKey: null, answeredAt: now, answeredById: actor.member.userId };
    if (!input.approve) {
      Object.assign(request, { storedStatus: JoinRequestStatus.REJECTED, ...answered });
      await em.update(JoinRequest, { rowId: request.rowId }, { storedStatus: JoinRequestStatus.REJECTED, ...answered });
      await recordEvents(em, answeredEvents([request]), now);
      return { joinRequest: request, member: null };
    }
    assertAcceptsMembers(group);
    const handler = this.handlers.get(request.sourceKind);
    const cap = handler ? await handler.capacity(ctx, em, request) : ctx.policy.groupCapacity();
    const welcome = handler?.welcome ? await handler.welcome(ctx, em, request) : null;
    const { admitted, existing } = await admitMembers(this.groupLog, em, group, [{ userId: request.requesterId, source: sourceOf(request) }], cap, now, { welcome });
    Object.assign(request, { storedStatus: JoinRequestStatus.APPROVED, ...answered });
    await em.update(JoinRequest, { rowId: request.rowId }, { storedStatus: JoinRequestStatus.APPROVED, ...answered });
    await recordEvents(em, answeredEvents([request]), now);
    if (admitted[0] && handler?.admitted) await handler.admitted(ctx, em, group, admitted[0], request);
    return { joinRequest: request, member: admitted[0] ?? existing[0] };
  }

  /** Whether the caller may see a group's join requests: its owner and admins, and the tenant operator. */
  async canSeeRequests(ctx: RequestContext, group: Group): Promise<boolean> {
    if (!ctx.tenant || group.tenantId !== ctx.tenant.rowId) return false;
    if (ctx.principal.kind === "TENANT") return true;
    const role = (await ctx.loaders.get(viewerMembership).load(group.rowId))?.role;
    return role != null && mayDo(role, "see join requests");
  }

  /** A join request the caller may see: their own, or one to a group they own or administer (any, for the tenant key). */
  async visible(ctx: RequestContext, rowId: string): Promise<JoinRequest | null> {
    if (!ctx.tenant) return null;
    const request = await this.db.read((em) => em.findOneBy(JoinRequest, { rowId, tenantId: ctx.tenant!.rowId }));
    if (!request) return null;
    if (ctx.principal.kind === "TENANT" || request.requesterId === ctx.userId) return request;
    const role = (await ctx.loaders.get(viewerMembership).load(request.groupId))?.role;
    return role != null && mayDo(role, "see join requests") ? request : null;
  }

  /** A group's requests, newest first; by default the ones still open. */
  async listForGroup(group: Group, status: JoinRequestStatus | null, now: number, page: PageRequest): Promise<ConnectionShape<JoinRequest>> {
    return this.page(
      (em) => statusFilter(em.createQueryBuilder(JoinRequest, "r").where("r.groupId = :groupId AND r.tenantId = :tenantId", { groupId: group.rowId, tenantId: group.tenantId }), status, now),
      page,
    );
  }

  /** The caller's own requests, newest first. */
  async listFor(tenantId: string, requesterId: string, page: PageRequest): Promise<ConnectionShape<JoinRequest>> {
    return this.page((em) => em.createQueryBuilder(JoinRequest, "r").where("r.requesterId = :requesterId AND r.tenantId = :tenantId", { requesterId, tenantId }), page);
  }

  private async page(scope: (em: EntityManager) => SelectQueryBuilder<JoinRequest>, page: PageRequest): Promise<ConnectionShape<JoinRequest>> {
    const rows = await this.db.read((em) => keysetPage(scope(em), "r.createdAt", "r.rowId", page, "DESC").getMany());
    return toConnection(rows, page, (r) => ({ key: r.createdAt, id: r.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }
}

function statusFilter(qb: SelectQueryBuilder<JoinRequest>, status: JoinRequestStatus | null, now: number): SelectQueryBuilder<JoinRequest> {
  if (status === JoinRequestStatus.PENDING) qb.andWhere("r.storedStatus = 'PENDING' AND r.expiresAt > :now", { now });
  else if (status === JoinRequestStatus.EXPIRED) qb.andWhere("(r.storedStatus = 'EXPIRED' OR (r.storedStatus = 'PENDING' AND r.expiresAt <= :now))", { now });
  else if (status) qb.andWhere("r.storedStatus = :status", { status });
  return qb;
}
