import { DomainError, ErrorCode } from "../../common/errors";
import { MemberRole } from "./group.enums";

/**
 * The permission matrix of a group, as pure decisions on roles: who may do what, and to whom.
 * access.ts and the services apply them to the members they load; the tenant operator (API key)
 * acts outside this matrix. Refusals are DomainErrors (userErrors), with the field they concern.
 */

/** The member roles allowed each action, named as the refusal message says it. */
export const ROLES_FOR = {
  "rename the group": [MemberRole.OWNER, MemberRole.ADMIN],
  "dissolve the group": [MemberRole.OWNER],
  "split the group": [MemberRole.OWNER],
  "remove members": [MemberRole.OWNER, MemberRole.ADMIN],
  "appoint or revoke admins": [MemberRole.OWNER],
  "transfer ownership": [MemberRole.OWNER],
  "create group codes": [MemberRole.OWNER, MemberRole.ADMIN],
  "revoke group codes": [MemberRole.OWNER, MemberRole.ADMIN],
  "export evidence": [MemberRole.OWNER],
  "see group statistics": [MemberRole.OWNER, MemberRole.ADMIN],
  "change the group's settings": [MemberRole.OWNER, MemberRole.ADMIN],
  "set the announcement": [MemberRole.OWNER, MemberRole.ADMIN],
  "answer join requests": [MemberRole.OWNER, MemberRole.ADMIN],
  "lift bans": [MemberRole.OWNER, MemberRole.ADMIN],
  "see bans": [MemberRole.OWNER, MemberRole.ADMIN],
  "see join requests": [MemberRole.OWNER, MemberRole.ADMIN],
  "mute members": [MemberRole.OWNER, MemberRole.ADMIN],
} as const satisfies Record<string, readonly MemberRole[]>;

export type GroupAction = keyof typeof ROLES_FOR;

export function mayDo(role: MemberRole, action: GroupAction): boolean {
  return (ROLES_FOR[action] as readonly MemberRole[]).includes(role);
}

/** NOT_PERMITTED unless the role may do the action. */
export function roleRefusal(role: MemberRole, action: GroupAction): DomainError | null {
  return mayDo(role, action) ? null : new DomainError(ErrorCode.NOT_PERMITTED, `Only ${ROLES_FOR[action].join(" or ").toLowerCase()}s can ${action}`);
}

export interface Party {
  userId: string;
  role: MemberRole;
}

/**
 * Owners remove anyone but themselves (leaving is leaveGroup); admins remove any non-owner member,
 * or plain members only where the policy says admins may not remove admins (`adminsMayRemoveAdmins`).
 */
export function removalRefusal(remover: Party, target: Party, adminsMayRemoveAdmins: boolean): DomainError | null {
  const refusal = roleRefusal(remover.role, "remove members");
  if (refusal) return refusal;
  if (target.userId === remover.userId) return new DomainError(ErrorCode.NOT_PERMITTED, "Use leaveGroup to leave a group", ["input", "userId"]);
  if (remover.role === MemberRole.ADMIN) {
    if (target.role === MemberRole.OWNER) return new DomainError(ErrorCode.NOT_PERMITTED, "Admins cannot remove the owner", ["input", "userId"]);
    if (target.role === MemberRole.ADMIN && !adminsMayRemoveAdmins) {
      return new DomainError(ErrorCode.NOT_PERMITTED, "Admins can only remove plain members on this plan", ["input", "userId"]);
    }
  }
  return null;
}

/** setMemberRole: the owner's own role moves only by transferOwnership. */
export function roleChangeRefusal(target: Party): DomainError | null {
  return target.role === MemberRole.OWNER ? new DomainError(ErrorCode.NOT_PERMITTED, "The owner's role changes only by transferOwnership", ["input", "userId"]) : null;
}

/** transferOwnership to `target`: another member, and an admin where the plan requires it. */
export function transferRefusal(owner: Party, target: Party, transferRequiresAdmin: boolean): DomainError | null {
  if (target.userId === owner.userId) return new DomainError(ErrorCode.INVALID_INPUT, "The caller already owns the group", ["input", "userId"]);
  if (transferRequiresAdmin && target.role !== MemberRole.ADMIN) return new DomainError(ErrorCode.TARGET_NOT_ADMIN, "Ownership can only be transferred to an admin", ["input", "userId"]);
  return null;
}
