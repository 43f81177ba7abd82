import { type EntityManager, In } from "typeorm";
import { z } from "zod";
import { DomainError, DomainErrors, ErrorCode, notFound } from "../../common/errors";
import { rowIdOf } from "../../common/global-id";
import { Tenant } from "../tenant/tenant.entity";
import { newId } from "../../common/ids";
import { type ConnectionShape, type PageRequest, toConnection } from "../../common/pagination";
import { displayText, externalKey, parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import { signUserToken } from "../../auth/credentials";
import type { Database } from "../../db/database";
import { forUpdate, keysetPage } from "../../db/query";
import { Contact } from "./contact.entity";
import { User } from "./user.entity";
import type { AddContactsInput, IssueUserTokenInput, RevokeUserTokensInput, SetUserTagsInput, UpsertUsersInput } from "./user.types";
import { replaceTags, tagList } from "./tags";

const upsertSchema = z.object({
  users: z
    .array(z.object({ externalId: externalKey(128), displayName: displayText(64) }))
    .min(1, "must name at least one user")
    .max(500, "at most 500 users per call"),
});

const contactsSchema = z.object({
  pairs: z
    .array(z.object({ userId: z.string().max(200), contactId: z.string().max(200) }))
    .min(1, "must name at least one pair")
    .max(500, "at most 500 pairs per call"),
});

const revokeSchema = z.object({ userId: z.string().max(200) });

const setTagsSchema = z.object({ userId: z.string().max(200), tags: tagList() });

const tokenSchema = z.object({
  userId: z.string().max(200),
  ttlSeconds: z.number().int().min(60).max(30 * 24 * 3600).nullish(),
});

/** Users of a tenant and their contacts (friendships). */
export class UserService {
  constructor(private readonly db: Database) {}

  /** Creates or renames users by `externalId`; calling it twice with the same input changes nothing. */
  async upsertUsers(ctx: RequestContext, em: EntityManager, input: UpsertUsersInput): Promise<{ users: User[] }> {
    const { users } = parseInput(upsertSchema, input);
    const seen = new Map<string, number>();
    users.forEach((user, index) => {
      const earlier = seen.get(user.externalId);
      if (earlier !== undefined && users[earlier].displayName !== user.displayName) {
        throw new DomainError(ErrorCode.INVALID_INPUT, `externalId ${user.externalId} appears twice with different names`, [
          "input",
          "users",
          String(index),
          "externalId",
        ]);
      }
      seen.set(user.externalId, index);
    });
    const tenantId = ctx.tenantId;
    const now = ctx.now();
    const externalIds = [...seen.keys()];
    // Insert-or-update in one statement, so concurrent upserts of the same externalId cannot collide.
    await em
      .createQueryBuilder()
      .insert()
      .into(User)
      .values([...seen.values()].map((i) => ({ rowId: newId(), tenantId, ...users[i], createdAt: now, updatedAt: now })))
      .orUpdate(["display_name", "updated_at"], ["tenant_id", "external_id"])
      .updateEntity(false)
      .execute();
    const rows = await em.find(User, { where: { tenantId, externalId: In(externalIds) } });
    const byExternalId = new Map(rows.map((row) => [row.externalId, row]));
    return { users: users.map((user) => byExternalId.get(user.externalId)!) };
  }

  /** Makes each pair mutual contacts; pairs that already are stay as they were. */
  async addContacts(ctx: RequestContext, em: EntityManager, input: AddContactsInput): Promise<{ pairs: Array<{ user: User; contact: User }> }> {
    const { pairs } = parseInput(contactsSchema, input);
    const tenantId = ctx.tenantId;
    const problems: DomainError[] = [];
    const resolved = pairs.map((pair, index) => {
      const userId = rowIdOf(pair.userId, "User");
      const contactId = rowIdOf(pair.contactId, "User");
      if (!userId) problems.push(notFound("User", ["input", "pairs", String(index), "userId"]));
      if (!contactId) problems.push(notFound("User", ["input", "pairs", String(index), "contactId"]));
      if (userId && userId === contactId) {
        problems.push(new DomainError(ErrorCode.INVALID_INPUT, "a user cannot be their own contact", ["input", "pairs", String(index), "contactId"]));
      }
      return { userId: userId ?? "", contactId: contactId ?? "" };
    });
    const ids = [...new Set(resolved.flatMap((p) => [p.userId, p.contactId]).filter(Boolean))];
    const users = new Map((await em.find(User, { where: { tenantId, rowId: In(ids) } })).map((u) => [u.rowId, u]));
    resolved.forEach((pair, index) => {
      if (pair.userId && !users.has(pair.userId)) problems.push(notFound("User", ["input", "pairs", String(index), "userId"]));
      if (pair.contactId && !users.has(pair.contactId)) problems.push(notFound("User", ["input", "pairs", String(index), "contactId"]));
    });
    if (problems.length) throw new DomainErrors(problems);

    const now = ctx.now();
    const rows = new Map<string, Contact>();
    for (const { userId, contactId } of resolved) {
      rows.set(`${userId}:${contactId}`, { userId, contactId, tenantId, createdAt: now });
      rows.set(`${contactId}:${userId}`, { userId: contactId, contactId: userId, tenantId, createdAt: now });
    }
    await em.createQueryBuilder().insert().into(Contact).values([...rows.values()]).orIgnore().updateEntity(false).execute();
    return { pairs: resolved.map((p) => ({ user: users.get(p.userId)!, contact: users.get(p.contactId)! })) };
  }

  async issueUserToken(ctx: RequestContext, em: EntityManager, input: IssueUserTokenInput) {
    const data = parseInput(tokenSchema, input);
    const rowId = rowIdOf(data.userId, "User");
    const user = rowId ? await em.findOneBy(User, { tenantId: ctx.tenantId, rowId }) : null;
    if (!user) throw notFound("User", ["input", "userId"]);
    const tenant = await em.findOneByOrFail(Tenant, { rowId: ctx.tenantId });
    // Never before the user's last revocation, even on an instance whose clock lags: a token issued
    // after revokeUserTokens (in the same millisecond, too) must work.
    const issuedAt = Math.max(ctx.now(), user.tokensValidFrom ?? 0);
    const { token, expiresAt } = await signUserToken(tenant.jwtSecret, { tenantId: tenant.rowId, userId: user.rowId }, issuedAt, data.ttlSeconds ?? 3600);
    return { token, expiresAt, user };
  }

  /**
   * Ends every token issued to the user until now: tokens carry their issue time in milliseconds
   * and those issued before `tokensValidFrom` are refused. It is set one millisecond past now, and
   * tokens issued afterwards never start before it (issueUserToken), so "before" and "after" the
   * revocation are told apart even within one millisecond. The caller drops the user from the
   * authentication cache after the commit.
   */
  async revokeUserTokens(ctx: RequestContext, em: EntityManager, input: RevokeUserTokensInput): Promise<{ user: User }> {
    const data = parseInput(revokeSchema, input);
    const rowId = rowIdOf(data.userId, "User");
    const user = rowId
      ? await forUpdate(em.createQueryBuilder(User, "u")).where("u.tenantId = :tenantId AND u.rowId = :rowId", { tenantId: ctx.tenantId, rowId }).getOne()
      : null;
    if (!user) throw notFound("User", ["input", "userId"]);
    const validFrom = Math.max(ctx.now() + 1, user.tokensValidFrom ?? 0);
    await em.update(User, { tenantId: user.tenantId, rowId: user.rowId }, { tokensValidFrom: validFrom });
    user.tokensValidFrom = validFrom;
    return { user };
  }

  /** Tenant: replaces a user's CRM tags (at most 20 distinct tags of 1…32 characters; duplicates dropped). */
  async setUserTags(ctx: RequestContext, em: EntityManager, input: SetUserTagsInput): Promise<{ user: User }> {
    const data = parseInput(setTagsSchema, input);
    const rowId = rowIdOf(data.userId, "User");
    const user = rowId ? await em.findOneBy(User, { tenantId: ctx.tenantId, rowId }) : null;
    if (!user) throw notFound("User", ["input", "userId"]);
    await replaceTags(em, user.tenantId, user.rowId, data.tags, ctx.now());
    return { user };
  }

  /** A user's contacts, oldest friendship first. */
  async contactsOf(tenantId: string, userId: string, page: PageRequest): Promise<ConnectionShape<User>> {
    const { entities, raw } = await this.db.read((em) =>
      keysetPage(
        em
          .createQueryBuilder(User, "u")
          .innerJoin(Contact, "c", "c.contactId = u.rowId AND c.tenantId = u.tenantId")
          .addSelect("c.createdAt", "friends_since")
          .where("c.userId = :userId AND c.tenantId = :tenantId", { userId, tenantId }),
        "c.createdAt",
        "u.rowId",
        page,
      ).getRawAndEntities(),
    );
    const since = new Map(raw.map((r: { u_id: string; friends_since: string | number }) => [r.u_id, Number(r.friends_since)]));
    return toConnection(entities, page, (u) => ({ key: since.get(u.rowId)!, id: u.rowId }), () =>
      this.db.read((em) => em.countBy(Contact, { tenantId, userId })),
    );
  }

  /** The tenant's users, oldest first, optionally only those with the given external ids. */
  async listUsers(tenantId: string, page: PageRequest, externalIds?: string[] | null): Promise<ConnectionShape<User>> {
    const scope = (em: EntityManager) => {
      const qb = em.createQueryBuilder(User, "u").where("u.tenantId = :tenantId", { tenantId });
      if (externalIds) qb.andWhere("u.externalId IN (:...externalIds)", { externalIds: externalIds.length ? externalIds : [""] });
      return qb;
    };
    const rows = await this.db.read((em) => keysetPage(scope(em), "u.createdAt", "u.rowId", page).getMany());
    return toConnection(rows, page, (u) => ({ key: u.createdAt, id: u.rowId }), () => this.db.read((em) => scope(em).getCount()));
  }
}
