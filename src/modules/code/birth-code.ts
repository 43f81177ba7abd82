import type { EntityManager } from "typeorm";
import { newId } from "../../common/ids";
import type { Group } from "../group/group.entity";
import { GroupCode } from "./code.entities";
import { GroupCodeType } from "./code.enums";
import { newCodeToken } from "./links";

/**
 * Every group is born with a PERMANENT code (Group.codes is never empty for a live group). Where the
 * policy's `permanentCodeRefreshable` is false, it stays the group's only permanent code.
 */
export async function issueBirthCode(em: EntityManager, group: Group, now: number): Promise<GroupCode> {
  const code = em.create(GroupCode, {
    rowId: newId(),
    tenantId: group.tenantId,
    groupId: group.rowId,
    type: GroupCodeType.PERMANENT,
    token: newCodeToken(),
    state: null,
    maxUses: null,
    uses: 0,
    expiresAt: null,
    revokedAt: null,
    createdBy: group.ownerId,
    createdAt: now,
  });
  await em.insert(GroupCode, code);
  return code;
}
