import type { EntityManager } from "typeorm";
import { z } from "zod";
import { DomainError, ErrorCode, notFound, type UserError } from "../../common/errors";
import { rowIdOf, toGlobalId } from "../../common/global-id";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { refusalsOf } from "../../graphql/mutation";
import { User } from "../user/user.entity";
import { findMember, lockGroupRow } from "./access";
import type { GroupLog } from "./group-log";
import { Group } from "./group.entity";
import { GroupEventKind, GroupStatus, JoinSourceKind, MemberRole } from "./group.enums";
import { Member } from "./member.entity";
import { admitMembers, departMember } from "./membership";

const transferSchema = z.object({
  fromUserId: z.string().max(200),
  toUserId: z.string().max(200),
  keepMembership: z.boolean().nullish(),
});

export interface TransferUserGroupsInput {
  fromUserId: string;
  toUserId: string;
  keepMembership?: boolean | null;
}

/**
 * Departed employees (WeCom's 离职继承): the tenant hands every group one user owns to another.
 * Each group passes in a transaction of its own, so one group that cannot pass (full, say) does not
 * hold back the others; a retry moves what is still owned by the first user and nothing twice.
 */
export class HandOverService {
  constructor(private readonly groupLog: GroupLog) {}

  async transferUserGroups(ctx: RequestContext, input: TransferUserGroupsInput): Promise<{ transferred: Group[]; userErrors: UserError[] }> {
    let users: { fromId: string; toId: string; keep: boolean };
    try {
      users = await ctx.db.read((em) => this.resolveUsers(ctx, em, input));
    } catch (error) {
      const userErrors = refusalsOf(error);
      if (!userErrors) throw error;
      return { transferred: [], userErrors };
    }
    const { fromId, toId, keep } = users;
    const owned = await ctx.db.read((em) =>
      em
        .createQueryBuilder(Group, "g")
        .select(["g.rowId", "g.name"])
        .where("g.tenantId = :tenantId AND g.ownerId = :fromId AND g.status <> :dissolved", { tenantId: ctx.tenantId, fromId, dissolved: GroupStatus.DISSOLVED })
        .orderBy("g.createdAt", "ASC")
        .addOrderBy("g.rowId", "ASC")
        .getMany(),
    );
    const transferred: Group[] = [];
    const userErrors: UserError[] = [];
    for (const { rowId, name } of owned) {
      try {
        const group = await ctx.db.tx((em) => this.transferOne(ctx, em, rowId, fromId, toId, keep));
        if (group) transferred.push(group);
      } catch (error) {
        const refusals = refusalsOf(error);
        if (!refusals) throw error;
        // Each failed group is named: its global id and name, then why.
        for (const refusal of refusals) userErrors.push({ ...refusal, message: `Group ${toGlobalId("Group", rowId)} ("${name}"): ${refusal.message}`, field: ["input", "fromUserId"] });
      }
    }
    return { transferred, userErrors };
  }

  private async resolveUsers(ctx: RequestContext, em: EntityManager, input: TransferUserGroupsInput) {
    const data = parseInput(transferSchema, input);
    const tenantId = ctx.tenantId;
    const lookup = async (globalId: string, field: string) => {
      const rowId = rowIdOf(globalId, "User");
      const user = rowId ? await em.findOneBy(User, { tenantId, rowId }) : null;
      if (!user) throw notFound("User", ["input", field]);
      return user.rowId;
    };
    const fromId = await lookup(data.fromUserId, "fromUserId");
    const toId = await lookup(data.toUserId, "toUserId");
    if (fromId === toId) throw new DomainError(ErrorCode.INVALID_INPUT, "The groups must pass to another user", ["input", "toUserId"]);
    return { fromId, toId, keep: data.keepMembership ?? false };
  }

  /**
   * One group, under its row lock: the successor joins (if not in it yet), becomes owner, and the
   * departed owner stays as a plain member or leaves. Null when the group is no longer theirs.
   */
  private async transferOne(ctx: RequestContext, em: EntityManager, groupId: string, fromId: string, toId: string, keep: boolean): Promise<Group | null> {
    const group = await lockGroupRow(ctx, em, groupId);
    if (group.status === GroupStatus.DISSOLVED || group.ownerId !== fromId) return null;
    const now = ctx.now();
    let successor = await findMember(em, group.rowId, toId);
    if (!successor) {
      const { admitted } = await admitMembers(this.groupLog, em, group, [{ userId: toId, source: { kind: JoinSourceKind.DIRECT_ADD, inviterId: null } }], ctx.policy.groupCapacity(), now, {
        knownAbsent: true,
      });
      successor = admitted[0];
    }
    await em.update(Member, { groupId: group.rowId, userId: toId }, { role: MemberRole.OWNER });
    await em.update(Member, { groupId: group.rowId, userId: fromId }, { role: MemberRole.MEMBER });
    group.ownerId = toId;
    await em.update(Group, { rowId: group.rowId }, { ownerId: toId, updatedAt: now });
    await this.groupLog.append(em, group, [{ kind: GroupEventKind.OWNERSHIP_TRANSFERRED, actorId: null, subjectId: toId, data: { from: fromId, reason: "HANDOVER" } }], now);
    if (!keep) {
      const departing = (await findMember(em, group.rowId, fromId))!;
      await departMember(this.groupLog, em, group, departing, GroupEventKind.MEMBER_REMOVED, null, now);
    }
    return group;
  }
}
