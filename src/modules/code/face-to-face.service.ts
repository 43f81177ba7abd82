import type { EntityManager } from "typeorm";
import { z } from "zod";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { newId } from "../../common/ids";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { User } from "../user/user.entity";
import { forUpdate } from "../../db/query";
import { CodeType } from "../../policy/limits";
import { findMember, lockGroupRow } from "../group/access";
import type { Group } from "../group/group.entity";
import { GroupStatus, JoinSourceKind } from "../group/group.enums";
import type { Member } from "../group/member.entity";
import { admitMembers } from "../group/membership";
import { joinGate } from "../group/join-gate";
import type { JoinRequest } from "../group/join-request.entity";
import type { JoinRequestService } from "../group/join-request.service";
import type { GroupCreation } from "../group/group-creation";
import { RiskEventKind } from "../moderation/moderation.enums";
import type { RiskService } from "../moderation/risk.service";
import { distanceMetres } from "./distance";
import { FaceToFaceAttempt, FaceToFaceParticipant, FaceToFaceSession, FaceToFaceSlot } from "./code.entities";
import type { GroupLog } from "../group/group-log";

/** People who enter the same digits within this distance share a session. */
export const FACE_TO_FACE_RADIUS_METRES = 1000;
/** A session accepts newcomers and joins for this long after it opened. */
export const FACE_TO_FACE_WINDOW_MS = 10 * 60 * 1000;
/** Entries one user may make per window before further ones are refused as guessing. */
export const FACE_TO_FACE_ATTEMPTS_PER_WINDOW = 10;

const enterSchema = z.object({
  digits: z.string().regex(/^[0-9]{4}$/, "must be exactly four ASCII digits"),
  latitude: z.number().finite().min(-90).max(90),
  longitude: z.number().finite().min(-180).max(180),
});

/** Face-to-face groups: people nearby enter the same four digits and form a group together. */
export class FaceToFaceService {
  constructor(
    private readonly db: Database,
    private readonly risk: RiskService,
    private readonly creation: GroupCreation,
    private readonly groupLog: GroupLog,
    joinRequests: JoinRequestService,
  ) {
    joinRequests.registerSource(JoinSourceKind.FACE_TO_FACE, { capacity: async (ctx) => ctx.policy.codeJoinCapacity(CodeType.FACE_TO_FACE) });
  }

  /** A session's participants in order of arrival (the first `limit`). */
  participants(sessionId: string, limit?: number): Promise<User[]> {
    return this.db.read((em) =>
      em
        .createQueryBuilder(User, "u")
        .innerJoin(FaceToFaceParticipant, "p", "p.userId = u.rowId")
        .where("p.sessionId = :sessionId", { sessionId })
        .orderBy("p.joinedAt", "ASC")
        .addOrderBy("u.rowId", "ASC")
        .limit(limit)
        .getMany(),
    );
  }

  /** The session, if the caller took part in it. */
  async sessionFor(ctx: RequestContext, rowId: string): Promise<FaceToFaceSession | null> {
    if (!ctx.userId) return null;
    return this.db.read(async (em) =>
      (await em.existsBy(FaceToFaceParticipant, { sessionId: rowId, userId: ctx.userId!, tenantId: ctx.tenantId })) ? em.findOneBy(FaceToFaceSession, { rowId }) : null,
    );
  }

  /**
   * Puts the caller in the open session for these digits within 1 km, or opens one. Lookups for one
   * set of digits are serialised on a slot row, so people entering together share one session.
   */
  async enter(ctx: RequestContext, em: EntityManager, input: { digits: string; latitude: number; longitude: number }): Promise<{ session: FaceToFaceSession }> {
    const userId = ctx.requireUser("Face-to-face groups are entered with a user token");
    const data = parseInput(enterSchema, input);
    if (!ctx.policy.allowsCodeType(CodeType.FACE_TO_FACE)) throw new DomainError(ErrorCode.CODE_TYPE_NOT_ALLOWED, "This plan does not allow face-to-face groups");
    const tenantId = ctx.tenantId;
    const now = ctx.now();
    await this.assertNotGuessing(ctx, em, userId, now);

    await em.createQueryBuilder().insert().into(FaceToFaceSlot).values({ tenantId, digits: data.digits }).orIgnore().updateEntity(false).execute();
    await forUpdate(em.createQueryBuilder(FaceToFaceSlot, "s")).where("s.tenantId = :tenantId AND s.digits = :digits", { tenantId, digits: data.digits }).getOne();
    await em.insert(FaceToFaceAttempt, { rowId: newId(), tenantId, userId, digits: data.digits, createdAt: now });

    const open = await em
      .createQueryBuilder(FaceToFaceSession, "s")
      .where("s.tenantId = :tenantId AND s.digits = :digits AND s.expiresAt > :now", { tenantId, digits: data.digits, now })
      .orderBy("s.createdAt", "ASC")
      .getMany();
    let session = open.find((s) => distanceMetres(s.latitude, s.longitude, data.latitude, data.longitude) <= FACE_TO_FACE_RADIUS_METRES);
    if (!session) {
      session = em.create(FaceToFaceSession, {
        rowId: newId(),
        tenantId,
        digits: data.digits,
        latitude: data.latitude,
        longitude: data.longitude,
        groupId: null,
        createdAt: now,
        expiresAt: now + FACE_TO_FACE_WINDOW_MS,
      });
      await em.insert(FaceToFaceSession, session);
    }
    await em.createQueryBuilder().insert().into(FaceToFaceParticipant).values({ sessionId: session.rowId, userId, tenantId, joinedAt: now }).orIgnore().updateEntity(false).execute();
    return { session };
  }

  /** The first participant to ask creates the group and owns it; later ones join it. */
  async joinGroup(ctx: RequestContext, em: EntityManager, sessionGlobalId: string): Promise<{ group: Group; member: Member | null; joinRequest?: JoinRequest }> {
    const userId = ctx.requireUser("Face-to-face groups are joined with a user token");
    const rowId = rowIdOf(sessionGlobalId, "FaceToFaceSession");
    const participant = rowId ? await em.findOneBy(FaceToFaceParticipant, { sessionId: rowId, userId, tenantId: ctx.tenantId }) : null;
    if (!participant) throw notFound("Face-to-face session", ["input", "sessionId"]);
    const session = (await forUpdate(em.createQueryBuilder(FaceToFaceSession, "s")).where("s.rowId = :rowId", { rowId }).getOne())!;
    const now = ctx.now();
    if (session.expiresAt <= now) throw new DomainError(ErrorCode.CODE_EXPIRED, "The face-to-face session has expired", ["input", "sessionId"]);
    const cap = ctx.policy.codeJoinCapacity(CodeType.FACE_TO_FACE);
    if (!session.groupId) {
      const { group, owner } = await this.creation.forFaceToFace(ctx, em, { ownerId: userId, digits: session.digits, sessionId: session.rowId, capacity: cap });
      session.groupId = group.rowId;
      await em.update(FaceToFaceSession, { rowId: session.rowId }, { groupId: group.rowId });
      return { group, member: owner };
    }
    const group = await lockGroupRow(ctx, em, session.groupId, ["input", "sessionId"]);
    if (group.status === GroupStatus.DISSOLVED) throw new DomainError(ErrorCode.GROUP_DISSOLVED, "The group has been dissolved");
    const existing = await findMember(em, group.rowId, userId);
    if (existing) return { group, member: existing };
    const gate = await joinGate(ctx, em, group, userId, { kind: JoinSourceKind.FACE_TO_FACE }, ["input", "sessionId"]);
    if (!gate.admit) return { group, member: null, joinRequest: gate.request };
    const { admitted } = await admitMembers(this.groupLog, em, group, [{ userId, source: { kind: JoinSourceKind.FACE_TO_FACE } }], cap, now, { knownAbsent: true });
    return { group, member: admitted[0] };
  }

  /** More than the allowed entries in a window is guessing: refused, with a risk event that survives the refusal. */
  private async assertNotGuessing(ctx: RequestContext, em: EntityManager, userId: string, now: number): Promise<void> {
    const recent = await em
      .createQueryBuilder(FaceToFaceAttempt, "a")
      .where("a.userId = :userId AND a.createdAt > :since", { userId, since: now - FACE_TO_FACE_WINDOW_MS })
      .getCount();
    if (recent >= FACE_TO_FACE_ATTEMPTS_PER_WINDOW) {
      const tenantId = ctx.tenantId;
      throw new DomainError(ErrorCode.RATE_LIMITED, "Too many face-to-face attempts; try again in a few minutes").recording((tx) =>
        this.risk.recordOnce(tx, { tenantId, kind: RiskEventKind.FACE_TO_FACE_ABUSE, userId, detail: `more than ${recent} face-to-face entries within 10 minutes` }, now, FACE_TO_FACE_WINDOW_MS),
      );
    }
  }
}
