import { In } from "typeorm";
import { byKeys, defineLoader } from "../../context/loaders";
import { User } from "./user.entity";
import { tagsOfUsers } from "./tags";

/** Users of the caller's tenant by row id. */
export const userById = defineLoader<string, User>("user", ({ db, tenantId }, ids) =>
  db.read(async (em) => byKeys(ids, await em.find(User, { where: { tenantId, rowId: In([...ids]) } }), (u) => u.rowId)),
);

/** Each user's CRM tags, sorted. */
export const tagsByUser = defineLoader<string, string[]>("userTags", ({ db, tenantId }, ids) =>
  db.read(async (em) => {
    const byUser = await tagsOfUsers(em, tenantId ?? "", ids);
    return ids.map((id) => byUser.get(id) ?? []);
  }),
);
