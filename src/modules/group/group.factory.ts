import type { EntityManager } from "typeorm";
import { newId } from "../../common/ids";
import { GroupCategory } from "../../policy/compliance";
import { issueBirthCode } from "../code/birth-code";
import type { GroupLog, LogEntryInput } from "./group-log";
import { Group } from "./group.entity";
import { GroupEventKind, GroupStatus } from "./group.enums";

export interface NewGroup {
  tenantId: string;
  name: string;
  ownerId: string;
  category?: GroupCategory;
  minorProtection?: boolean;
  status?: GroupStatus;
  parentId?: string | null;
  /** Extra facts for the GROUP_CREATED history entry (e.g. which live code opened it). */
  createdData?: LogEntryInput["data"];
}

/**
 * Inserts an empty group (no members yet), its PERMANENT code from birth and its GROUP_CREATED history entry. Every way a group
 * comes to be — createGroup, live codes, face to face, splits — goes through here.
 */
export async function insertGroup(log: GroupLog, em: EntityManager, spec: NewGroup, now: number): Promise<Group> {
  const group = em.create(Group, {
    rowId: newId(),
    tenantId: spec.tenantId,
    name: spec.name,
    category: spec.category ?? GroupCategory.GENERAL,
    minorProtection: spec.minorProtection ?? false,
    status: spec.status ?? GroupStatus.ACTIVE,
    ownerId: spec.ownerId,
    createdBy: spec.ownerId,
    parentId: spec.parentId ?? null,
    memberCount: 0,
    logSize: 0,
    createdAt: now,
    updatedAt: now,
    dissolvedAt: null,
    merkleFrontier: null,
  });
  await em.insert(Group, group);
  await issueBirthCode(em, group, now);
  await log.append(em, group, [{ kind: GroupEventKind.GROUP_CREATED, actorId: spec.ownerId, text: group.name, data: spec.createdData ?? { category: group.category } }], now);
  return group;
}
