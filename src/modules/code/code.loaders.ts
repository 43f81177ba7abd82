import { In } from "typeorm";
import { byKeys, defineLoader } from "../../context/loaders";
import { GroupCode, LiveCode } from "./code.entities";

/** Group codes of the caller's tenant by row id. */
export const groupCodeById = defineLoader<string, GroupCode>("groupCode", ({ db, tenantId }, ids) =>
  db.read(async (em) => byKeys(ids, await em.find(GroupCode, { where: { tenantId, rowId: In([...ids]) } }), (c) => c.rowId)),
);

/** Live codes of the caller's tenant by row id. */
export const liveCodeById = defineLoader<string, LiveCode>("liveCode", ({ db, tenantId }, ids) =>
  db.read(async (em) => byKeys(ids, await em.find(LiveCode, { where: { tenantId, rowId: In([...ids]) } }), (c) => c.rowId)),
);
