import type { EntityManager } from "typeorm";
import { z } from "zod";
import { parseInput } from "../../common/validation";
import type { RequestContext } from "../../context/context";
import type { ModerationService } from "../moderation/moderation.service";
import { assertNotDissolved, lockGroup, memberActor, requireRole } from "./access";
import type { GroupLog } from "./group-log";
import type { LogData } from "./group-log.entity";
import { Group } from "./group.entity";
import { GroupEventKind } from "./group.enums";

/** A welcome message: trimmed NFC, at most 500 characters; empty clears it. */
export const welcomeText = () =>
  z
    .string()
    .transform((s) => s.normalize("NFC").trim())
    .refine((s) => [...s].length <= 500, "must be at most 500 characters");

const settingsSchema = z.object({
  groupId: z.string(),
  joinApproval: z.boolean().nullish(),
  muteAll: z.boolean().nullish(),
  welcomeMessage: welcomeText().nullish(),
});

/** A group's own switches: join approval, mute all, the welcome message. */
export class GroupSettingsService {
  constructor(
    private readonly moderation: ModerationService,
    private readonly groupLog: GroupLog,
  ) {}

  /**
   * Owners and admins change any of the settings; a field left out (or null) keeps its value, an
   * empty welcome message removes it. The welcome message passes keyword moderation. Each change
   * is a history entry; a call that changes nothing writes nothing.
   */
  async updateGroupSettings(
    ctx: RequestContext,
    em: EntityManager,
    input: { groupId: string; joinApproval?: boolean | null; muteAll?: boolean | null; welcomeMessage?: string | null },
  ): Promise<{ group: Group }> {
    const data = parseInput(settingsSchema, input);
    const group = await lockGroup(ctx, em, data.groupId);
    assertNotDissolved(group);
    const member = await memberActor(ctx, em, group);
    requireRole(member, "change the group's settings");
    if (data.welcomeMessage) await this.moderation.screen(ctx, em, data.welcomeMessage, ["input", "welcomeMessage"], { groupId: group.rowId, category: group.category });

    const changes: Partial<Pick<Group, "joinApproval" | "muteAll" | "welcomeMessage">> = {};
    if (data.joinApproval != null && data.joinApproval !== group.joinApproval) changes.joinApproval = data.joinApproval;
    if (data.muteAll != null && data.muteAll !== group.muteAll) changes.muteAll = data.muteAll;
    if (data.welcomeMessage != null && (data.welcomeMessage || null) !== group.welcomeMessage) changes.welcomeMessage = data.welcomeMessage || null;
    if (Object.keys(changes).length === 0) return { group };

    const now = ctx.now();
    Object.assign(group, changes);
    await em.update(Group, { rowId: group.rowId }, { ...changes, updatedAt: now });
    await this.groupLog.append(em, group, [{ kind: GroupEventKind.SETTINGS_CHANGED, actorId: member.userId, data: changes as LogData }], now);
    return { group };
  }
}
