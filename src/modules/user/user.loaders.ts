import { In } from "typeorm";
import { byKeys, defineLoader } from "../../context/loaders";
import { User } from "./user.entity";

/** Users of the caller's tenant by row id. */
export const userById = defineLoader<string, User>("user", ({ db, tenantId }, ids) =>
  db.read(async (em) => byKeys(ids, await em.find(User, { where: { tenantId, rowId: In([...ids]) } }), (u) => u.rowId)),
);
