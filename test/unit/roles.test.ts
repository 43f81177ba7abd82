import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCode } from "../../src/common/errors";
import { MemberRole } from "../../src/modules/group/group.enums";
import { type GroupAction, mayDo, removalRefusal, ROLES_FOR, roleChangeRefusal, roleRefusal, transferRefusal } from "../../src/modules/group/roles";

const { OWNER, ADMIN, MEMBER } = MemberRole;
const owner = { userId: "o", role: OWNER };
const admin = { userId: "a", role: ADMIN };
const otherAdmin = { userId: "a2", role: ADMIN };
const member = { userId: "m", role: MEMBER };
const otherMember = { userId: "m2", role: MEMBER };

describe("group permission matrix (group/roles.ts)", () => {
  it("who may do what, by role", () => {
    const expected: Record<GroupAction, MemberRole[]> = {
      "rename the group": [OWNER, ADMIN],
      "dissolve the group": [OWNER],
      "split the group": [OWNER],
      "remove members": [OWNER, ADMIN],
      "appoint or revoke admins": [OWNER],
      "transfer ownership": [OWNER],
      "create group codes": [OWNER, ADMIN],
      "revoke group codes": [OWNER, ADMIN],
      "export evidence": [OWNER],
      "see group statistics": [OWNER, ADMIN],
      "change the group's settings": [OWNER, ADMIN],
      "set the announcement": [OWNER, ADMIN],
      "answer join requests": [OWNER, ADMIN],
      "lift bans": [OWNER, ADMIN],
      "see bans": [OWNER, ADMIN],
      "see join requests": [OWNER, ADMIN],
      "mute members": [OWNER, ADMIN],
    };
    assert.deepEqual(Object.keys(ROLES_FOR).sort(), Object.keys(expected).sort());
    for (const [action, roles] of Object.entries(expected) as Array<[GroupAction, MemberRole[]]>) {
      for (const role of [OWNER, ADMIN, MEMBER]) assert.equal(mayDo(role, action), roles.includes(role), `${role} may ${action}`);
    }
  });

  it("a refused role gets NOT_PERMITTED naming who may", () => {
    assert.equal(roleRefusal(OWNER, "dissolve the group"), null);
    const refusal = roleRefusal(ADMIN, "dissolve the group");
    assert.equal(refusal?.code, ErrorCode.NOT_PERMITTED);
    assert.equal(refusal?.message, "Only owners can dissolve the group");
    assert.equal(roleRefusal(MEMBER, "rename the group")?.message, "Only owner or admins can rename the group");
  });

  it("removal: owners remove anyone but themselves, admins any non-owner (plain members only where the policy says so), members nobody", () => {
    for (const adminsMayRemoveAdmins of [true, false]) {
      assert.equal(removalRefusal(owner, admin, adminsMayRemoveAdmins), null);
      assert.equal(removalRefusal(owner, member, adminsMayRemoveAdmins), null);
      assert.equal(removalRefusal(admin, member, adminsMayRemoveAdmins), null);
    }
    assert.equal(removalRefusal(admin, otherAdmin, true), null);
    const cases: Array<[typeof owner, typeof owner, boolean, ErrorCode, string, string[] | undefined]> = [
      [owner, owner, true, ErrorCode.NOT_PERMITTED, "Use leaveGroup to leave a group", ["input", "userId"]],
      [admin, admin, true, ErrorCode.NOT_PERMITTED, "Use leaveGroup to leave a group", ["input", "userId"]],
      [admin, otherAdmin, false, ErrorCode.NOT_PERMITTED, "Admins can only remove plain members on this plan", ["input", "userId"]],
      [admin, owner, true, ErrorCode.NOT_PERMITTED, "Admins cannot remove the owner", ["input", "userId"]],
      [admin, owner, false, ErrorCode.NOT_PERMITTED, "Admins cannot remove the owner", ["input", "userId"]],
      [member, otherMember, true, ErrorCode.NOT_PERMITTED, "Only owner or admins can remove members", undefined],
      [member, owner, true, ErrorCode.NOT_PERMITTED, "Only owner or admins can remove members", undefined],
    ];
    for (const [remover, target, adminsMayRemoveAdmins, code, message, field] of cases) {
      const refusal = removalRefusal(remover, target, adminsMayRemoveAdmins);
      assert.deepEqual([refusal?.code, refusal?.message, refusal?.field], [code, message, field], `${remover.role} ${remover.userId} removes ${target.role} ${target.userId}`);
    }
  });

  it("role changes never touch the owner", () => {
    assert.equal(roleChangeRefusal(admin), null);
    assert.equal(roleChangeRefusal(member), null);
    assert.equal(roleChangeRefusal(owner)?.code, ErrorCode.NOT_PERMITTED);
  });

  it("ownership goes to another member, an admin where the plan requires it", () => {
    assert.equal(transferRefusal(owner, member, false), null);
    assert.equal(transferRefusal(owner, admin, true), null);
    assert.equal(transferRefusal(owner, member, true)?.code, ErrorCode.TARGET_NOT_ADMIN);
    assert.equal(transferRefusal(owner, owner, false)?.code, ErrorCode.INVALID_INPUT);
    assert.equal(transferRefusal(owner, owner, true)?.code, ErrorCode.INVALID_INPUT, "naming oneself is the first problem");
  });
});
