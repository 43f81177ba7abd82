import { type EntityManager, In } from "typeorm";
import { z } from "zod";
import { DomainError, DomainErrors, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { displayText, parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { forUpdate } from "../../db/query";
import { GroupCategory } from "../../policy/compliance";
import { ReviewSubjectType, RiskEventKind } from "../moderation/moderation.enums";
import type { ModerationService } from "../moderation/moderation.service";
import type { ReviewService } from "../moderation/review.service";
import type { RiskService } from "../moderation/risk.service";
import { Contact } from "../user/contact.entity";
import { User } from "../user/user.entity";
import { detectBulkAction } from "./bulk-actions";
import type { GroupLog } from "./group-log";
import { insertGroup, type NewGroup } from "./group.factory";
import { Group } from "./group.entity";
import { GroupStatus, JoinSourceKind, MemberRole } from "./group.enums";
import type { CreateGroupInput } from "./group.types";
import type { Invitation } from "./invitation.entity";
import type { InvitationService } from "./invitation.service";
import type { Member } from "./member.entity";
import { type Admission, admitMembers, groupFull } from "./membership";

const DAY_MS = 24 * 3600 * 1000;

export const groupName = () => displayText(100);

/** The four ways a group comes to be. */
export type CreationPath = "createGroup" | "liveCode" | "faceToFace" | "split";

/** A refusal a path may check before its first write. */
export type CreationCheck =
  /** createGroup's input: well-formed, a user token, members that are users of the tenant. */
  | "input"
  /** TOO_FEW_MEMBERS: the creator and at least two others. */
  | "tooFewMembers"
  /** NOT_A_CONTACT: every member is the creator's contact. */
  | "membersAreContacts"
  /** GROUP_FULL: everyone named fits the plan's group capacity (policy.fitsInGroup). */
  | "groupCapacity"
  /** GROUP_FULL: the founders leave room for the person joining, under the code's capacity (policy.liveCodeCapacity). */
  | "roomForJoiner"
  /** INVALID_INPUT: the requested size of each new group is within the plan's group capacity. */
  | "sizeWithinCapacity"
  /** COMPLIANCE_REQUIRED: policy.complianceRefusal for the group's category and minor protection. */
  | "compliance"
  /** CONTENT_BLOCKED (or held for review): the group's name passes the tenant's keywords. */
  | "nameModeration"
  /**
   * RATE_LIMITED (+ a risk event): the creator's rolling 24-hour creation allowance (policy.dailyGroupCreationLimit).
   * On a path that can hold a group for review (OVERFLOW_REVIEW_PATHS) and a policy that says so
   * (policy.reviewsCreationOverflow), a group over the allowance is created PENDING_REVIEW instead.
   */
  | "dailyCreationAllowance";

/** What a path does after creating, besides admitting its founders. */
export type CreationFollowUp =
  /** Members beyond policy.directAddSlots get PENDING invitations instead. */
  | "directAddThenInvite"
  /** A name held by a REVIEW keyword, or a creation over the daily allowance held by the policy, queues the group for review (PENDING_REVIEW). */
  | "reviewQueue"
  /** The invitations count towards the creator's bulk-action rule (policy.bulkActionRule). */
  | "bulkActionRisk";

/**
 * Which checks each path applies, in the order it applies them, and what it does afterwards —
 * the answer to "which checks does face to face apply?". The door below runs exactly these.
 *
 * - createGroup: a user creates a group from their contacts.
 * - liveCode: a live code with autoCreateGroups opens "<baseName> <n>" when all its groups are full
 *   (the code's own checks — status, plan has live codes, screened texts — ran when it was made/joined).
 * - faceToFace: the first participant of a face-to-face session to ask creates its group.
 * - split: a group that outgrew itself is split into sub-groups (owner-only, checked by the split).
 */
export const CREATION_CHECKS: Readonly<Record<CreationPath, { readonly checks: readonly CreationCheck[]; readonly afterwards: readonly CreationFollowUp[] }>> =
  Object.freeze({
    createGroup: {
      checks: ["input", "tooFewMembers", "membersAreContacts", "groupCapacity", "compliance", "nameModeration", "dailyCreationAllowance"],
      afterwards: ["directAddThenInvite", "reviewQueue", "bulkActionRisk"],
    },
    liveCode: { checks: ["roomForJoiner"], afterwards: [] },
    faceToFace: { checks: ["dailyCreationAllowance", "compliance"], afterwards: [] },
    split: { checks: ["sizeWithinCapacity"], afterwards: [] },
  });

/**
 * The paths whose group may be held for review when it is over the creator's daily allowance
 * (dailyGroupCreationOverflow = REVIEW). Face-to-face groups are made on the spot for several
 * people at once: over the limit they are refused, whatever the policy.
 */
export const OVERFLOW_REVIEW_PATHS: ReadonlySet<CreationPath> = new Set<CreationPath>(["createGroup"]);

const createSchema = z.object({
  name: groupName(),
  memberIds: z.array(z.string().max(200)).max(100_000),
  category: z.enum(GroupCategory).nullish(),
  minorProtection: z.boolean().nullish(),
});

/** What the checks look at: a group about to be created. Each path fills what its checks need. */
interface Candidate {
  ctx: RequestContext;
  em: EntityManager;
  ownerId: string;
  name: string;
  category: GroupCategory;
  minorProtection: boolean;
  /** createGroup: the raw input, parsed by the "input" check. */
  input?: CreateGroupInput;
  /** createGroup: the members other than the creator, as resolved by "input". */
  memberIds: string[];
  /** liveCode: the founders besides the owner. liveCode/split: the new group's capacity. */
  founders?: number;
  capacity?: number;
  /** Where a compliance refusal points (createGroup: the category field). */
  complianceField?: string[];
  /** Set by "nameModeration" when a REVIEW keyword matched. */
  reviewTerm?: string;
  /** Which path is creating (set by the door before the checks run). */
  path?: CreationPath;
  /** Set by "dailyCreationAllowance" when the group is over the allowance and held for review: why. */
  overflowReason?: string;
}

type CheckImpl = (c: Candidate) => Promise<void> | void;

/**
 * The one door through which groups are created. Each path's method runs the checks listed for it
 * in CREATION_CHECKS (nothing written before they pass), then inserts the group and admits its
 * founders under the path's capacity.
 */
export class GroupCreation {
  private readonly checks: Readonly<Record<CreationCheck, CheckImpl>>;

  constructor(
    private readonly moderation: ModerationService,
    private readonly review: ReviewService,
    private readonly risk: RiskService,
    private readonly invitations: InvitationService,
    private readonly groupLog: GroupLog,
  ) {
    this.checks = {
      input: (c) => this.resolveInput(c),
      tooFewMembers: (c) => {
        if (c.memberIds.length < 2) throw new DomainError(ErrorCode.TOO_FEW_MEMBERS, "A group needs the creator and at least two contacts", ["input", "memberIds"]);
      },
      membersAreContacts: async ({ em, ownerId, memberIds }) => {
        const contacts = new Set((await em.find(Contact, { where: { userId: ownerId, contactId: In(memberIds) }, select: { contactId: true } })).map((c) => c.contactId));
        const strangers = memberIds.filter((id) => !contacts.has(id));
        if (strangers.length) {
          throw new DomainError(ErrorCode.NOT_A_CONTACT, `${strangers.length} of the members are not the creator's contacts`, ["input", "memberIds"]);
        }
      },
      groupCapacity: ({ ctx, memberIds }) => {
        if (!ctx.policy.fitsInGroup(1 + memberIds.length)) {
          throw new DomainError(ErrorCode.GROUP_FULL, `A group holds at most ${ctx.policy.groupCapacity()} members on this plan`, ["input", "memberIds"]);
        }
      },
      roomForJoiner: ({ founders = 0, capacity = 0 }) => {
        if (1 + founders >= capacity) throw groupFull(capacity);
      },
      sizeWithinCapacity: ({ ctx, capacity = 0 }) => {
        if (!ctx.policy.fitsInGroup(capacity)) {
          throw new DomainError(ErrorCode.INVALID_INPUT, `maxMembersPerGroup may be at most ${ctx.policy.groupCapacity()} on this plan`, ["input", "maxMembersPerGroup"]);
        }
      },
      compliance: ({ ctx, category, minorProtection, complianceField }) => {
        const refusal = ctx.policy.complianceRefusal({ category, minorProtection });
        if (refusal) throw new DomainError(ErrorCode.COMPLIANCE_REQUIRED, refusal, complianceField);
      },
      nameModeration: async (c) => {
        const review = await this.moderation.screen(c.ctx, c.em, c.name, ["input", "name"], { category: c.category });
        if (review) c.reviewTerm = review.term;
      },
      dailyCreationAllowance: async (c) => {
        const overflow = await this.assertCreationAllowance(c.ctx, c.em, c.ownerId, c.path !== undefined && OVERFLOW_REVIEW_PATHS.has(c.path));
        if (overflow) c.overflowReason = overflow;
      },
    };
  }

  /** Runs a path's checks in order; the first refusal stops it. */
  private async check(path: CreationPath, candidate: Candidate): Promise<void> {
    candidate.path = path;
    for (const name of CREATION_CHECKS[path].checks) await this.checks[name](candidate);
  }

  /**
   * createGroup: a group owned by the caller from their contacts. Members up to the direct-add
   * slots join at once, the rest are invited; a name held for review makes the group PENDING_REVIEW.
   */
  async fromContacts(ctx: RequestContext, em: EntityManager, input: CreateGroupInput): Promise<{ group: Group; invitations: Invitation[] }> {
    const c: Candidate = { ctx, em, ownerId: "", name: "", category: GroupCategory.GENERAL, minorProtection: false, memberIds: [], input, complianceField: ["input", "category"] };
    await this.check("createGroup", c);

    const { tenantId, policy } = ctx;
    const { ownerId, memberIds } = c;
    const now = ctx.now();
    const group = await insertGroup(
      this.groupLog,
      em,
      {
        tenantId,
        name: c.name,
        ownerId,
        category: c.category,
        minorProtection: c.minorProtection,
        status: c.reviewTerm !== undefined || c.overflowReason !== undefined ? GroupStatus.PENDING_REVIEW : GroupStatus.ACTIVE,
      },
      now,
    );
    const direct = policy.directAddSlots(1);
    await admitMembers(
      this.groupLog,
      em,
      group,
      [
        { userId: ownerId, role: MemberRole.OWNER, source: { kind: JoinSourceKind.CREATOR } },
        ...memberIds.slice(0, direct).map((userId) => ({ userId, source: { kind: JoinSourceKind.DIRECT_ADD, inviterId: ownerId } })),
      ],
      policy.groupCapacity(),
      now,
    );
    const invitations = await this.invitations.open(ctx, em, group, memberIds.slice(direct), ownerId, now);
    const reasons = [c.reviewTerm !== undefined ? `group name matched review term "${c.reviewTerm}"` : null, c.overflowReason ?? null].filter((r): r is string => r !== null);
    if (reasons.length) {
      await this.review.enqueue(em, { tenantId, subjectType: ReviewSubjectType.GROUP, subjectId: group.rowId, reason: reasons.join("; ") }, now);
    }
    const bulk = await detectBulkAction(em, policy, { tenantId, userId: ownerId, groupId: group.rowId, kind: RiskEventKind.BULK_INVITE }, memberIds.length, now);
    if (bulk) await this.risk.record(em, bulk, now);
    return { group, invitations };
  }

  /**
   * liveCode: a new group for a live code whose groups are full, owned by the code's creator with
   * `founders` (the first group's admins) as admins, admitted under the code's `capacity`.
   */
  async forLiveCode(
    ctx: RequestContext,
    em: EntityManager,
    spec: { ownerId: string; name: string; category?: GroupCategory; minorProtection?: boolean; liveCodeId: string; adminIds: string[]; capacity: number },
  ): Promise<Group> {
    await this.check("liveCode", { ...this.bare(ctx, em, spec.ownerId, spec.name), founders: spec.adminIds.length, capacity: spec.capacity });
    const now = ctx.now();
    const group = await insertGroup(
      this.groupLog,
      em,
      { tenantId: ctx.tenantId, name: spec.name, ownerId: spec.ownerId, category: spec.category, minorProtection: spec.minorProtection, createdData: { liveCode: spec.liveCodeId } },
      now,
    );
    const founders: Admission[] = [
      { userId: spec.ownerId, role: MemberRole.OWNER, source: { kind: JoinSourceKind.CREATOR } },
      ...spec.adminIds.map((userId) => ({ userId, role: MemberRole.ADMIN, source: { kind: JoinSourceKind.DIRECT_ADD, inviterId: spec.ownerId } })),
    ];
    await admitMembers(this.groupLog, em, group, founders, spec.capacity, now);
    return group;
  }

  /** faceToFace: the session's group, a GENERAL group owned by the participant who asked first. */
  async forFaceToFace(ctx: RequestContext, em: EntityManager, spec: { ownerId: string; digits: string; sessionId: string; capacity: number }): Promise<{ group: Group; owner: Member }> {
    const name = `Face to face ${spec.digits}`;
    await this.check("faceToFace", this.bare(ctx, em, spec.ownerId, name));
    const now = ctx.now();
    const group = await insertGroup(this.groupLog, em, { tenantId: ctx.tenantId, name, ownerId: spec.ownerId, createdData: { faceToFace: spec.sessionId } }, now);
    const { admitted } = await admitMembers(this.groupLog, em, group, [{ userId: spec.ownerId, role: MemberRole.OWNER, source: { kind: JoinSourceKind.FACE_TO_FACE } }], spec.capacity, now);
    return { group, owner: admitted[0] };
  }

  /** split, before anything moves: each sub-group's size (`maxMembersPerGroup`) passes the split's checks. */
  async checkSplit(ctx: RequestContext, em: EntityManager, core: Group, maxMembersPerGroup: number): Promise<void> {
    await this.check("split", { ...this.bare(ctx, em, core.ownerId ?? "", core.name), capacity: maxMembersPerGroup });
  }

  /** split: one sub-group of `core`, its category and minor protection, with `admissions` under `capacity` (checked by checkSplit). */
  async forSplit(ctx: RequestContext, em: EntityManager, spec: Pick<NewGroup, "name" | "ownerId"> & { core: Group; admissions: Admission[]; capacity: number }): Promise<Group> {
    const now = ctx.now();
    const { core } = spec;
    const sub = await insertGroup(
      this.groupLog,
      em,
      {
        tenantId: core.tenantId,
        name: spec.name,
        ownerId: spec.ownerId,
        category: core.category,
        minorProtection: core.minorProtection,
        parentId: core.rowId,
        createdData: { splitFrom: core.rowId },
      },
      now,
    );
    await admitMembers(this.groupLog, em, sub, spec.admissions, spec.capacity, now);
    return sub;
  }

  /** A candidate for the paths whose group is GENERAL without minor protection unless stated. */
  private bare(ctx: RequestContext, em: EntityManager, ownerId: string, name: string): Candidate {
    return { ctx, em, ownerId, name, category: GroupCategory.GENERAL, minorProtection: false, memberIds: [] };
  }

  /** createGroup's "input" check: parses the input, requires a user token, resolves the members (all unknown ids at once). */
  private async resolveInput(c: Candidate): Promise<void> {
    const data = parseInput(createSchema, c.input);
    const ownerId = c.ctx.requireUser("Groups are created with a user token: the caller becomes the owner");
    Object.assign(c, { ownerId, name: data.name, category: data.category ?? GroupCategory.GENERAL, minorProtection: data.minorProtection ?? false });

    // Members: well-formed ids of this tenant's users, de-duplicated, the caller left out.
    const problems: DomainError[] = [];
    const memberIds: string[] = [];
    data.memberIds.forEach((globalId, index) => {
      const rowId = rowIdOf(globalId, "User");
      if (!rowId) problems.push(notFound("User", ["input", "memberIds", String(index)]));
      else if (rowId !== ownerId && !memberIds.includes(rowId)) memberIds.push(rowId);
    });
    if (problems.length) throw new DomainErrors(problems);
    const known = new Set(
      (await c.em.find(User, { where: { tenantId: c.ctx.tenantId, rowId: In(memberIds.length ? memberIds : [""]) }, select: { rowId: true } })).map((u) => u.rowId),
    );
    const unknown = memberIds.filter((id) => !known.has(id));
    if (unknown.length) {
      throw new DomainErrors(unknown.map((id) => notFound("User", ["input", "memberIds", String(data.memberIds.findIndex((g) => rowIdOf(g, "User") === id))])));
    }
    c.memberIds = memberIds;
  }

  /**
   * The plan's rolling 24-hour creation limit. The creator's user row is locked first, so two
   * concurrent creations by one person are counted one after the other, never both under the limit.
   * Over the limit a risk event is recorded either way; then the policy decides: refuse
   * (RATE_LIMITED, the event kept despite the rollback) or, where the path can hold a group for
   * review (`canReview`), accept it — the returned reason says the new group must be held.
   */
  private async assertCreationAllowance(ctx: RequestContext, em: EntityManager, userId: string, canReview: boolean): Promise<string | null> {
    await forUpdate(em.createQueryBuilder(User, "u")).where("u.rowId = :userId", { userId }).getOne();
    const now = ctx.now();
    const limit = ctx.policy.dailyGroupCreationLimit();
    const created = await em
      .createQueryBuilder(Group, "g")
      .where("g.createdBy = :userId AND g.createdAt > :since", { userId, since: now - DAY_MS })
      .getCount();
    if (created < limit) return null;
    const tenantId = ctx.tenantId;
    const event = { tenantId, kind: RiskEventKind.GROUP_CREATION_LIMIT, userId, detail: `tried to create group ${created + 1} within 24 h (limit ${limit})` };
    if (canReview && ctx.policy.reviewsCreationOverflow()) {
      await this.risk.record(em, { ...event, detail: `${event.detail}; held for review` }, now);
      return `group ${created + 1} within 24 h is over the daily creation limit (${limit})`;
    }
    throw new DomainError(ErrorCode.RATE_LIMITED, `At most ${limit} groups may be created in 24 hours`).recording((tx) => this.risk.record(tx, event, now));
  }
}
