import type { Logger } from "pino";
import { DataSource } from "typeorm";
import { dataSourceOptions, ensureDatabase, parseDatabaseUrl } from "./db/datasource";
import { type Clock, systemClock } from "./common/clock";
import { parseMemberKey } from "./common/global-id";
import { NodeRegistry } from "./common/node-registry";
import type { AppConfig } from "./config";
import { Authenticator } from "./context/authenticator";
import type { RequestContext } from "./context/context";
import { Database } from "./db/database";
import { IdempotencyStore } from "./http/idempotency";
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter, unlimited } from "./http/rate-limit";
import { QueryCounter } from "./db/query-logger";
import { runMigrations } from "./db/migrate";
import { GroupCode, LiveCode } from "./modules/code/code.entities";
import { FaceToFaceService } from "./modules/code/face-to-face.service";
import { GroupCodeService } from "./modules/code/group-code.service";
import { LiveCodeService } from "./modules/code/live-code.service";
import { attachEvidenceSigner } from "./modules/evidence/leaf";
import { EvidenceService } from "./modules/evidence/evidence.service";
import { EvidenceSigner } from "./modules/evidence/signer";
import { QrRenderer } from "./modules/code/qr";
import { GroupLogEntry } from "./modules/group/group-log.entity";
import { SplitService } from "./modules/group/split.service";
import { MessageService } from "./modules/message/message.service";
import { StatsService } from "./modules/stats/stats.service";
import { GroupReader } from "./modules/group/group.reader";
import { GroupService } from "./modules/group/group.service";
import { Invitation } from "./modules/group/invitation.entity";
import { InvitationService } from "./modules/group/invitation.service";
import { Member } from "./modules/group/member.entity";
import { MemberService } from "./modules/group/member.service";
import { ReviewItem, RiskEvent } from "./modules/moderation/moderation.entities";
import { ModerationService } from "./modules/moderation/moderation.service";
import { ReviewService } from "./modules/moderation/review.service";
import { RiskService } from "./modules/moderation/risk.service";
import { TenantService } from "./modules/tenant/tenant.service";
import { UserService } from "./modules/user/user.service";
import { PolicyRegistry } from "./policy/registry";

/** The long-lived parts of one API instance, shared by every request. */
export interface App {
  config: AppConfig;
  /** Base of links handed to clients: PUBLIC_BASE_URL, else the address the server listens on. */
  publicBaseUrl: string;
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
  const sessionStatements = causalReads ? ["SET SESSION wsrep_sync_wait = 1"] : [];
  const dataSource = new DataSource(dataSourceOptions(target, { size: config.dbPoolSize, sessionStatements }, queries));
  await dataSource.initialize();
  const db = new Database(dataSource, queries, { galera: server.galera, causalReads });
  if (server.galera) log.info({ causalReads }, "database is a Galera cluster node");
  const signer = evidenceSigner(config);
  attachEvidenceSigner(dataSource, signer);
  if (options.migrate !== false) await runMigrations(db, log);

  const risk = new RiskService(db);
  const moderation = new ModerationService(risk);
  const review = new ReviewService(db);
  const invitations = new InvitationService(db);
  const groups = new GroupService(moderation, review, risk, invitations);
  const app: App = {
    config,
    publicBaseUrl: config.publicBaseUrl ?? `http://${config.host}:${config.port}`,
    log,
    clock,
    db,
    policies: new PolicyRegistry(),
    authenticator: new Authenticator(db, config.platformAdminToken, clock),
    nodes: new NodeRegistry(),
    tenants: new TenantService(db),
    users: new UserService(db),
    risk,
    moderation,
    review,
    invitations,
    groups,
    members: new MemberService(invitations, risk),
    groupReader: new GroupReader(db),
    groupCodes: new GroupCodeService(),
    liveCodes: new LiveCodeService(db, moderation),
    faceToFace: new FaceToFaceService(db, risk, groups),
    messages: new MessageService(db, moderation, review),
    evidence: new EvidenceService(db, signer),
    stats: new StatsService(db),
    split: new SplitService(),
    qr: new QrRenderer({ cacheEntries: config.qrCacheEntries, workers: config.qrWorkers }),
    idempotency: new IdempotencyStore(db, clock, config.idempotency),
    authFailureLimiter: authFailureLimiter(config, log, clock),
    rateLimiter: !config.rateLimit.enabled
      ? unlimited
      : config.redisUrl
        ? new RedisRateLimiter(config.redisUrl, config.rateLimit, log)
        : new MemoryRateLimiter(config.rateLimit, () => clock.now()),
  };
  registerNodes(app);
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

function registerNodes(app: App): void {
  app.nodes.register("Tenant", async (ctx, rowId) => {
    if (ctx.principal.kind === "PLATFORM") return app.tenants.findTenant(rowId);
    return ctx.tenant?.rowId === rowId ? ctx.tenant : null;
  });
  app.nodes.register("User", (ctx, rowId) => ctx.loaders.user.load(rowId));
  app.nodes.register("Group", (ctx, rowId) => app.groupReader.visibleGroup(ctx, rowId));
  // A membership is visible exactly where the group's member list is: to its members and the tenant.
  app.nodes.register("Member", async (ctx, key) => {
    const { groupId, userId } = parseMemberKey(key);
    if (!(await app.groupReader.visibleGroup(ctx, groupId))) return null;
    return app.db.read((em) => em.findOneBy(Member, { groupId, userId, tenantId: ctx.tenantId }));
  });
  app.nodes.register("Invitation", (ctx, rowId) =>
    app.db.read(async (em) => {
      if (!ctx.tenant) return null;
      const invitation = await em.findOneBy(Invitation, { rowId, tenantId: ctx.tenant.rowId });
      return invitation && (ctx.principal.kind === "TENANT" || invitation.inviteeId === ctx.userId) ? invitation : null;
    }),
  );
  const tenantOnly = <T extends object>(entity: new () => T) => (ctx: RequestContext, rowId: string) =>
    ctx.principal.kind === "TENANT" ? app.db.read((em) => em.findOneBy(entity, { rowId, tenantId: ctx.tenantId } as never)) : Promise.resolve(null);
  app.nodes.register("ReviewItem", tenantOnly(ReviewItem));
  app.nodes.register("GroupCode", async (ctx, rowId) => {
    const code = ctx.tenant ? await app.db.read((em) => em.findOneBy(GroupCode, { rowId, tenantId: ctx.tenantId })) : null;
    return code && (await app.groupReader.visibleGroup(ctx, code.groupId)) ? code : null;
  });
  app.nodes.register("LiveCode", async (ctx, rowId) => {
    const code = ctx.tenant ? await app.db.read((em) => em.findOneBy(LiveCode, { rowId, tenantId: ctx.tenantId })) : null;
    return code && (ctx.principal.kind === "TENANT" || code.createdBy === ctx.userId) ? code : null;
  });
  app.nodes.register("Message", async (ctx, rowId) => {
    const entry = ctx.tenant ? await app.db.read((em) => em.findOneBy(GroupLogEntry, { rowId, tenantId: ctx.tenantId })) : null;
    return entry && (await app.messages.canRead(ctx, entry)) ? entry : null;
  });
  app.nodes.register("FaceToFaceSession", (ctx, rowId) => app.faceToFace.sessionFor(ctx, rowId));
  app.nodes.register("RiskEvent", tenantOnly(RiskEvent));
}

export async function closeApp(app: App): Promise<void> {
  await app.rateLimiter.close();
  await app.qr.close();
  await app.authFailureLimiter.close();
  if (app.db.dataSource.isInitialized) await app.db.dataSource.destroy();
}

