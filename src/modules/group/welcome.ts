import { type EntityManager, In } from "typeorm";
import { User } from "../user/user.entity";
import type { LogEntryInput } from "./group-log";
import type { LogData } from "./group-log.entity";
import type { Group } from "./group.entity";
import { GroupEventKind } from "./group.enums";

/** A welcome message to post on a join: the group's own, or one a path brings (a live code's). */
export interface Welcome {
  template: string;
  data?: LogData | null;
}

/** The text a joiner is welcomed with: %NICKNAME% is their display name, %GROUP% the group's name. */
export function welcomeText(template: string, nickname: string, groupName: string): string {
  return template.replaceAll("%NICKNAME%", nickname).replaceAll("%GROUP%", groupName);
}

/** One welcome message per joiner for the group's history, placeholders filled in (reads the joiners' display names). */
export async function welcomeEntries(em: EntityManager, group: Group, userIds: string[], welcome: Welcome): Promise<LogEntryInput[]> {
  if (userIds.length === 0) return [];
  const names = new Map(
    (await em.find(User, { where: { tenantId: group.tenantId, rowId: In(userIds) }, select: { rowId: true, displayName: true } })).map((u) => [u.rowId, u.displayName]),
  );
  return userIds.map((userId) => ({
    kind: GroupEventKind.WELCOME_MESSAGE,
    subjectId: userId,
    text: welcomeText(welcome.template, names.get(userId) ?? "", group.name),
    data: welcome.data ?? null,
  }));
}
