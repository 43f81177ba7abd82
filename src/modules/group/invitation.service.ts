import { type EntityManager, In } from "typeorm";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { forUpdate, keysetPage } from "../../db/query";
import { assertAcceptsMembers, findMember, lockGroupRow } from "./access";
import type { GroupLog } from "./group-log";
import type { Group } from "./group.entity";
import { GroupEventKind, InvitationStatus, JoinSourceKind } from "./group.enums";
import { Invitation } from "./invitation.entity";
import type { Member } from "./member.entity";
import { admitMembers } from "./membership";
import { joinGate } from "./join-gate";
import { toGlobalId } from "../../common/global-id";
import { recordEvents } from "../events/outbox";

/** An invitation's event details (ids as global ids). */
function invitationData(invitation: Invitation): Record<string, unknown> {
  return {
    invitationId: toGlobalId("Invitation", invitation.rowId),
    groupId: toGlobalId("Group", invitation.groupId),
    inviteeId: toGlobalId("User", invitation.inviteeId),
    inviterId: invitation.inviterId ? toGlobalId("User", invitation.inviterId) : null,
    status: invitation.storedStatus,
    expiresAt: new Date(invitation.expiresAt).toISOString(),
  };
}

/** The status a client sees: a PENDING invitation past its expiry reads as EXPIRED. */
export function invitationStatus(invitation: Invitation, now: number): InvitationStatus {
  return invitation.storedStatus === InvitationStatus.PENDING && invitation.expiresAt <= now ? InvitationStatus.EXPIRED : invitation.storedStatus;
}

/** Invitations: how groups grow past their direct-add limit — the invitee must accept. */
export class InvitationService {
  constructor(
    private readonly db: Database,
    private readonly groupLog: GroupLog,
  ) {}

  /**
   * Opens PENDING invitations on a locked group. Someone who already holds an open invitation
   * keeps it (no duplicates); an expired one is closed and replaced.
   */
  async open(ctx: RequestContext, em: EntityManager, group: Group, inviteeIds: string[], inviterId: string, now: number): Promise<Invitation[]> {
    if (inviteeIds.length === 0) return [];
    const open = await em.findBy(Invitation, { groupId: group.rowId, openKey: In(inviteeIds) });
    const live = new Map<string, Invitation>();
    const stale: string[] = [];
    for (const invitation of open) {
      if (invitation.expiresAt > now) live.set(invitation.inviteeId, invitation);
      else stale.push(invitation.rowId);
    }
    if (stale.length) {
      await em.update(Invitation, { rowId: In(stale) }, { storedStatus: InvitationStatus.EXPIRED, openKey: null, respondedAt: now });
    }
    const fresh = inviteeIds
      .filter((id) => !live.has(id))
      .map((inviteeId) =>
        em.create(Invitation, {
          rowId: newId(),
          tenantId: group.tenantId,
          groupId: group.rowId,
          inviteeId,
          inviterId,
          storedStatus: InvitationStatus.PENDING,
          openKey: inviteeId,
          createdAt: now,
          expiresAt: ctx.policy.invitationExpiresAt(now),
          respondedAt: null,
        }),
      );
    for (let i = 0; i < fresh.length; i += 200) await em.insert(Invitation, fresh.slice(i, i + 200));
    await recordEvents(
      em,
      fresh.map((inv) => ({ tenantId: group.tenantId, type: "invitation.created", groupId: group.rowId, data: invitationData(inv), audience: [inv.inviteeId] })),
      now,
    );
    await this.groupLog.append(
      em,
      group,
      fresh.map((inv) => ({ kind: GroupEventKind.MEMBER_INVITED, actorId: inviterId, subjectId: inv.inviteeId })),
      now,
    );
    const byInvitee = new Map([...live, ...fresh.map((inv) => [inv.inviteeId, inv] as const)]);
    return inviteeIds.map((id) => byInvitee.get(id)!);
  }

  /**
   * Accepts or declines. Capacity is checked at acceptance, under the group's row lock: of any
   * number of concurrent acceptances, exactly as many as there are free seats get in.
   */
  async respond(ctx: RequestContext, em: EntityManager, input: { invitationId: string; accept: boolean }): Promise<{ invitation: Invitation; member: Member | null }> {
    const userId = ctx.requireUser("Only the invited user can respond to an invitation");
    const rowId = rowIdOf(input.invitationId, "Invitation");
    const found = rowId ? await em.findOneBy(Invitation, { rowId, tenantId: ctx.tenantId, inviteeId: userId }) : null;
    if (!found) throw notFound("Invitation", ["input", "invitationId"]);
    // Lock order everywhere: the group row first, then rows that belong to it.
    const group = await lockGroupRow(ctx, em, found.groupId);
    const invitation = (await forUpdate(em.createQueryBuilder(Invitation, "i")).where("i.rowId = :rowId", { rowId }).getOne())!;
    const now = ctx.now();
    const status = invitationStatus(invitation, now);
    if (status === InvitationStatus.ACCEPTED && input.accept) {
      const member = await findMember(em, group.rowId, userId);
      if (member) return { invitation, member };
    }
    // A ban closes the user's invitations; accepting one says why rather than "expired".
    if (input.accept) await joinGate(ctx, em, group, userId, { kind: JoinSourceKind.INVITATION, inviterId: invitation.inviterId }, ["input", "invitationId"]);
    if (status !== InvitationStatus.PENDING) {
      throw new DomainError(ErrorCode.NOT_PERMITTED, `The invitation is ${status.toLowerCase()}`, ["input", "invitationId"]);
    }
    if (!input.accept) {
      Object.assign(invitation, { storedStatus: InvitationStatus.DECLINED, openKey: null, respondedAt: now });
      await em.update(Invitation, { rowId: invitation.rowId }, { storedStatus: InvitationStatus.DECLINED, openKey: null, respondedAt: now });
      await recordEvents(em, [{ tenantId: group.tenantId, type: "invitation.answered", groupId: group.rowId, data: invitationData(invitation), audience: invitation.inviterId ? [invitation.inviterId] : [] }], now);
      return { invitation, member: null };
    }
    assertAcceptsMembers(group);
    const { admitted, existing } = await admitMembers(
      this.groupLog,
      em,
      group,
      [{ userId, source: { kind: JoinSourceKind.INVITATION, inviterId: invitation.inviterId } }],
      ctx.policy.groupCapacity(),
      now,
    );
    Object.assign(invitation, { storedStatus: InvitationStatus.ACCEPTED, openKey: null, respondedAt: now });
    await em.update(Invitation, { rowId: invitation.rowId }, { storedStatus: InvitationStatus.ACCEPTED, openKey: null, respondedAt: now });
    await recordEvents(em, [{ tenantId: group.tenantId, type: "invitation.answered", groupId: group.rowId, data: invitationData(invitation), audience: invitation.inviterId ? [invitation.inviterId] : [] }], now);
    return { invitation, member: admitted[0] ?? existing[0] };
  }

  /** The caller's invitations, newest first; by default only the ones still open. */
  async listFor(tenantId: string, inviteeId: string, status: InvitationStatus | null, now: number, page: PageRequest): Promise<ConnectionShape<Invitation>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(Invitation, "i").where("i.inviteeId = :inviteeId AND i.tenantId = :tenantId", { inviteeId, tenantId });
      if (status === InvitationStatus.PENDING) qb.andWhere("i.storedStatus = 'PENDING' AND i.expiresAt > :now", { now });
      else if (status === InvitationStatus.EXPIRED) qb.andWhere("(i.storedStatus = 'EXPIRED' OR (i.storedStatus = 'PENDING' AND i.expiresAt <= :now))", { now });
      else if (status) qb.andWhere("i.storedStatus = :status", { status });
      return qb;
    };
    const rows = await this.db.read((em) => keysetPage(scope(em), "i.createdAt", "i.rowId", page, "DESC").getMany());
    return toConnection(rows, page, (i) => ({ key: i.createdAt, id: i.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }
}
