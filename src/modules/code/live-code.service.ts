import { LIST_BOUNDS } from "../../policy/cost";
import { type EntityManager, In } from "typeorm";
import { z } from "zod";
import { DomainError, DomainErrors, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import { displayText, parseInput, truncateText } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { forUpdate, keysetPage } from "../../db/query";
import { CodeType } from "../../policy/limits";
import { lockGroupRow } from "../group/access";
import type { GroupCreation } from "../group/group-creation";
import type { GroupLog } from "../group/group-log";
import { Group } from "../group/group.entity";
import { GroupStatus, JoinSourceKind, MemberRole } from "../group/group.enums";
import { Member } from "../group/member.entity";
import { admitMembers, groupFull } from "../group/membership";
import { banned, joinGate } from "../group/join-gate";
import type { Welcome } from "../group/welcome";
import { JoinRequest } from "../group/join-request.entity";
import type { JoinRequestService } from "../group/join-request.service";
import type { ModerationService } from "../moderation/moderation.service";
import { LiveCodeStatus } from "./code.enums";
import { LiveCode, LiveCodeGroup } from "./code.entities";
import type { CreateLiveCodeInput, LiveCodeStats, UpdateLiveCodeInput } from "./code.types";
import { campaignState } from "./group-code.service";
import { isWellFormedToken, newCodeToken } from "./links";
import { addTags, tagList } from "../user/tags";

const welcome = z
  .string()
  .transform((s) => s.normalize("NFC").trim())
  .refine((s) => [...s].length <= 500, "must be at most 500 characters")
  .nullish();

const fields = {
  groupIds: z.array(z.string().max(200)).min(1, "must name at least one group").max(1000, "at most 1000 groups"),
  perGroupCap: z.number().int().min(2, "must be at least 2").nullish(),
  autoCreateGroups: z.boolean().nullish(),
  baseName: displayText(80).nullish(),
  expiresAt: z.date().nullish(),
  welcomeMessage: welcome,
  state: campaignState(),
  tags: tagList().nullish(),
};
export interface LiveCodePreview {
  name: string;
  status: LiveCodeStatus;
  expiresAt: number | null;
  joinable: boolean;
  /** The ErrorCode a join would be refused with now, or null. */
  refusal: ErrorCode | null;
}

const createSchema = z.object({ name: displayText(100), ...fields });
const updateSchema = z.object({ liveCodeId: z.string(), name: displayText(100).nullish(), enabled: z.boolean().nullish(), ...fields, groupIds: fields.groupIds.nullish() });

/** A live code's welcome message (posted on every join through it, instead of the group's own); null when it has none. */
function codeWelcome(code: LiveCode): Welcome | null {
  return code.welcomeMessage ? { template: code.welcomeMessage, data: { liveCode: code.rowId } } : null;
}

export function liveCodeStatus(code: LiveCode, now: number): LiveCodeStatus {
  if (code.storedStatus === LiveCodeStatus.DISABLED) return LiveCodeStatus.DISABLED;
  return code.expiresAt !== null && code.expiresAt <= now ? LiveCodeStatus.EXPIRED : LiveCodeStatus.ACTIVE;
}

/**
 * Enterprise live codes: one link that fills its groups in order, each up to `perGroupCap`, and
 * opens a new group when all are full. Every join through a code takes the code's row lock first,
 * so routing decisions are made one at a time and no group passes the cap.
 */
export class LiveCodeService {
  constructor(
    private readonly db: Database,
    private readonly moderation: ModerationService,
    private readonly creation: GroupCreation,
    private readonly groupLog: GroupLog,
    joinRequests: JoinRequestService,
  ) {
    // A join request made through a live code is held, at approval, to the code's per-group cap,
    // and an approved join counts as a join through the code, welcome message included.
    joinRequests.registerSource(JoinSourceKind.LIVE_CODE, {
      capacity: async (ctx, em, request) => {
        const code = request.liveCodeId ? await em.findOneBy(LiveCode, { rowId: request.liveCodeId }) : null;
        return code ? ctx.policy.liveCodeCapacity(code.perGroupCap) : ctx.policy.codeJoinCapacity(CodeType.LIVE);
      },
      welcome: async (_ctx, em, request) => {
        const code = request.liveCodeId ? await em.findOneBy(LiveCode, { rowId: request.liveCodeId }) : null;
        return code ? codeWelcome(code) : null;
      },
      admitted: async (ctx, em, _group, member, request) => {
        const code = request.liveCodeId ? await em.findOneBy(LiveCode, { rowId: request.liveCodeId }) : null;
        if (code) await this.afterJoin(em, ctx.tenantId, code, member.userId, ctx.now());
      },
    });
  }

  async create(ctx: RequestContext, em: EntityManager, input: CreateLiveCodeInput): Promise<{ liveCode: LiveCode }> {
    const creatorId = ctx.requireUser("Live codes are created by a user, who owns the groups they open");
    ctx.policy.requireFeature("liveCodes");
    const data = parseInput(createSchema, input);
    const perGroupCap = this.perGroupCap(ctx, data.perGroupCap);
    const groupIds = await this.managedGroups(ctx, em, data.groupIds, creatorId);
    await this.screen(ctx, em, { name: data.name, baseName: data.baseName, welcomeMessage: data.welcomeMessage });
    const now = ctx.now();
    this.assertFuture(data.expiresAt, now);
    const liveCode = em.create(LiveCode, {
      rowId: newId(),
      tenantId: ctx.tenantId,
      name: data.name,
      token: newCodeToken(),
      perGroupCap,
      autoCreateGroups: data.autoCreateGroups ?? false,
      baseName: data.baseName ?? null,
      expiresAt: data.expiresAt ? data.expiresAt.getTime() : null,
      welcomeMessage: data.welcomeMessage || null,
      state: data.state || null,
      tagList: data.tags?.length ? data.tags : null,
      storedStatus: LiveCodeStatus.ACTIVE,
      createdBy: creatorId,
      joinCount: 0,
      groupsCreated: 0,
      createdAt: now,
      updatedAt: now,
    });
    await em.insert(LiveCode, liveCode);
    await this.setGroups(em, liveCode.rowId, groupIds, now);
    return { liveCode };
  }

  /** The creator or the tenant operator changes a code; its token (and so its printed QR) stays. */
  async update(ctx: RequestContext, em: EntityManager, input: UpdateLiveCodeInput): Promise<{ liveCode: LiveCode }> {
    const data = parseInput(updateSchema, input);
    const liveCode = await this.lockCode(ctx, em, data.liveCodeId);
    if (ctx.principal.kind === "USER" && liveCode.createdBy !== ctx.userId) throw notFound("Live code", ["input", "liveCodeId"]);
    const now = ctx.now();
    const changes: Partial<LiveCode> = { updatedAt: now };
    if (data.name) changes.name = data.name;
    if (data.perGroupCap != null) changes.perGroupCap = this.perGroupCap(ctx, data.perGroupCap);
    if (data.autoCreateGroups != null) changes.autoCreateGroups = data.autoCreateGroups;
    if (data.baseName !== undefined) changes.baseName = data.baseName ?? null;
    if (data.expiresAt !== undefined) {
      this.assertFuture(data.expiresAt, now);
      changes.expiresAt = data.expiresAt ? data.expiresAt.getTime() : null;
    }
    if (data.welcomeMessage !== undefined) changes.welcomeMessage = data.welcomeMessage || null;
    if (data.state !== undefined) changes.state = data.state || null;
    if (data.tags !== undefined) changes.tagList = data.tags?.length ? data.tags : null;
    if (data.enabled != null) changes.storedStatus = data.enabled ? LiveCodeStatus.ACTIVE : LiveCodeStatus.DISABLED;
    await this.screen(ctx, em, { name: changes.name, baseName: changes.baseName, welcomeMessage: changes.welcomeMessage });
    if (data.groupIds) {
      const current = new Set((await em.findBy(LiveCodeGroup, { liveCodeId: liveCode.rowId })).map((g) => g.groupId));
      const groupIds = await this.managedGroups(ctx, em, data.groupIds, ctx.userId, current);
      await em.delete(LiveCodeGroup, { liveCodeId: liveCode.rowId });
      await this.setGroups(em, liveCode.rowId, groupIds, now);
    }
    await em.update(LiveCode, { rowId: liveCode.rowId }, changes);
    return { liveCode: Object.assign(liveCode, changes) };
  }

  /**
   * What scanning the code shows before joining: its name, status, and whether a join would be
   * admitted now — or the ErrorCode it would be refused with (the same checks as `join`, read-only).
   */
  async preview(ctx: RequestContext, em: EntityManager, token: string): Promise<LiveCodePreview | null> {
    const code = isWellFormedToken(token) ? await em.findOneBy(LiveCode, { token, tenantId: ctx.tenantId }) : null;
    if (!code) return null;
    const now = ctx.now();
    const status = liveCodeStatus(code, now);
    const refusal = await this.previewRefusal(ctx, em, code, status);
    return { name: code.name, status, expiresAt: code.expiresAt, joinable: refusal === null, refusal };
  }

  private async previewRefusal(ctx: RequestContext, em: EntityManager, code: LiveCode, status: LiveCodeStatus): Promise<ErrorCode | null> {
    if (status === LiveCodeStatus.DISABLED) return ErrorCode.CODE_REVOKED;
    if (status === LiveCodeStatus.EXPIRED) return ErrorCode.CODE_EXPIRED;
    if (!ctx.policy.allows("liveCodes")) return ErrorCode.FEATURE_NOT_IN_PLAN;
    if (code.autoCreateGroups) return null;
    const cap = ctx.policy.liveCodeCapacity(code.perGroupCap);
    if ((await this.openGroups(em, code, cap, ctx.userId).getCount()) > 0) return null;
    // Nothing open to the viewer: BANNED when a group would still take someone they are not.
    return ctx.userId && (await this.openGroups(em, code, cap, null).getCount()) > 0 ? ErrorCode.BANNED : ErrorCode.GROUP_FULL;
  }

  /**
   * The code's groups that are active and below the cap, in routing order; with `userId`, only
   * those that have not banned that user (a live code skips them and places the joiner elsewhere).
   */
  private openGroups(em: EntityManager, code: LiveCode, cap: number, userId: string | null) {
    const qb = em
      .createQueryBuilder(Group, "g")
      .innerJoin(LiveCodeGroup, "l", "l.groupId = g.rowId")
      .where("l.liveCodeId = :codeId AND g.status = :active AND g.memberCount < :cap", { codeId: code.rowId, active: GroupStatus.ACTIVE, cap });
    if (userId) qb.andWhere(`NOT EXISTS (SELECT 1 FROM group_bans b WHERE b.group_id = g.id AND b.user_id = :userId)`, { userId });
    return qb.orderBy("l.position", "ASC");
  }

  /** Routes the caller to the first listed group below the cap, opening a new one when allowed. */
  async join(ctx: RequestContext, em: EntityManager, token: string): Promise<{ group: Group; member: Member | null; joinRequest?: JoinRequest }> {
    const userId = ctx.requireUser("Codes are joined with a user token");
    const found = isWellFormedToken(token) ? await em.findOneBy(LiveCode, { token, tenantId: ctx.tenantId }) : null;
    if (!found) throw notFound("Code", ["input", "token"]);
    const code = (await forUpdate(em.createQueryBuilder(LiveCode, "c")).where("c.rowId = :rowId", { rowId: found.rowId }).getOne())!;
    const now = ctx.now();
    const status = liveCodeStatus(code, now);
    if (status === LiveCodeStatus.DISABLED) throw new DomainError(ErrorCode.CODE_REVOKED, "The code has been switched off", ["input", "token"]);
    if (status === LiveCodeStatus.EXPIRED) throw new DomainError(ErrorCode.CODE_EXPIRED, "The code has expired", ["input", "token"]);
    ctx.policy.requireFeature("liveCodes");

    const already = await em
      .createQueryBuilder(Member, "m")
      .innerJoin(LiveCodeGroup, "l", "l.groupId = m.groupId")
      .where("l.liveCodeId = :codeId AND m.userId = :userId", { codeId: code.rowId, userId })
      .orderBy("l.position", "ASC")
      .getOne();
    if (already) return { group: (await lockGroupRow(ctx, em, already.groupId))!, member: already };
    // Asking again while a join request to one of the code's groups is pending returns it.
    const pending = await em
      .createQueryBuilder(JoinRequest, "r")
      .innerJoin(LiveCodeGroup, "l", "l.groupId = r.groupId")
      .where("l.liveCodeId = :codeId AND r.openKey = :userId AND r.expiresAt > :now", { codeId: code.rowId, userId, now })
      .orderBy("l.position", "ASC")
      .getOne();
    if (pending) return { group: (await lockGroupRow(ctx, em, pending.groupId))!, member: null, joinRequest: pending };

    const cap = ctx.policy.liveCodeCapacity(code.perGroupCap);
    const group = (await this.nextOpenGroup(ctx, em, code, cap, userId)) ?? (code.autoCreateGroups ? await this.openGroup(ctx, em, code, cap, now) : null);
    if (!group) {
      if ((await this.openGroups(em, code, cap, null).getCount()) > 0) throw banned(["input", "token"]);
      throw groupFull(cap);
    }
    const source = { kind: JoinSourceKind.LIVE_CODE, liveCodeId: code.rowId, state: code.state };
    const gate = await joinGate(ctx, em, group, userId, source, ["input", "token"]);
    if (!gate.admit) return { group, member: null, joinRequest: gate.request };
    const { admitted } = await admitMembers(this.groupLog, em, group, [{ userId, source }], cap, now, { welcome: codeWelcome(code) });
    await this.afterJoin(em, ctx.tenantId, code, userId, now);
    return { group, member: admitted[0] };
  }

  /** Every join through a code (directly, or by an approved request) is counted on it, and tags the joiner with the code's tags, in the join's transaction. */
  private async afterJoin(em: EntityManager, tenantId: string, code: LiveCode, userId: string, now: number): Promise<void> {
    await em.createQueryBuilder().update(LiveCode).set({ joinCount: () => "join_count + 1" }).where("id = :id", { id: code.rowId }).execute();
    if (code.tagList?.length) await addTags(em, tenantId, userId, code.tagList, now);
  }

  /** The first group of the code, in order, that is active, below the cap and has not banned the joiner — locked. */
  private async nextOpenGroup(ctx: RequestContext, em: EntityManager, code: LiveCode, cap: number, userId: string): Promise<Group | null> {
    const skipped: string[] = [];
    for (;;) {
      const qb = this.openGroups(em, code, cap, userId).limit(1);
      if (skipped.length) qb.andWhere("g.rowId NOT IN (:...skipped)", { skipped });
      const candidate = await qb.getOne();
      if (!candidate) return null;
      // Other paths (invitations, group codes) may have filled it since: re-check under its lock.
      const group = await lockGroupRow(ctx, em, candidate.rowId);
      if (group.status === GroupStatus.ACTIVE && group.memberCount < cap) return group;
      skipped.push(group.rowId);
    }
  }

  /**
   * Opens "<baseName> <n>" through the creation door (group-creation.ts, path liveCode): owned by the
   * code's creator, with the admins of the code's first group as admins and that group's category,
   * and appends it to the code.
   */
  private async openGroup(ctx: RequestContext, em: EntityManager, code: LiveCode, cap: number, now: number): Promise<Group> {
    const links = await em.find(LiveCodeGroup, { where: { liveCodeId: code.rowId }, order: { position: "ASC" } });
    const first = links.length ? await em.findOneBy(Group, { rowId: links[0].groupId }) : null;
    const admins = first
      ? (await em.find(Member, { where: { groupId: first.rowId, role: MemberRole.ADMIN }, order: { joinSeq: "ASC" } })).filter((m) => m.userId !== code.createdBy)
      : [];
    const group = await this.creation.forLiveCode(ctx, em, {
      ownerId: code.createdBy,
      name: truncateText(`${code.baseName ?? code.name} ${links.length + 1}`, 100),
      category: first?.category,
      minorProtection: first?.minorProtection,
      liveCodeId: code.rowId,
      adminIds: admins.map((a) => a.userId),
      capacity: cap,
    });
    await em.insert(LiveCodeGroup, { liveCodeId: code.rowId, groupId: group.rowId, position: (links.at(-1)?.position ?? 0) + 1, addedAt: now });
    await em.createQueryBuilder().update(LiveCode).set({ groupsCreated: () => "groups_created + 1" }).where("id = :id", { id: code.rowId }).execute();
    return group;
  }

  /** The code's groups in routing order (the first `limit`). */
  async groupsOf(liveCodeId: string, limit?: number): Promise<Group[]> {
    return this.db.read((em) =>
      em
        .createQueryBuilder(Group, "g")
        .innerJoin(LiveCodeGroup, "l", "l.groupId = g.rowId")
        .where("l.liveCodeId = :liveCodeId", { liveCodeId })
        .orderBy("l.position", "ASC")
        .limit(limit)
        .getMany(),
    );
  }

  /** Joins through the code, per group; FEATURE_NOT_IN_PLAN unless the plan has stats. */
  async stats(ctx: RequestContext, code: LiveCode): Promise<LiveCodeStats> {
    ctx.policy.requireFeature("stats");
    const groups = await this.groupsOf(code.rowId, LIST_BOUNDS.liveCodeGroups);
    const counts = await this.db.read((em) =>
      em
        .createQueryBuilder(Member, "m")
        .select("m.groupId", "groupId")
        .addSelect("COUNT(*)", "joins")
        .where("m.liveCodeId = :id", { id: code.rowId })
        .groupBy("m.groupId")
        .getRawMany<{ groupId: string; joins: string | number }>(),
    );
    const byGroup = new Map(counts.map((c) => [c.groupId, Number(c.joins)]));
    return {
      joins: code.joinCount,
      groupsCreated: code.groupsCreated,
      byGroup: groups.map((group) => ({ group, joins: byGroup.get(group.rowId) ?? 0 })),
    };
  }

  /** The tenant's live codes (a user sees the ones they created), newest first. */
  async list(ctx: RequestContext, page: PageRequest): Promise<ConnectionShape<LiveCode>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(LiveCode, "c").where("c.tenantId = :tenantId", { tenantId: ctx.tenantId });
      if (ctx.userId) qb.andWhere("c.createdBy = :userId", { userId: ctx.userId });
      return qb;
    };
    const rows = await this.db.read((em) => keysetPage(scope(em), "c.createdAt", "c.rowId", page, "DESC").getMany());
    return toConnection(rows, page, (c) => ({ key: c.createdAt, id: c.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }

  private perGroupCap(ctx: RequestContext, requested: number | null | undefined): number {
    const max = ctx.policy.liveCodePerGroupCapMax();
    const cap = requested ?? max;
    if (cap > max) throw new DomainError(ErrorCode.INVALID_INPUT, `perGroupCap may be at most ${max} on this plan`, ["input", "perGroupCap"]);
    return cap;
  }

  private assertFuture(expiresAt: Date | null | undefined, now: number): void {
    if (expiresAt && expiresAt.getTime() <= now) throw new DomainError(ErrorCode.INVALID_INPUT, "expiresAt must be in the future", ["input", "expiresAt"]);
  }

  private async screen(ctx: RequestContext, em: EntityManager, texts: Record<string, string | null | undefined>): Promise<void> {
    for (const [field, text] of Object.entries(texts)) {
      if (text) await this.moderation.screen(ctx, em, text, ["input", field]);
    }
  }

  /**
   * Resolves the listed groups: each must be a live group of the tenant that the caller owns or
   * administers (groups already on the code may stay when the tenant operator edits it).
   */
  private async managedGroups(ctx: RequestContext, em: EntityManager, globalIds: string[], userId: string | null, keep = new Set<string>()): Promise<string[]> {
    const problems: DomainError[] = [];
    const ids: string[] = [];
    globalIds.forEach((globalId, index) => {
      const rowId = rowIdOf(globalId, "Group");
      if (!rowId) problems.push(notFound("Group", ["input", "groupIds", String(index)]));
      else if (!ids.includes(rowId)) ids.push(rowId);
    });
    if (problems.length) throw new DomainErrors(problems);
    const groups = new Map((await em.findBy(Group, { tenantId: ctx.tenantId, rowId: In(ids) })).map((g) => [g.rowId, g]));
    const roles = userId ? new Map((await em.findBy(Member, { userId, groupId: In(ids) })).map((m) => [m.groupId, m.role])) : new Map();
    ids.forEach((id) => {
      const index = String(globalIds.findIndex((g) => rowIdOf(g, "Group") === id));
      const group = groups.get(id);
      const role = roles.get(id);
      if (!group || (userId && !role && !keep.has(id))) problems.push(notFound("Group", ["input", "groupIds", index]));
      else if (group.status === GroupStatus.DISSOLVED) problems.push(new DomainError(ErrorCode.GROUP_DISSOLVED, "The group has been dissolved", ["input", "groupIds", index]));
      else if (!ctx.policy.allowsLiveCodeFor(group)) {
        problems.push(new DomainError(ErrorCode.COMPLIANCE_REQUIRED, "Groups that protect minors (EDUCATION) accept no live codes", ["input", "groupIds", index]));
      }
      else if (userId && role === MemberRole.MEMBER && !keep.has(id)) {
        problems.push(new DomainError(ErrorCode.NOT_PERMITTED, "Only owners and admins can put a group behind a live code", ["input", "groupIds", index]));
      }
    });
    if (problems.length) throw new DomainErrors(problems);
    return ids;
  }

  private async setGroups(em: EntityManager, liveCodeId: string, groupIds: string[], now: number): Promise<void> {
    const rows = groupIds.map((groupId, i) => ({ liveCodeId, groupId, position: i + 1, addedAt: now }));
    for (let i = 0; i < rows.length; i += 200) await em.insert(LiveCodeGroup, rows.slice(i, i + 200));
  }

  private async lockCode(ctx: RequestContext, em: EntityManager, globalId: string): Promise<LiveCode> {
    const rowId = rowIdOf(globalId, "LiveCode");
    const code = rowId
      ? await forUpdate(em.createQueryBuilder(LiveCode, "c")).where("c.rowId = :rowId AND c.tenantId = :tenantId", { rowId, tenantId: ctx.tenantId }).getOne()
      : null;
    if (!code) throw notFound("Live code", ["input", "liveCodeId"]);
    return code;
  }
}
