import type { NodeFetchers } from "../../graphql/node-registry";
import { GroupLogEntry } from "../group/group-log.entity";
import type { MessageService } from "./message.service";

/** A message is visible to whoever may read that part of its group's history (MessageService.canRead). */
export function messageNodes(messages: MessageService): NodeFetchers {
  return {
    Message: async (ctx, rowId) => {
      const entry = ctx.tenant ? await ctx.db.read((em) => em.findOneBy(GroupLogEntry, { rowId, tenantId: ctx.tenantId })) : null;
      return entry && (await messages.canRead(ctx, entry)) ? entry : null;
    },
  };
}
