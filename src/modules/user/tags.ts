import { type EntityManager, In } from "typeorm";
import { z } from "zod";
import { displayText } from "../../common/validation";
import { forUpdate } from "../../db/query";
import { User } from "./user.entity";
import { UserTag } from "./user-tag.entity";

/** The contract's tag limits (API.md, "Enterprise operations"): a tag is 1…32 characters, a user holds at most 20. */
export const MAX_TAG_LENGTH = 32;
export const MAX_TAGS_PER_USER = 20;

/** One tag: trimmed, NFC, 1…32 characters. */
export const tagText = () => displayText(MAX_TAG_LENGTH);

/** A list of tags as given: each valid, at most `MAX_TAGS_PER_USER` distinct ones. Duplicates are dropped. */
export const tagList = () =>
  z
    .array(tagText())
    .transform((tags) => [...new Set(tags)])
    .refine((tags) => tags.length <= MAX_TAGS_PER_USER, `at most ${MAX_TAGS_PER_USER} distinct tags`);

/** Locks the user row, so changes to one user's tags are made one at a time and the per-user limit holds. */
async function lockUser(em: EntityManager, tenantId: string, userId: string): Promise<void> {
  await forUpdate(em.createQueryBuilder(User, "u")).where("u.tenantId = :tenantId AND u.rowId = :userId", { tenantId, userId }).getOne();
}

/** A user's tags, sorted. */
export async function tagsOfUser(em: EntityManager, userId: string): Promise<string[]> {
  return (await em.find(UserTag, { where: { userId }, order: { tag: "ASC" } })).map((t) => t.tag);
}

/** Replaces a user's tags (the user row must be locked by the caller or here). */
export async function replaceTags(em: EntityManager, tenantId: string, userId: string, tags: readonly string[], now: number): Promise<void> {
  await lockUser(em, tenantId, userId);
  await em.delete(UserTag, { userId });
  if (tags.length) await em.insert(UserTag, tags.map((tag) => ({ userId, tag, tenantId, createdAt: now })));
}

/**
 * Gives a user these tags on top of theirs (a live code tagging whoever joins), as many as fit
 * under the per-user limit: a join never fails for a label. Returns the tags added.
 */
export async function addTags(em: EntityManager, tenantId: string, userId: string, tags: readonly string[], now: number): Promise<string[]> {
  if (tags.length === 0) return [];
  await lockUser(em, tenantId, userId);
  const held = await em.find(UserTag, { where: { userId }, select: { tag: true } });
  const have = new Set(held.map((t) => t.tag));
  const added = tags.filter((t) => !have.has(t)).slice(0, Math.max(0, MAX_TAGS_PER_USER - have.size));
  if (added.length) await em.insert(UserTag, added.map((tag) => ({ userId, tag, tenantId, createdAt: now })));
  return added;
}

/** Tags of several users (one statement), for the per-request loader. */
export async function tagsOfUsers(em: EntityManager, tenantId: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await em.find(UserTag, { where: { tenantId, userId: In([...userIds]) }, order: { tag: "ASC" } });
  const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]));
  for (const row of rows) byUser.get(row.userId)?.push(row.tag);
  return byUser;
}
