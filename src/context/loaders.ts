import DataLoader from "dataloader";
import { In } from "typeorm";
import type { Database } from "../db/database";
import { GroupCode, LiveCode } from "../modules/code/code.entities";
import { Group } from "../modules/group/group.entity";
import { firstMembersOfGroups } from "../modules/group/member-page";
import { Member } from "../modules/group/member.entity";
import { User } from "../modules/user/user.entity";

/** Maps rows back to the requested keys, in order, with null for missing ones. */
export function byKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): Array<V | null> {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((key) => map.get(key) ?? null);
}

/**
 * Per-request DataLoaders. Each is bound to the caller's tenant: every batch query carries
 * `tenant_id`, so an id from another tenant loads as null, exactly like an id that does not exist.
 */
export class Loaders {
  private cache = new Map<string, DataLoader<unknown, unknown>>();

  constructor(
    private readonly db: Database,
    private readonly tenantId: string | null,
    private readonly viewerId: string | null,
  ) {}

  protected loader<K, V>(name: string, batch: (tenantId: string, keys: readonly K[]) => Promise<Array<V | null>>): DataLoader<K, V | null> {
    let loader = this.cache.get(name) as DataLoader<K, V | null> | undefined;
    if (!loader) {
      const tenantId = this.tenantId;
      loader = new DataLoader<K, V | null>(async (keys) => (tenantId ? batch(tenantId, keys) : keys.map(() => null)), {
        maxBatchSize: 500,
      });
      this.cache.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  /** Users of the caller's tenant by row id. */
  get user(): DataLoader<string, User | null> {
    return this.loader<string, User>("user", (tenantId, ids) =>
      this.db.read(async (em) => byKeys(ids, await em.find(User, { where: { tenantId, rowId: In([...ids]) } }), (u) => u.rowId)),
    );
  }

  /** Groups of the caller's tenant by row id. */
  get group(): DataLoader<string, Group | null> {
    return this.loader<string, Group>("group", (tenantId, ids) =>
      this.db.read(async (em) => byKeys(ids, await em.find(Group, { where: { tenantId, rowId: In([...ids]) } }), (g) => g.rowId)),
    );
  }

  /** The calling user's membership of each group (null: not a member, or no calling user). */
  get viewerMembership(): DataLoader<string, Member | null> {
    const viewerId = this.viewerId;
    return this.loader<string, Member>("viewerMembership", (tenantId, groupIds) =>
      viewerId
        ? this.db.read(async (em) =>
            byKeys(groupIds, await em.find(Member, { where: { tenantId, userId: viewerId, groupId: In([...groupIds]) } }), (m) => m.groupId),
          )
        : Promise.resolve(groupIds.map(() => null)),
    );
  }

  /** Group codes of the caller's tenant by row id. */
  get groupCode(): DataLoader<string, GroupCode | null> {
    return this.loader<string, GroupCode>("groupCode", (tenantId, ids) =>
      this.db.read(async (em) => byKeys(ids, await em.find(GroupCode, { where: { tenantId, rowId: In([...ids]) } }), (c) => c.rowId)),
    );
  }

  /** Live codes of the caller's tenant by row id. */
  get liveCode(): DataLoader<string, LiveCode | null> {
    return this.loader<string, LiveCode>("liveCode", (tenantId, ids) =>
      this.db.read(async (em) => byKeys(ids, await em.find(LiveCode, { where: { tenantId, rowId: In([...ids]) } }), (c) => c.rowId)),
    );
  }

  /**
   * The first `take` members (with users) of each requested group: one statement for a whole page
   * of groups. The users it brings are primed into the user loader.
   */
  firstMembers(take: number): DataLoader<string, Member[] | null> {
    return this.loader<string, Member[]>(`firstMembers:${take}`, (tenantId, groupIds) =>
      this.db.read(async (em) => {
        const byGroup = await firstMembersOfGroups(em, tenantId, groupIds, take);
        for (const members of byGroup.values()) for (const member of members) if (member.user) this.user.prime(member.userId, member.user);
        return groupIds.map((id) => byGroup.get(id) ?? []);
      }),
    );
  }
}
