import type { EntityManager } from "typeorm";
import { z } from "zod";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { Combiner } from "../../common/combiner";
import { rowIdOf } from "../../common/global-id";
import { newId } from "../../common/ids";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { deferWrite, holdingRowLock, type Read, readTogether } from "../../db/database";
import { findOneRead, findOneRow } from "../../db/query";
import { CodeType } from "../../policy/limits";
import type { TenantPolicy } from "../../policy/policy";
import { actorOn, assertAcceptsMembers, assertNotDissolved, findMember, lockedGroup, lockGroup, lockGroupRead, lockGroupRow, requireRole } from "../group/access";
import { Group } from "../group/group.entity";
import { GroupStatus, JoinSourceKind } from "../group/group.enums";
import type { Member } from "../group/member.entity";
import { admitMembers } from "../group/membership";
import { banned, isBanned, joinApprovalOn, joinGate, notBanned } from "../group/join-gate";
import type { JoinRequest } from "../group/join-request.entity";
import type { JoinRequestService } from "../group/join-request.service";
import { CodeStatus, GroupCodeType } from "./code.enums";
import { GroupCode } from "./code.entities";
import type { CreateGroupCodeInput, GroupCodePreview } from "./code.types";
import { isWellFormedToken, newCodeToken } from "./links";
import { groupById } from "../group/group.loaders";
import type { GroupLog } from "../group/group-log";

export const campaignState = () =>
  z
    .string()
    .trim()
    .max(30, "must be at most 30 characters")
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters")
    .nullish();

const createSchema = z.object({
  groupId: z.string(),
  type: z.enum(GroupCodeType),
  ttlSeconds: z.number().int().nullish(),
  maxUses: z.number().int().min(1).max(100_000).nullish(),
  state: campaignState(),
});

/** The status a client sees, by the server's clock. */
export function groupCodeStatus(code: GroupCode, now: number): CodeStatus {
  if (code.revokedAt !== null) return CodeStatus.REVOKED;
  if (code.expiresAt !== null && code.expiresAt <= now) return CodeStatus.EXPIRED;
  if (code.maxUses !== null && code.uses >= code.maxUses) return CodeStatus.EXHAUSTED;
  return CodeStatus.ACTIVE;
}

/** The plan's name for a group code's type. */
const planCodeType = (type: GroupCodeType): CodeType => CodeType[type];

/** The refusal for a code that is not ACTIVE. */
export function statusRefusal(status: Exclude<CodeStatus, CodeStatus.ACTIVE>): DomainError {
  switch (status) {
    case CodeStatus.REVOKED:
      return new DomainError(ErrorCode.CODE_REVOKED, "The code has been revoked", ["input", "token"]);
    case CodeStatus.EXPIRED:
      return new DomainError(ErrorCode.CODE_EXPIRED, "The code has expired", ["input", "token"]);
    case CodeStatus.EXHAUSTED:
      return new DomainError(ErrorCode.CODE_EXHAUSTED, "The code has been used up", ["input", "token"]);
  }
}

/** Why a join through this code would be refused now (null: it would be admitted). */
export function codeRefusal(policy: TenantPolicy, code: GroupCode, group: Group, now: number): DomainError | null {
  const status = groupCodeStatus(code, now);
  if (status !== CodeStatus.ACTIVE) return statusRefusal(status);
  try {
    assertAcceptsMembers(group);
  } catch (error) {
    return error as DomainError;
  }
  if (!policy.allowsCodeType(planCodeType(code.type))) {
    return new DomainError(ErrorCode.CODE_TYPE_NOT_ALLOWED, `The plan no longer allows ${code.type} codes`, ["input", "token"]);
  }
  const cap = policy.codeJoinCapacity(planCodeType(code.type));
  if (group.memberCount >= cap) return new DomainError(ErrorCode.GROUP_FULL, `Codes join this group only while it has fewer than ${cap} members`);
  return null;
}

/** Most codes whose group joinTogether remembers (it forgets them all when full: one more read each). */
const CODE_GROUPS_KEPT = 10_000;

/** A code join waiting to be combined with others into the same group (see joinCombined). */
interface CodeJoin {
  ctx: RequestContext;
  token: string;
  userId: string;
}

type Joined = { group: Group; member: Member };

/** A combined batch found the group row other than it foresaw (see joinTogether): it runs again, reading the row under its lock. */
class ForeseenGroupChanged extends Error {
  constructor() {
    super("the group changed since the batch foresaw it");
  }
}

/** The group as a combined batch left it once its transaction committed (null: unknown), for the batch after it to build on (see joinTogether). */
class BatchOutcome {
  /** The group, once the batch knows it (and has registered this outcome as the group's latest). */
  groupId: string | null = null;
  settle: (group: Group | null) => void = () => {};
  readonly promise = new Promise<Group | null>((resolve) => (this.settle = resolve));
}

/**
 * How long a batch waits for the one before it on the same group before it goes on without it
 * (on its own read, which its guarded UPDATE then checks). The wait holds a pooled connection;
 * the bound keeps batches that each hold one while the batches before them wait for one from
 * deadlocking the pool.
 */
const BEFORE_WAIT_MS = 5_000;

/** `promise`'s value, or null when it has not settled within `ms`. */
async function settledWithin<T>(promise: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Which of `userIds` are members of the group already, and which are banned from it: one statement
 * (MySQL; the combined join path, see joinTogether), as a Read to go with the batch's other reads.
 */
function presentAndBannedRead(groupId: string, userIds: string[]): Read<{ members: Set<string>; bans: Set<string> }> {
  return {
    sql: "SELECT 'm' AS kind, user_id FROM group_members WHERE group_id = ? AND user_id IN (?) UNION ALL SELECT 'b' AS kind, user_id FROM group_bans WHERE group_id = ? AND user_id IN (?)",
    params: [groupId, userIds, groupId, userIds],
    take(rows) {
      const members = new Set<string>();
      const bans = new Set<string>();
      for (const row of rows) (row.kind === "m" ? members : bans).add(row.user_id as string);
      return { members, bans };
    },
  };
}

/**
 * Counts one use of the code per joiner in one conditional UPDATE, deferred (db/database.ts
 * deferWrite) to go to the server with the join's other writes: the code is not revoked, expired or
 * short of uses for all of them, and none of them is banned; else the transaction fails with
 * `refusal()`.
 */
async function countUses(em: EntityManager, code: GroupCode, userIds: string[], now: number, refusal: () => Error | Promise<Error>): Promise<void> {
  const k = userIds.length;
  const [unbanned, unbannedParams] = notBanned(code.groupId, userIds);
  // Plain SQL for both engines (TypeORM's update builder cost ≈ 1 % of a join's CPU on the join benchmark).
  const sql = `UPDATE group_codes SET uses = uses + ${k} WHERE id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) AND (max_uses IS NULL OR uses + ${k} <= max_uses) AND ${unbanned}`;
  await deferWrite(em, [sql, [code.rowId, now, ...unbannedParams]], { rows: 1, refusal });
}

/** Group QR codes: permanent, temporary, use-limited and revocable links into one group. */
export class GroupCodeService {
  /** Concurrent joins through one code, combined per tenant and token (see joinCombined); /metrics observes its batches. */
  readonly combiner = new Combiner<CodeJoin, Joined>((_key, joins) => this.joinTogether(joins), 64, 2);
  /** The group of each code joined combined, by the combiner's key (tenant and token): a code's group never changes. */
  private readonly codeGroups = new Map<string, string>();
  /** The latest combined batch on each group on this instance: the group as it leaves it once committed, for the next to build on (see joinTogether). */
  private readonly groupStates = new Map<string, Promise<Group | null>>();
  private readonly foresightObservers: Array<(foreseen: boolean) => void> = [];

  constructor(
    private readonly groupLog: GroupLog,
    joinRequests: JoinRequestService,
  ) {
    // A join request made through a code is held, at approval, to the capacity of that code's type.
    joinRequests.registerSource(JoinSourceKind.GROUP_CODE, {
      capacity: async (ctx, em, request) => {
        const code = request.codeId ? await em.findOneBy(GroupCode, { rowId: request.codeId }) : null;
        return code ? ctx.policy.codeJoinCapacity(planCodeType(code.type)) : ctx.policy.groupCapacity();
      },
    });
  }

  /** Owners and admins make codes of the types their plan allows. */
  async createCode(ctx: RequestContext, em: EntityManager, input: CreateGroupCodeInput): Promise<{ code: GroupCode }> {
    const data = parseInput(createSchema, input);
    const group = await lockGroup(ctx, em, data.groupId);
    assertNotDissolved(group);
    const actor = await actorOn(ctx, em, group);
    if (actor.kind === "MEMBER") requireRole(actor.member, "create group codes");
    assertAcceptsMembers(group);
    const policy = ctx.policy;
    if (!policy.allowsCodeType(planCodeType(data.type))) {
      throw new DomainError(ErrorCode.CODE_TYPE_NOT_ALLOWED, `This plan does not allow ${data.type} codes`, ["input", "type"]);
    }
    if (data.type === GroupCodeType.PERMANENT && !policy.permanentCodeRefreshable() && (await em.existsBy(GroupCode, { groupId: group.rowId, type: GroupCodeType.PERMANENT }))) {
      throw new DomainError(ErrorCode.NOT_PERMITTED, "On this plan a group keeps the permanent code it was created with; it cannot be replaced", ["input", "type"]);
    }
    const now = ctx.now();
    let expiresAt: number | null = null;
    if (data.type === GroupCodeType.TEMPORARY) {
      const ttl = policy.temporaryCodeTtl(data.ttlSeconds);
      if (!ttl.ok) {
        const range = ttl.min === ttl.max ? `exactly ${ttl.min}` : `${ttl.min}…${ttl.max}`;
        throw new DomainError(ErrorCode.INVALID_INPUT, `ttlSeconds must be ${range} on this plan`, ["input", "ttlSeconds"]);
      }
      expiresAt = now + ttl.seconds * 1000;
    } else if (data.ttlSeconds != null) {
      throw new DomainError(ErrorCode.INVALID_INPUT, "Permanent codes do not expire: leave ttlSeconds out", ["input", "ttlSeconds"]);
    }
    const code = em.create(GroupCode, {
      rowId: newId(),
      tenantId: group.tenantId,
      groupId: group.rowId,
      type: data.type,
      token: newCodeToken(),
      state: data.state || null,
      maxUses: data.maxUses ?? null,
      uses: 0,
      expiresAt,
      revokedAt: null,
      createdBy: ctx.userId,
      createdAt: now,
    });
    await em.insert(GroupCode, code);
    return { code };
  }

  /** Owners, admins and the tenant operator revoke a code; revoking twice is harmless. A fixed permanent code (permanentCodeRefreshable false) is never revoked. */
  async revokeCode(ctx: RequestContext, em: EntityManager, codeGlobalId: string): Promise<{ code: GroupCode }> {
    const rowId = rowIdOf(codeGlobalId, "GroupCode");
    const found = rowId ? await em.findOneBy(GroupCode, { rowId, tenantId: ctx.tenantId }) : null;
    if (!found) throw notFound("Group code", ["input", "codeId"]);
    const group = await lockGroupRow(ctx, em, found.groupId, ["input", "codeId"]);
    const actor = await actorOn(ctx, em, group, ["input", "codeId"]);
    if (actor.kind === "MEMBER") requireRole(actor.member, "revoke group codes");
    if (found.type === GroupCodeType.PERMANENT && !ctx.policy.permanentCodeRefreshable()) {
      throw new DomainError(ErrorCode.NOT_PERMITTED, "On this plan a group's permanent code cannot be revoked", ["input", "codeId"]);
    }
    if (found.revokedAt === null) {
      found.revokedAt = ctx.now();
      await em.update(GroupCode, { rowId: found.rowId }, { revokedAt: found.revokedAt });
    }
    return { code: found };
  }

  /**
   * Joins the code's group. Someone already in it gets their membership back unchanged. Otherwise
   * the group's row lock is held for as few statements as possible: what needs no lock is read and
   * checked before it (the code, the membership, the code's status by the clock, the tenant's webhook
   * endpoints); under it group state, plan and capacity are checked in memory, then one conditional
   * UPDATE counts the use — so a code with maxUses N admits exactly N people — and is also the last
   * check (code not revoked, expired or used up meanwhile, joiner not banned), and the seat is taken.
   * Two joins by the same person racing each other meet at the member row's primary key; the loser's
   * transaction is re-run and finds the membership.
   */
  async join(ctx: RequestContext, em: EntityManager, token: string): Promise<{ group: Group; member: Member | null; joinRequest?: JoinRequest }> {
    const userId = ctx.requireUser("Codes are joined with a user token");
    const code = await this.findByToken(em, ctx.tenantId, token);
    const existing = await findMember(em, code.groupId, userId);
    if (existing) return { group: (await em.findOneBy(Group, { rowId: code.groupId }))!, member: existing };
    const now = ctx.now();
    const status = groupCodeStatus(code, now);
    if (status !== CodeStatus.ACTIVE) throw statusRefusal(status);
    await this.groupLog.prepare(em, ctx.tenantId);
    const group = await lockGroupRow(ctx, em, code.groupId, ["input", "token"]);
    const refusal = codeRefusal(ctx.policy, code, group, now);
    if (refusal) throw refusal;
    const source = { kind: JoinSourceKind.GROUP_CODE, codeId: code.rowId, state: code.state };
    const gate = await joinGate(ctx, em, group, userId, source, ["input", "token"], { banCheckedInWrite: true });
    // Asking again while a request is pending returns it, and uses the code no further.
    if (!gate.admit && !gate.created) return { group, member: null, joinRequest: gate.request };
    await this.countUse(em, code, userId, now);
    if (!gate.admit) return { group, member: null, joinRequest: gate.request };
    const { admitted } = await admitMembers(
      this.groupLog,
      em,
      group,
      [{ userId, source }],
      ctx.policy.codeJoinCapacity(planCodeType(code.type)),
      now,
      { knownAbsent: true },
    );
    return { group, member: admitted[0] };
  }

  /**
   * Joins the code's group together with the other joins through the same code that arrive
   * meanwhile (a QR code on a poster is scanned by many people at once, all queueing on the group's
   * row lock): one transaction, one lock, one round trip of writes and one COMMIT admit them all
   * (see common/combiner.ts and joinTogether). Nothing is read per join: the code, who of the batch
   * is a member already and who is banned are read once for the batch, inside its transaction.
   * Returns null when this join is not for combining (a caller who is no user, a token that cannot
   * be one) or the combined transaction did not admit it (code not found or not active, already a
   * member, banned, …): the caller then runs `join`, the ordinary path, which gives the answer (a
   * refusal, a join request, the membership) exactly as without combining. MySQL/MariaDB only:
   * embedded SQLite runs one transaction at a time anyway.
   */
  async joinCombined(ctx: RequestContext, token: string): Promise<Joined | null> {
    const userId = ctx.userId;
    if (ctx.db.engine !== "mysql" || !userId || !isWellFormedToken(token)) return null;
    return this.combiner.submit(`${ctx.tenantId} ${token}`, { ctx, token, userId });
  }

  /**
   * Admits a batch of joins through one code in one transaction, with the checks `join` makes.
   * The code, the batch's members and bans and the tenant's webhook endpoints are read for the
   * whole batch in one round trip (readTogether), so that a member, a banned joiner or a code's last
   * uses leave the batch instead of failing it; then the code's refusal (status by the clock, group
   * state, plan, cap) is checked in memory, the uses are counted by one conditional UPDATE (revoked,
   * expired, used up or a ban meanwhile: it refuses, the whole batch rolls back and every join takes
   * its own path), and all seats are taken in one guarded UPDATE. A join the batch leaves out (a
   * member already, banned, beyond the code's uses, the same person twice, approval on, too few
   * seats for all) is answered null: it runs alone.
   *
   * The group's row lock is held for the database's own work only. A batch reads (without a lock)
   * while the batch before it on the same group (on this instance) is still running; it is built on
   * the group as that batch left it once committed — or, with none, as read — and its writes go in
   * one compound statement whose first write takes the lock and refuses unless the row is exactly
   * that (every column: SeatChange.unchanged). When it is not (another instance, a message), the
   * batch runs again the classic way: the row read under the lock with the others, then the writes;
   * the batch after it builds on what that second attempt left.
   *
   * Why on the batch before once committed, not as soon as its writes are built (round 7 did that, to
   * overlap the two): a batch built on writes still on their way lost the race to them whenever its
   * own statement reached the group's row first — its UPDATE found the row as it was before them,
   * refused, and the batch ran again — and every batch built on one that ran again refused too:
   * 10–15 % of the batches under the join benchmark ran twice. Waiting costs the batch its build
   * time after the commit, not a round trip: its reads went while the batch before ran.
   */
  private async joinTogether(joins: CodeJoin[]): Promise<Array<Joined | null>> {
    const outcome = new BatchOutcome();
    try {
      let attempt: { results: Array<Joined | null>; leftAs: Group | null };
      try {
        attempt = await this.joinBatch(joins, outcome, true);
        for (const observe of this.foresightObservers) observe(true);
      } catch (error) {
        if (!(error instanceof ForeseenGroupChanged)) throw error;
        for (const observe of this.foresightObservers) observe(false);
        attempt = await this.joinBatch(joins, outcome, false);
      }
      outcome.settle(attempt.leftAs);
      return attempt.results;
    } catch (error) {
      // What this batch would have left does not stand: the next batch builds on its own read.
      outcome.settle(null);
      throw error;
    } finally {
      if (outcome.groupId !== null && this.groupStates.get(outcome.groupId) === outcome.promise) this.groupStates.delete(outcome.groupId);
    }
  }

  /** Calls `fn` after each combined batch: true when its writes went on the group as foreseen, false when it found the row changed and ran again (/metrics). */
  observeForesight(fn: (foreseen: boolean) => void): void {
    this.foresightObservers.push(fn);
  }

  /**
   * One attempt of joinTogether: on the group foreseen (`foresee`: as the batch before left it, or
   * as read without a lock), or read under its row lock. Returns the answers and the group as the
   * batch leaves it (null: unknown). The first attempt registers `outcome` as the group's latest.
   */
  private async joinBatch(joins: CodeJoin[], outcome: BatchOutcome, foresee: boolean): Promise<{ results: Array<Joined | null>; leftAs: Group | null }> {
    const { ctx, token } = joins[0];
    // Nothing admitted: the group stays as it was (`leftAs`; null when unknown).
    const none = (leftAs: Group | null) => ({ results: joins.map(() => null), leftAs });
    const key = `${ctx.tenantId} ${token}`;
    let groupId = this.codeGroups.get(key);
    return ctx.db.tx(async (em) => {
      const now = ctx.now();
      const userIds = [...new Set(joins.map((join) => join.userId))];
      // A code's group never changes: once known, the code, the batch's members and bans, what the
      // events need and the group are read in one round trip (with START TRANSACTION). The first
      // batch through a code reads the code first.
      if (groupId === undefined) {
        const found = await findOneRow(em, GroupCode, { token, tenantId: ctx.tenantId });
        if (!found) return none(null);
        groupId = found.groupId;
        if (this.codeGroups.size >= CODE_GROUPS_KEPT) this.codeGroups.clear();
        this.codeGroups.set(key, groupId);
      }
      let previous: Promise<Group | null> | undefined;
      if (outcome.groupId === null) {
        previous = this.groupStates.get(groupId);
        outcome.groupId = groupId;
        if (this.groupStates.size >= CODE_GROUPS_KEPT) this.groupStates.clear();
        this.groupStates.set(groupId, outcome.promise);
      }
      const [code, { members, bans }, , row] = await readTogether(em, [
        findOneRead(em, GroupCode, { token, tenantId: ctx.tenantId }),
        presentAndBannedRead(groupId, userIds),
        this.groupLog.prepareRead(em, ctx.tenantId),
        // Classic: the lock is taken last, and held from here on. Foreseeing: read without a lock.
        foresee ? findOneRead(em, Group, { rowId: groupId, tenantId: ctx.tenantId }) : lockGroupRead(ctx, em, groupId),
      ]);
      if (!code || code.groupId !== groupId) {
        this.codeGroups.delete(key);
        return none(null);
      }
      // The batch before, once committed. Waited for with a bound: this transaction holds a pooled
      // connection meanwhile, and the batch before may need one to run again.
      const before = previous ? await settledWithin(previous, BEFORE_WAIT_MS) : null;
      const expected = foresee ? (before ?? row) : lockedGroup(em, row, ["input", "token"]);
      if (!expected) throw new ForeseenGroupChanged();
      // A copy: the batch moves it, while the batch before (whose group this may be) still answers with its own.
      const group = Object.assign(Object.create(Group.prototype) as Group, expected);
      if (joinApprovalOn(ctx, group) || codeRefusal(ctx.policy, code, group, now)) return none(expected);
      const cap = ctx.policy.codeJoinCapacity(planCodeType(code.type));
      const usesLeft = code.maxUses === null ? Infinity : code.maxUses - code.uses;
      const users = new Set<string>();
      const admitted = joins.filter((join) => {
        if (users.size >= usesLeft || users.has(join.userId) || members.has(join.userId) || bans.has(join.userId)) return false;
        users.add(join.userId);
        return true;
      });
      if (admitted.length === 0 || group.memberCount + admitted.length > cap) return none(expected);
      const source = { kind: JoinSourceKind.GROUP_CODE, codeId: code.rowId, state: code.state };
      const admissions = admitted.map((join) => ({ userId: join.userId, source }));
      // A refusal rolls the batch back: each join then takes its own path, which names its own refusal.
      const countRefused = () => new Error("the code refused the batch's uses");
      let seated: Member[];
      if (foresee) {
        // The group's UPDATE goes first: it takes the row lock (before the code's row, as everywhere) and checks the row is `expected`.
        ({ admitted: seated } = await admitMembers(this.groupLog, em, group, admissions, cap, now, {
          knownAbsent: true,
          expect: { group: expected, refusal: () => new ForeseenGroupChanged() },
        }));
        await countUses(em, code, [...users], now, countRefused);
        holdingRowLock(em);
      } else {
        await countUses(em, code, [...users], now, countRefused);
        ({ admitted: seated } = await admitMembers(this.groupLog, em, group, admissions, cap, now, { knownAbsent: true }));
      }
      const joined = new Map(admitted.map((join, i) => [join, { group, member: seated[i] }]));
      return { results: joins.map((join) => joined.get(join) ?? null), leftAs: group };
    });
  }

  /**
   * Counts one use of the code under the group's row lock. The conditional UPDATE is the last check:
   * the code is not revoked, expired or used up (whatever committed while the caller waited for the
   * lock) and the joiner is not banned (see joinGate). When it refuses, the reason is read.
   */
  private async countUse(em: EntityManager, code: GroupCode, userId: string, now: number): Promise<void> {
    await countUses(em, code, [userId], now, async () => {
      const status = groupCodeStatus((await em.findOneBy(GroupCode, { rowId: code.rowId }))!, now);
      return status !== CodeStatus.ACTIVE ? statusRefusal(status) : banned(["input", "token"]);
    });
  }

  /** What scanning the code would show the caller. */
  async preview(ctx: RequestContext, em: EntityManager, token: string): Promise<GroupCodePreview | null> {
    let code: GroupCode;
    try {
      code = await this.findByToken(em, ctx.tenantId, token);
    } catch {
      return null;
    }
    const group = (await ctx.loaders.get(groupById).load(code.groupId))!;
    const now = ctx.now();
    const viewerIsMember = ctx.userId ? (await findMember(em, group.rowId, ctx.userId)) !== null : false;
    const refusal = viewerIsMember
      ? null
      : (codeRefusal(ctx.policy, code, group, now) ?? (ctx.userId && (await isBanned(em, group.rowId, ctx.userId)) ? banned() : null));
    return {
      groupName: group.name,
      memberCount: group.memberCount,
      groupStatus: group.status ?? GroupStatus.ACTIVE,
      status: groupCodeStatus(code, now),
      type: code.type,
      expiresAt: code.expiresAt,
      joinable: refusal === null,
      refusal: refusal?.code ?? null,
      viewerIsMember,
    };
  }

  private async findByToken(em: EntityManager, tenantId: string, token: string): Promise<GroupCode> {
    const code = isWellFormedToken(token) ? await findOneRow(em, GroupCode, { token, tenantId }) : null;
    if (!code) throw notFound("Code", ["input", "token"]);
    return code;
  }
}
