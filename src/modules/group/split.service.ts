import { toGlobalId } from "../../common/global-id";
import { type EntityManager, In } from "typeorm";
import { z } from "zod";
import { DomainError, ErrorCode } from "../../common/errors";
import { parseInput, truncateText } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { assertAcceptsMembers, assertNotDissolved, lockGroup, memberActor, requireRole } from "./access";
import type { GroupCreation } from "./group-creation";
import type { GroupLog } from "./group-log";
import { Group } from "./group.entity";
import { GroupEventKind, JoinSourceKind, MemberRole } from "./group.enums";
import { Member } from "./member.entity";

const splitSchema = z.object({ groupId: z.string(), maxMembersPerGroup: z.number().int().min(3, "must be at least 3") });

/**
 * "Core group + sub-groups" for a group that outgrew itself: the owner, the admins and the
 * earliest members stay in the core; everyone after them moves, in join order, into linked
 * sub-groups where the owner owns and the admins administer.
 */
export class SplitService {
  constructor(
    private readonly groupLog: GroupLog,
    private readonly creation: GroupCreation,
  ) {}

  async split(ctx: RequestContext, em: EntityManager, input: { groupId: string; maxMembersPerGroup: number }): Promise<{ coreGroup: Group; subGroups: Group[] }> {
    const data = parseInput(splitSchema, input);
    const core = await lockGroup(ctx, em, data.groupId);
    assertNotDissolved(core);
    const owner = await memberActor(ctx, em, core);
    requireRole(owner, "split the group");
    assertAcceptsMembers(core);
    const max = data.maxMembersPerGroup;
    await this.creation.checkSplit(ctx, em, core, max);
    const members = await em.find(Member, { where: { groupId: core.rowId }, order: { joinSeq: "ASC" } });
    if (members.length <= max) {
      throw new DomainError(ErrorCode.INVALID_INPUT, `The group has ${members.length} members, not more than ${max}: nothing to split`, ["input", "maxMembersPerGroup"]);
    }
    const leaders = members.filter((m) => m.role !== MemberRole.MEMBER);
    const perSubGroup = max - leaders.length;
    if (perSubGroup < 1) {
      throw new DomainError(ErrorCode.INVALID_INPUT, `maxMembersPerGroup must leave room beyond the owner and ${leaders.length - 1} admins`, ["input", "maxMembersPerGroup"]);
    }
    const plain = members.filter((m) => m.role === MemberRole.MEMBER);
    const moved = plain.slice(max - leaders.length);
    const now = ctx.now();

    // Out of the core, with a history entry for each person moved.
    await em.delete(Member, { groupId: core.rowId, userId: In(moved.map((m) => m.userId)) });
    await em.createQueryBuilder().update(Group).set({ memberCount: () => `member_count - ${moved.length}`, updatedAt: now }).where("id = :id", { id: core.rowId }).execute();
    core.memberCount -= moved.length;
    await this.groupLog.append(em, core, moved.map((m) => ({ kind: GroupEventKind.MEMBER_LEFT, actorId: owner.userId, subjectId: m.userId, data: { reason: "SPLIT" } })), now);

    const subGroups: Group[] = [];
    for (let i = 0; i < moved.length; i += perSubGroup) {
      const chunk = moved.slice(i, i + perSubGroup);
      const source = { kind: JoinSourceKind.SPLIT, inviterId: owner.userId };
      const sub = await this.creation.forSplit(ctx, em, {
        core,
        name: truncateText(`${core.name} (${subGroups.length + 2})`, 100),
        ownerId: core.ownerId ?? owner.userId,
        admissions: [...leaders.map((m) => ({ userId: m.userId, role: m.role, source })), ...chunk.map((m) => ({ userId: m.userId, source }))],
        capacity: max,
      });
      await this.groupLog.append(em, sub, [{ kind: GroupEventKind.NOTICE, text: `This group was split from "${core.name}".`, data: { core: core.rowId } }], now);
      subGroups.push(sub);
    }
    await this.groupLog.append(
      em,
      core,
      [{ kind: GroupEventKind.NOTICE, text: `This group was split: ${moved.length} members moved to ${subGroups.length} sub-groups.`, data: { subGroups: subGroups.length }, event: { subGroupIds: subGroups.map((g) => toGlobalId("Group", g.rowId)) } }],
      now,
    );
    return { coreGroup: core, subGroups };
  }
}
