import type { NodeFetchers } from "../../graphql/node-registry";
import type { GroupReader } from "../group/group.reader";
import { GroupCode, LiveCode } from "./code.entities";
import type { FaceToFaceService } from "./face-to-face.service";

/**
 * A group code is visible with its group; a live code to its creator and the tenant's key; a
 * face-to-face session to its participants.
 */
export function codeNodes(reader: GroupReader, faceToFace: FaceToFaceService): NodeFetchers {
  return {
    GroupCode: async (ctx, rowId) => {
      const code = ctx.tenant ? await ctx.db.read((em) => em.findOneBy(GroupCode, { rowId, tenantId: ctx.tenantId })) : null;
      return code && (await reader.visibleGroup(ctx, code.groupId)) ? code : null;
    },
    LiveCode: async (ctx, rowId) => {
      const code = ctx.tenant ? await ctx.db.read((em) => em.findOneBy(LiveCode, { rowId, tenantId: ctx.tenantId })) : null;
      return code && (ctx.principal.kind === "TENANT" || code.createdBy === ctx.userId) ? code : null;
    },
    FaceToFaceSession: (ctx, rowId) => faceToFace.sessionFor(ctx, rowId),
  };
}
