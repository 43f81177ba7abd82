import { type EntityManager, In, type SelectQueryBuilder } from "typeorm";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { forUpdate, keysetPage } from "../../db/query";
import { actorOn, assertAcceptsMembers, lockGroupRow, requireRole } from "./access";
import type { Group } from "./group.entity";
import { JoinRequestStatus, JoinSourceKind, MemberRole } from "./group.enums";
import { viewerMembership } from "./group.loaders";
import { JoinRequest } from "./join-request.entity";
import type { Member } from "./member.entity";
import { admitMembers, type JoinSource } from "./membership";
import type { Welcome } from "./welcome";

/** The status a client sees: a PENDING request past its expiry reads as EXPIRED. */
export function joinRequestStatus(request: JoinRequest, now: number): JoinRequestStatus {
  return request.storedStatus === JoinRequestStatus.PENDING && request.expiresAt <= now ? JoinRequestStatus.EXPIRED : request.storedStatus;
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
        expiresAt: now + ctx.policy.joinRequestTtlSeconds() * 1000,
        answeredAt: null,
        answeredById: null,
      }),
    );
  for (let i = 0; i < fresh.length; i += 200) await em.insert(JoinRequest, fresh.slice(i, i + 200));
  const created = new Map(fresh.map((r) => [r.requesterId, r]));
  return asks.map((a) => (live.has(a.userId) ? { request: live.get(a.userId)!, created: false } : { request: created.get(a.userId)!, created: true }));
}

/** Closes a user's open request to a group (they were banned): REJECTED by whoever banned them. */
export async function closeJoinRequests(em: EntityManager, group: Group, userId: string, actorId: string | null, now: number): Promise<void> {
  await em.update(
    JoinRequest,
    { groupId: group.rowId, openKey: userId },
    { storedStatus: JoinRequestStatus.REJECTED, openKey: null, answeredAt: now, answeredById: actorId },
  );
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

  constructor(private readonly db: Database) {}

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
    const group = await lockGroupRow(em, ctx, found.groupId, field);
    const actor = await actorOn(em, ctx, group, field);
    if (actor.kind !== "MEMBER") throw new DomainError(ErrorCode.NOT_PERMITTED, "Join requests are answered by the group's owner or an admin");
    requireRole(actor.member, [MemberRole.OWNER, MemberRole.ADMIN], "answer join requests");
    const request = (await forUpdate(em.createQueryBuilder(JoinRequest, "r")).where("r.rowId = :rowId", { rowId }).getOne())!;
    const now = ctx.now();
    const status = joinRequestStatus(request, now);
    if (status !== JoinRequestStatus.PENDING) throw new DomainError(ErrorCode.NOT_PERMITTED, `The join request is ${status.toLowerCase()}`, field);
    const answered = { openKey: null, answeredAt: now, answeredById: actor.member.userId };
    if (!input.approve) {
      Object.assign(request, { storedStatus: JoinRequestStatus.REJECTED, ...answered });
      await em.update(JoinRequest, { rowId: request.rowId }, { storedStatus: JoinRequestStatus.REJECTED, ...answered });
      return { joinRequest: request, member: null };
    }
    assertAcceptsMembers(group);
    const handler = this.handlers.get(request.sourceKind);
    const cap = handler ? await handler.capacity(ctx, em, request) : ctx.policy.limits.maxGroupSize;
    const welcome = handler?.welcome ? await handler.welcome(ctx, em, request) : null;
    const { admitted, existing } = await admitMembers(em, group, [{ userId: request.requesterId, source: sourceOf(request) }], cap, now, { welcome });
    Object.assign(request, { storedStatus: JoinRequestStatus.APPROVED, ...answered });
    await em.update(JoinRequest, { rowId: request.rowId }, { storedStatus: JoinRequestStatus.APPROVED, ...answered });
    if (admitted[0] && handler?.admitted) await handler.admitted(ctx, em, group, admitted[0], request);
    return { joinRequest: request, member: admitted[0] ?? existing[0] };
  }

  /** Whether the caller may see a group's join requests: its owner and admins, and the tenant operator. */
  async canSeeRequests(ctx: RequestContext, group: Group): Promise<boolean> {
    if (!ctx.tenant || group.tenantId !== ctx.tenant.rowId) return false;
    if (ctx.principal.kind === "TENANT") return true;
    const role = (await ctx.loaders.get(viewerMembership).load(group.rowId))?.role;
    return role === MemberRole.OWNER || role === MemberRole.ADMIN;
  }

  /** A join request the caller may see: their own, or one to a group they own or administer (any, for the tenant key). */
  async visible(ctx: RequestContext, rowId: string): Promise<JoinRequest | null> {
    if (!ctx.tenant) return null;
    const request = await this.db.read((em) => em.findOneBy(JoinRequest, { rowId, tenantId: ctx.tenant!.rowId }));
    if (!request) return null;
    if (ctx.principal.kind === "TENANT" || request.requesterId === ctx.userId) return request;
    const role = (await ctx.loaders.get(viewerMembership).load(request.groupId))?.role;
    return role === MemberRole.OWNER || role === MemberRole.ADMIN ? request : null;
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
