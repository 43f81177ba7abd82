import { Foundation1764028800000 } from "./1764028800000-Foundation";
import { Groups1764115200000 } from "./1764115200000-Groups";
import { Codes1764288000000 } from "./1764288000000-Codes";
import { Evidence1764374400000 } from "./1764374400000-Evidence";
import { Idempotency1764460800000 } from "./1764460800000-Idempotency";
import { ActivityIndex1764547200000 } from "./1764547200000-ActivityIndex";
import { TokenRevocation1764633600000 } from "./1764633600000-TokenRevocation";
import { HeadVersion1764633600001 } from "./1764633600001-HeadVersion";
import { Events1765000000000 } from "./1765000000000-Events";
import { Webhooks1765100000000 } from "./1765100000000-Webhooks";
import { PlatformModeration1765300000000 } from "./1765300000000-PlatformModeration";
import { MemberTags1765300000001 } from "./1765300000001-MemberTags";
import { GroupBans1765400000000 } from "./1765400000000-GroupBans";
import { SettingsAndMutes1765400000001 } from "./1765400000001-SettingsAndMutes";
import { JoinRequests1765400000002 } from "./1765400000002-JoinRequests";
import { BirthCodes1765400000003 } from "./1765400000003-BirthCodes";
import { Announcements1765400000004 } from "./1765400000004-Announcements";
import { ActivityCounters1765500000000 } from "./1765500000000-ActivityCounters";
import { DropTenantKindLogIndex1765600000000 } from "./1765600000000-DropTenantKindLogIndex";
import { JoinEventsInLog1765700000000 } from "./1765700000000-JoinEventsInLog";

/** Every migration, oldest first. Listed explicitly so the build needs no file globbing. */
export const MIGRATIONS = [Foundation1764028800000, Groups1764115200000, Codes1764288000000, Evidence1764374400000, Idempotency1764460800000, ActivityIndex1764547200000, TokenRevocation1764633600000, HeadVersion1764633600001, Events1765000000000, Webhooks1765100000000, PlatformModeration1765300000000, MemberTags1765300000001, GroupBans1765400000000, SettingsAndMutes1765400000001, JoinRequests1765400000002, BirthCodes1765400000003, Announcements1765400000004, ActivityCounters1765500000000, DropTenantKindLogIndex1765600000000, JoinEventsInLog1765700000000];
