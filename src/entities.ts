import { FaceToFaceAttempt, FaceToFaceParticipant, FaceToFaceSession, FaceToFaceSlot, GroupCode, LiveCode, LiveCodeGroup } from "./modules/code/code.entities";
import { EventRecord } from "./modules/events/event.entity";
import { Ban } from "./modules/group/ban.entity";
import { JoinRequest } from "./modules/group/join-request.entity";
import { GroupLogEntry } from "./modules/group/group-log.entity";
import { Group } from "./modules/group/group.entity";
import { Invitation } from "./modules/group/invitation.entity";
import { Member } from "./modules/group/member.entity";
import { ModerationKeyword, ModerationListVersion, PlatformModerationKeyword, ReviewItem, RiskEvent } from "./modules/moderation/moderation.entities";
import { TenantApiKey } from "./modules/tenant/api-key.entity";
import { GroupActivityDay, MemberActivityDay } from "./modules/stats/activity.entities";
import { Tenant } from "./modules/tenant/tenant.entity";
import { Contact } from "./modules/user/contact.entity";
import { User } from "./modules/user/user.entity";
import { UserTag } from "./modules/user/user-tag.entity";
import { WebhookDelivery, WebhookEndpoint } from "./modules/webhooks/webhook.entities";

/** Every TypeORM entity of the service. */
export const ENTITIES = [
  Tenant, TenantApiKey, User, Contact, Group, Member, Invitation, GroupLogEntry, ModerationKeyword,
  ReviewItem,
  RiskEvent,
  PlatformModerationKeyword,
  ModerationListVersion,
  UserTag,
  GroupCode,
  LiveCode,
  LiveCodeGroup,
  FaceToFaceSession,
  FaceToFaceParticipant,
  FaceToFaceSlot,
  FaceToFaceAttempt,
  EventRecord,
  WebhookEndpoint,
  WebhookDelivery,
  Ban,
  JoinRequest,
  GroupActivityDay,
  MemberActivityDay,
];
