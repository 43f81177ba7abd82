import { parseMemberKey } from "../../common/global-id";
import type { NodeFetchers } from "../../graphql/node-registry";
import type { GroupReader } from "./group.reader";
import type { JoinRequestService } from "./join-request.service";
import { Invitation } from "./invitation.entity";
import { Member } from "./member.entity";

/**
 * A group is visible to its members and to its tenant's key (GroupReader.canSee); a membership
 * exactly where the group's member list is; an invitation to its invitee and to the tenant's key; a
 * join request to its requester, the group's owner and admins, and the tenant's key.
 */
export function groupNodes(reader: GroupReader, joinRequests: JoinRequestService): NodeFetchers {
  return {
    JoinRequest: (ctx, rowId) => joinRequests.visible(ctx, rowId),
    Group: (ctx, rowId) => reader.visibleGroup(ctx, rowId),
    Member: async (ctx, key) => {
      const { groupId, userId } = parseMemberKey(key);
      if (!(await reader.visibleGroup(ctx, groupId))) return null;
      return ctx.db.read((em) => em.findOneBy(Member, { groupId, userId, tenantId: ctx.tenantId }));
    },
    Invitation: (ctx, rowId) =>
      ctx.db.read(async (em) => {
        if (!ctx.tenant) return null;
        const invitation = await em.findOneBy(Invitation, { rowId, tenantId: ctx.tenant.rowId });
        return invitation && (ctx.principal.kind === "TENANT" || invitation.inviteeId === ctx.userId) ? invitation : null;
      }),
  };
}
