import type { EntityManager } from "typeorm";
import { notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import type { RequestContext } from "../../context/context";
import type { Database } from "../../db/database";
import { keysetPage } from "../../db/query";
import { User } from "../user/user.entity";
import { actorOn, assertNotDissolved, lockGroup, requireRole } from "./access";
import { Ban } from "./ban.entity";
import type { GroupLog } from "./group-log";
import type { Group } from "./group.entity";
import { GroupEventKind, InvitationStatus } from "./group.enums";
import { Invitation } from "./invitation.entity";
import { closeJoinRequests } from "./join-request.service";
import { viewerMembership } from "./group.loaders";
import { mayDo } from "./roles";

/** Bans (removeMember with `ban: true`), lifting them, and the list owners and admins see. */
export class BanService {
  constructor(
    private readonly db: Database,
    private readonly groupLog: GroupLog,
  ) {}

  /**
   * Bans a user who was just removed from the locked group: the ban row, and their open invitations
   * and join requests to it closed (they could no longer be accepted). `actorId` null: the tenant operator.
   */
  async ban(em: EntityManager, group: Group, userId: string, actorId: string | null, now: number): Promise<void> {
    if (await em.existsBy(Ban, { groupId: group.rowId, userId })) return;
    await em.insert(Ban, { groupId: group.rowId, userId, tenantId: group.tenantId, bannedById: actorId, createdAt: now });
    await em.update(Invitation, { groupId: group.rowId, openKey: userId }, { storedStatus: InvitationStatus.EXPIRED, openKey: null, respondedAt: now });
    await closeJoinRequests(em, group, userId, actorId, now);
  }

  /** Owners, admins and the tenant operator lift a ban; lifting one that does not exist changes nothing. */
  async unbanMember(ctx: RequestContext, em: EntityManager, input: { groupId: string; userId: string }): Promise<{ group: Group }> {
    const group = await lockGroup(ctx, em, input.groupId);
    assertNotDissolved(group);
    const actor = await actorOn(ctx, em, group);
    if (actor.kind === "MEMBER") requireRole(actor.member, "lift bans");
    const userId = rowIdOf(input.userId, "User");
    if (!userId || !(await em.existsBy(User, { rowId: userId, tenantId: group.tenantId }))) throw notFound("User", ["input", "userId"]);
    const result = await em.delete(Ban, { groupId: group.rowId, userId });
    if (result.affected) {
      const actorId = actor.kind === "MEMBER" ? actor.member.userId : null;
      await this.groupLog.append(em, group, [{ kind: GroupEventKind.MEMBER_UNBANNED, actorId, subjectId: userId }], ctx.now());
    }
    return { group };
  }

  /** Whether the caller may see the group's bans: its owner and admins, and the tenant operator. */
  async canSeeBans(ctx: RequestContext, group: Group): Promise<boolean> {
    if (!ctx.tenant || group.tenantId !== ctx.tenant.rowId) return false;
    if (ctx.principal.kind === "TENANT") return true;
    const role = (await ctx.loaders.get(viewerMembership).load(group.rowId))?.role;
    return role != null && mayDo(role, "see bans");
  }

  /** A group's bans, newest first. */
  async bansOf(group: Group, page: PageRequest): Promise<ConnectionShape<Ban>> {
    const scope = (em: EntityManager) => em.createQueryBuilder(Ban, "b").where("b.groupId = :groupId AND b.tenantId = :tenantId", { groupId: group.rowId, tenantId: group.tenantId });
    const rows = await this.db.read((em) => keysetPage(scope(em), "b.createdAt", "b.userId", page, "DESC").getMany());
    return toConnection(rows, page, (b) => ({ key: b.createdAt, id: b.userId }), () => this.db.read((em) => scope(em).getCount()));
  }
}
