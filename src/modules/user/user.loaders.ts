import { rowReader } from "../../db/rows";
import { byKeys, defineLoader } from "../../context/loaders";
import { User } from "./user.entity";
import { tagsOfUsers } from "./tags";

/** Users of the caller's tenant by row id. */
export const userById = defineLoader<string, User>("user", ({ db, tenantId }, ids) =>
  (async () => {
    const users = rowReader(db.dataSource, User, "u_");
    const rows = await db.rows(`SELECT ${users.select("u")} FROM users u WHERE u.tenant_id = ? AND u.id IN (${ids.map(() => "?").join(", ")})`, [tenantId, ...ids]);
    return byKeys(ids, rows.map((row) => users.readAt(row, 0)), (u) => u.rowId);
  })(),
);

/** Each user's CRM tags, sorted. */
export const tagsByUser = defineLoader<string, string[]>("userTags", ({ db, tenantId }, ids) =>
  db.read(async (em) => {
    const byUser = await tagsOfUsers(em, tenantId ?? "", ids);
    return ids.map((id) => byUser.get(id) ?? []);
  }),
);
