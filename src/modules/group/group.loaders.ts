import { In } from "typeorm";
import { byKeys, defineLoader } from "../../context/loaders";
import { userById } from "../user/user.loaders";
import { Group } from "./group.entity";
import { GroupLogEntry } from "./group-log.entity";
import { firstMembersOfGroups, type GroupRef, type MemberProjection, taggedMemberCounts } from "./member-page";
import { Member } from "./member.entity";

/** Groups of the caller's tenant by row id. */
export const groupById = defineLoader<string, Group>("group", ({ db, tenantId }, ids) =>
  db.read(async (em) => byKeys(ids, await em.find(Group, { where: { tenantId, rowId: In([...ids]) } }), (g) => g.rowId)),
);

/** The calling user's membership of each group (null: not a member, or no calling user). */
export const viewerMembership = defineLoader<string, Member>("viewerMembership", ({ db, tenantId, viewerId }, groupIds) =>
  viewerId
    ? db.read(async (em) => byKeys(groupIds, await em.find(Member, { where: { tenantId, userId: viewerId, groupId: In([...groupIds]) } }), (m) => m.groupId))
    : Promise.resolve(groupIds.map(() => null)),
);

/**
 * Whether the calling user is a member of each group (null: not a member). A list that proves
 * membership (the caller's own groups) primes it, so visibility checks below it read nothing.
 */
export const viewerIsMember = defineLoader<string, true>("viewerIsMember", ({ loaders }, groupIds) =>
  loaders
    .get(viewerMembership)
    .loadMany(groupIds)
    .then((rows) =>
      rows.map((row) => {
        if (row instanceof Error) throw row;
        return row ? true : null;
      }),
    ),
);

/**
 * The first `take` members of each requested group, read as `projection` says: one statement for
 * a whole page of groups. Users read whole are primed into the user loader (a partly read user
 * is not: another field of the request may need a column it lacks).
 */
export function firstMembers(take: number, tag: string | null, projection: MemberProjection) {
  return defineLoader<GroupRef, Member[]>(
    `firstMembers:${take}:${tag === null ? "" : JSON.stringify(tag)}:${projection.key}`,
    ({ db, tenantId, loaders }, groups) =>
      (async () => {
        const byGroup = await firstMembersOfGroups(db, tenantId, groups, take, projection, tag);
        if (projection.withUser && projection.user === null) {
          const users = loaders.get(userById);
          for (const members of byGroup.values()) for (const member of members) if (member.user) users.prime(member.userId, member.user);
        }
        return groups.map((g) => byGroup.get(g.id) ?? []);
      })(),
    (group) => group.id,
  );
}

/** History entries of the caller's tenant by row id (e.g. the entries holding group announcements). */
export const logEntryById = defineLoader<string, GroupLogEntry>("logEntry", ({ db, tenantId }, ids) =>
  db.read(async (em) => byKeys(ids, await em.find(GroupLogEntry, { where: { tenantId, rowId: In([...ids]) } }), (e) => e.rowId)),
);
/** How many members of each group carry the tag (Group.members(tag:).totalCount): one statement for a page of groups. */
export function taggedMemberCount(tag: string) {
  return defineLoader<string, number>(`taggedMemberCount:${JSON.stringify(tag)}`, ({ db, tenantId }, groupIds) =>
    db.read(async (em) => {
      const counts = await taggedMemberCounts(em, tenantId, groupIds, tag);
      return groupIds.map((id) => counts.get(id) ?? 0);
    }),
  );
}
