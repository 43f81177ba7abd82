import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { DataSource } from "typeorm";
import { Authenticator } from "./auth/authenticator";
import { type Clock, systemClock } from "./common/clock";
import type { AppConfig } from "./config";
import { RequestContext } from "./context/context";
import type { Principal } from "./context/principal";
import { Database } from "./db/database";
import { dataSourceOptions, ensureDatabase, parseDatabaseUrl } from "./db/datasource";
import { runMigrations } from "./db/migrate";
import { QueryCounter } from "./db/query-logger";
import { ResolverContainer } from "./graphql/container";
import { NodeRegistry } from "./graphql/node-registry";
import { IdempotencyStore } from "./http/idempotency";
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter, unlimited } from "./http/rate-limit";
import { codeNodes } from "./modules/code/code.nodes";
import { FaceToFaceService } from "./modules/code/face-to-face.service";
import { GroupCodeService } from "./modules/code/group-code.service";
import { PublicLinks } from "./modules/code/links";
import { LiveCodeService } from "./modules/code/live-code.service";
import { QrRenderer } from "./modules/code/qr";
import { EvidenceService } from "./modules/evidence/evidence.service";
import { EvidenceSigner } from "./modules/evidence/signer";
import { type EventBus, MemoryEventBus, RedisEventBus } from "./modules/events/bus";
import { EventService } from "./modules/events/event.service";
import { eventNodes } from "./modules/events/events.nodes";
import { attachLiveEvents, LiveEvents } from "./modules/events/live";
import { attachEventBus } from "./modules/events/outbox";
import { GroupLog } from "./modules/group/group-log";
import { groupNodes } from "./modules/group/group.nodes";
import { BanService } from "./modules/group/ban.service";
import { GroupCreation } from "./modules/group/group-creation";
import { GroupReader } from "./modules/group/group.reader";
import { MuteService } from "./modules/group/mute.service";
import { AnnouncementService } from "./modules/group/announcement.service";
import { JoinRequestService } from "./modules/group/join-request.service";
import { GroupSettingsService } from "./modules/group/settings.service";
import { GroupService } from "./modules/group/group.service";
import { HandOverService } from "./modules/group/handover.service";
import { InvitationService } from "./modules/group/invitation.service";
import { MemberService } from "./modules/group/member.service";
import { SplitService } from "./modules/group/split.service";
import { messageNodes } from "./modules/message/message.nodes";
import { MessageService } from "./modules/message/message.service";
import { moderationNodes } from "./modules/moderation/moderation.nodes";
import { ModerationService } from "./modules/moderation/moderation.service";
import { ReviewService } from "./modules/moderation/review.service";
import { RiskService } from "./modules/moderation/risk.service";
import { StatsService } from "./modules/stats/stats.service";
import type { Tenant } from "./modules/tenant/tenant.entity";
import { tenantNodes } from "./modules/tenant/tenant.nodes";
import { TenantService } from "./modules/tenant/tenant.service";
import { userNodes } from "./modules/user/user.nodes";
import { WebhookDispatcher } from "./modules/webhooks/dispatcher";
import { WebhookService } from "./modules/webhooks/webhook.service";
import { webhookNodes } from "./modules/webhooks/webhooks.nodes";
import { UserService } from "./modules/user/user.service";
import { PolicyRegistry } from "./policy/registry";
import { buildAppSchema } from "./schema";

/** The long-lived parts of one API instance, shared by every request. */
export interface App {
  config: AppConfig;
  /** Links handed to clients: PUBLIC_BASE_URL, else the address the server listens on. */
  links: PublicLinks;
  /** The executable schema; its resolvers get these services through their constructors. */
  schema: GraphQLSchema;
  log: Logger;
  clock: Clock;
  db: Database;
  policies: PolicyRegistry;
  authenticator: Authenticator;
  nodes: NodeRegistry;
  tenants: TenantService;
  users: UserService;
  risk: RiskService;
  moderation: ModerationService;
  review: ReviewService;
  invitations: InvitationService;
  groups: GroupService;
  members: MemberService;
  bans: BanService;
  mutes: MuteService;
  groupSettings: GroupSettingsService;
  announcements: AnnouncementService;
  joinRequests: JoinRequestService;
  handOver: HandOverService;
  groupReader: GroupReader;
  groupCodes: GroupCodeService;
  liveCodes: LiveCodeService;
  faceToFace: FaceToFaceService;
  messages: MessageService;
  evidence: EvidenceService;
  stats: StatsService;
  split: SplitService;
  rateLimiter: RateLimiter;
  /** Failed authentications per client address (AUTH_FAILURE_LIMIT); shared through Redis when REDIS_URL is set. */
  authFailureLimiter: RateLimiter;
  idempotency: IdempotencyStore;
  /** QR codes of join links: cached per URL, drawn on worker threads. */
  qr: QrRenderer;
  /** The event feed and its retention. */
  events: EventService;
  /** Committed events, fanned out to every instance (Redis when REDIS_URL is set). */
  eventBus: EventBus;
  /** This instance's subscriptions. */
  live: LiveEvents;
  /** Webhook endpoints and their delivery log. */
  webhooks: WebhookService;
  /** Sends due webhook deliveries (started with the HTTP server). */
  webhookDispatcher: WebhookDispatcher;
}

export interface AppOptions {
  config: AppConfig;
  log: Logger;
  clock?: Clock;
  /** Apply pending migrations before serving (default true). */
  migrate?: boolean;
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const target = parseDatabaseUrl(config.databaseUrl);
  const server = await ensureDatabase(target);
  const queries = new QueryCounter();
  queries.attach(log);
  // Galera applies other nodes' write sets asynchronously: with causal reads, every read (and every
  // transaction's first statement) waits until this node has applied what the cluster committed
  // before it, so a client that wrote through one instance reads its write through any other.
  const causalReads = target.engine === "mysql" && (config.causalReads === "on" || (config.causalReads === "auto" && server.galera));
  // Transactions run at READ COMMITTED: set once per connection, not by a statement in every transaction.
  const sessionStatements = ["SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", ...(causalReads ? ["SET SESSION wsrep_sync_wait = 1"] : [])];
  const dataSource = new DataSource(dataSourceOptions(target, { size: config.dbPoolSize, sessionStatements }, queries));
  await dataSource.initialize();
  const db = new Database(dataSource, queries, { galera: server.galera, causalReads, compoundStatements: server.compoundStatements });
  if (server.galera) log.info({ causalReads }, "database is a Galera cluster node");
  const signer = evidenceSigner(config);
  if (options.migrate !== false) await runMigrations(db, log);
  // Events recorded in a transaction are published here once it commits (modules/events/outbox.ts).
  const eventBus: EventBus = config.redisUrl ? new RedisEventBus(config.redisUrl, log) : new MemoryEventBus();
  attachEventBus(dataSource, eventBus);

  // Every history append seals its entries with the evidence key: the one GroupLog holds it.
  const groupLog = new GroupLog(signer);
  const risk = new RiskService(db);
  const moderation = new ModerationService(risk);
  const review = new ReviewService(db);
  const invitations = new InvitationService(db, groupLog);
  const groupCreation = new GroupCreation(moderation, review, risk, invitations, groupLog);
  const groups = new GroupService(moderation, review, groupCreation, groupLog);
  const tenants = new TenantService(db);
  const groupReader = new GroupReader(db);
  const joinRequests = new JoinRequestService(db, groupLog);
  const faceToFace = new FaceToFaceService(db, risk, groupCreation, groupLog, joinRequests);
  const messages = new MessageService(db, moderation, review, groupLog);
  const bans = new BanService(db, groupLog);
  const httpsOnly = config.env === "production";
  const events = new EventService(db);
  const webhookDispatcher = new WebhookDispatcher(db, events, eventBus, config.webhooks, httpsOnly, clock, log);
  const services = {
    policies: new PolicyRegistry(),
    authenticator: new Authenticator(db, config.platformAdminToken, clock),
    nodes: new NodeRegistry(
      tenantNodes(tenants),
      userNodes(),
      groupNodes(groupReader, joinRequests),
      codeNodes(groupReader, faceToFace),
      messageNodes(messages),
      moderationNodes(),
      eventNodes(events),
      webhookNodes(),
    ),
    links: new PublicLinks(config.publicBaseUrl ?? `http://${config.host}:${config.port}`),
    tenants,
    users: new UserService(db),
    risk,
    moderation,
    review,
    invitations,
    groupCreation,
    groups,
    members: new MemberService(invitations, risk, groupLog, bans),
    bans,
    mutes: new MuteService(groupLog),
    groupSettings: new GroupSettingsService(moderation, groupLog),
    announcements: new AnnouncementService(moderation, review, groupLog),
    handOver: new HandOverService(groupLog),
    groupReader,
    groupCodes: new GroupCodeService(groupLog, joinRequests),
    liveCodes: new LiveCodeService(db, moderation, groupCreation, groupLog, joinRequests),
    joinRequests,
    faceToFace,
    messages,
    evidence: new EvidenceService(db, signer),
    stats: new StatsService(db, groupReader),
    split: new SplitService(groupLog, groupCreation),
    qr: new QrRenderer({ cacheEntries: config.qrCacheEntries, workers: config.qrWorkers }),
    events,
    webhooks: new WebhookService(db, webhookDispatcher, { httpsOnly, allowPrivate: config.webhooks.allowPrivateTargets }),
  };
  const container = new ResolverContainer().provide(...Object.values(services));
  const app: App = {
    config,
    log,
    clock,
    db,
    ...services,
    schema: buildAppSchema(container),
    eventBus,
    webhookDispatcher,
    live: new LiveEvents(db, eventBus, config.subscriptions),
    idempotency: new IdempotencyStore(db, clock, config.idempotency),
    authFailureLimiter: authFailureLimiter(config, log, clock),
    rateLimiter: !config.rateLimit.enabled
      ? unlimited
      : config.redisUrl
        ? new RedisRateLimiter(config.redisUrl, config.rateLimit, log)
        : new MemoryRateLimiter(config.rateLimit, () => clock.now()),
  };
  attachLiveEvents(app.schema, app.live);
  return app;
}

/** One failure costs one point; the bucket holds AUTH_FAILURE_LIMIT and refills AUTH_FAILURE_REFILL_PER_MINUTE. */
function authFailureLimiter(config: AppConfig, log: Logger, clock: Clock): RateLimiter {
  const { limit, refillPerMinute } = config.authFailures;
  if (limit === 0) return unlimited;
  const settings = { capacity: limit, leakPerSecond: refillPerMinute / 60 };
  return config.redisUrl ? new RedisRateLimiter(config.redisUrl, settings, log) : new MemoryRateLimiter(settings, () => clock.now());
}

/** The evidence key: configured; else (development) a key file under ./data/; in tests a fresh key. */
function evidenceSigner(config: AppConfig): EvidenceSigner {
  if (config.evidenceSigningKey) return EvidenceSigner.fromPem(config.evidenceSigningKey);
  if (config.env === "production") throw new Error("EVIDENCE_SIGNING_KEY must be set in production (an Ed25519 PKCS#8 PEM)");
  if (config.env === "test") return EvidenceSigner.generate();
  return EvidenceSigner.fromFile(config.evidenceKeyFile);
}

/** One request's context: the caller, the tenant and its policy object (resolved once), the app's database and clock. */
export function requestContext(app: App, requestId: string, log: Logger, principal: Principal, tenant: Tenant | null): RequestContext {
  return new RequestContext({ requestId, log, principal, tenant, policy: tenant ? app.policies.forTenant(tenant) : null, db: app.db, clock: app.clock });
}

export async function closeApp(app: App): Promise<void> {
  await app.webhookDispatcher.stop();
  app.live.close();
  await app.eventBus.close();
  await app.rateLimiter.close();
  await app.qr.close();
  await app.authFailureLimiter.close();
  if (app.db.dataSource.isInitialized) await app.db.dataSource.destroy();
}

