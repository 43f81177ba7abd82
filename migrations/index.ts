import { Foundation1764028800000 } from "./1764028800000-Foundation";
import { Groups1764115200000 } from "./1764115200000-Groups";
import { Codes1764288000000 } from "./1764288000000-Codes";
import { Evidence1764374400000 } from "./1764374400000-Evidence";
import { Idempotency1764460800000 } from "./1764460800000-Idempotency";
import { ActivityIndex1764547200000 } from "./1764547200000-ActivityIndex";
import { TokenRevocation1764633600000 } from "./1764633600000-TokenRevocation";
import { HeadVersion1764633600001 } from "./1764633600001-HeadVersion";
import { GroupBans1764806400000 } from "./1764806400000-GroupBans";
import { SettingsAndMutes1764806400001 } from "./1764806400001-SettingsAndMutes";
import { JoinRequests1764806400002 } from "./1764806400002-JoinRequests";
import { BirthCodes1764806400003 } from "./1764806400003-BirthCodes";
import { Announcements1764806400004 } from "./1764806400004-Announcements";

/** Every migration, oldest first. Listed explicitly so the build needs no file globbing. */
export const MIGRATIONS = [Foundation1764028800000, Groups1764115200000, Codes1764288000000, Evidence1764374400000, Idempotency1764460800000, ActivityIndex1764547200000, TokenRevocation1764633600000, HeadVersion1764633600001, GroupBans1764806400000, SettingsAndMutes1764806400001, JoinRequests1764806400002, BirthCodes1764806400003, Announcements1764806400004];
