import type { App } from "./app";
import { rowIdOf } from "./common/global-id";
import { requestContext } from "./app";
import { platformScope } from "./modules/moderation/keyword-lists";
import { ModerationListVersion } from "./modules/moderation/moderation.entities";
import { KeywordAction, PlatformKeywordList } from "./modules/moderation/moderation.enums";
import { Tenant } from "./modules/tenant/tenant.entity";
import { Plan } from "./policy/limits";

export const DEMO_TENANT_NAME = "Demo tenant";
/** Demo user tokens last a day; a development server issues fresh ones when they have expired. */
const DEMO_TOKEN_TTL_SECONDS = 24 * 3600;
const DEMO_USERS = [
  { externalId: "alice", displayName: "Alice" },
  { externalId: "bob", displayName: "Bob" },
  { externalId: "carol", displayName: "Carol" },
  { externalId: "dave", displayName: "Dave" },
  { externalId: "erin", displayName: "Erin" },
];

/**
 * The platform's default keyword lists in development (a small sample; a deployment's operator sets
 * its own with setPlatformModerationKeywords). Written only while the list has never been set.
 */
export const DEFAULT_PLATFORM_KEYWORDS: Record<PlatformKeywordList, { term: string; action: KeywordAction }[]> = {
  [PlatformKeywordList.BASELINE]: [
    { term: "赌博", action: KeywordAction.BLOCK },
    { term: "六合彩", action: KeywordAction.BLOCK },
    { term: "色情", action: KeywordAction.BLOCK },
    { term: "porn", action: KeywordAction.BLOCK },
    { term: "casino", action: KeywordAction.BLOCK },
    { term: "代开发票", action: KeywordAction.REVIEW },
    { term: "刷单", action: KeywordAction.REVIEW },
  ],
  [PlatformKeywordList.MINOR_PROTECTION]: [
    { term: "电子烟", action: KeywordAction.BLOCK },
    { term: "vape", action: KeywordAction.BLOCK },
    { term: "网贷", action: KeywordAction.BLOCK },
    { term: "约会", action: KeywordAction.REVIEW },
  ],
};

export interface DemoCredentials {
  tenantId: string;
  apiKey: string;
  users: Array<{ externalId: string; userId: string; token: string }>;
  /** Every demo user's id by external id (alice, bob, carol, dave, erin). */
  userIds: Record<string, string>;
}

/** What each app instance seeded in this process: the development explorer offers it to its user. */
const seeded = new WeakMap<App, DemoCredentials>();

/** The demo credentials this process seeded into (or loaded for) `app`, if it did. */
export function seededCredentials(app: App): DemoCredentials | undefined {
  return seeded.get(app);
}

/** Makes `demo` the credentials the explorer of `app` offers. */
export function rememberCredentials(app: App, demo: DemoCredentials): void {
  seeded.set(app, demo);
}

async function accepted(app: App, token: string): Promise<boolean> {
  try {
    await app.authenticator.authenticate(`Bearer ${token}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Saved demo credentials made usable again: null when their API key no longer works on this
 * database (rotated, or another database); otherwise the same key with a fresh token for every
 * demo user whose token expired or was revoked. `changed` says whether a token was replaced.
 */
export async function refreshDemo(app: App, demo: DemoCredentials): Promise<{ demo: DemoCredentials; changed: boolean } | null> {
  if (!demo?.apiKey || !Array.isArray(demo.users) || !(await accepted(app, demo.apiKey))) return null;
  const rowId = rowIdOf(demo.tenantId, "Tenant");
  const tenant = rowId ? await app.db.read((em) => em.findOneBy(Tenant, { rowId })) : null;
  if (!tenant) return null;
  const asTenant = requestContext(app, "seed", app.log, { kind: "TENANT", tenantId: tenant.rowId }, tenant);
  let changed = false;
  const users = [];
  for (const user of demo.users) {
    if (await accepted(app, user.token)) {
      users.push(user);
      continue;
    }
    const { token } = await app.db.tx((em) => app.users.issueUserToken(asTenant, em, { userId: user.userId, ttlSeconds: DEMO_TOKEN_TTL_SECONDS }));
    users.push({ ...user, token });
    changed = true;
  }
  return { demo: { ...demo, users }, changed };
}

/**
 * Development seed: a demo tenant (certified enterprise plan, data-usage rules published) with five
 * users who are all each other's contacts, a fresh API key and tokens for Alice and Bob. Running it
 * again reuses the tenant and rotates its key.
 */
export async function seedDemo(app: App): Promise<DemoCredentials> {
  const platform = requestContext(app, "seed", app.log, { kind: "PLATFORM" }, null);
  for (const list of Object.values(PlatformKeywordList)) {
    const set = await app.db.read((em) => em.existsBy(ModerationListVersion, { scope: platformScope(list) }));
    if (!set) await app.db.tx((em) => app.moderation.setPlatformKeywords(platform, em, { list, keywords: DEFAULT_PLATFORM_KEYWORDS[list] }));
  }
  const existing = await app.db.read((em) => em.findOne(Tenant, { where: { name: DEMO_TENANT_NAME }, order: { createdAt: "ASC" } }));
  const { tenant, apiKey } = await app.db.tx((em) =>
    existing
      ? app.tenants.rotateApiKey(platform, em, existing.id)
      : app.tenants.createTenant(platform, em, {
          name: DEMO_TENANT_NAME,
          plan: Plan.ENTERPRISE_CERTIFIED,
          qualifications: { dataUsageRulesUrl: "https://example.com/data-usage", financialLicense: "DEMO-FIN-0001" },
        }),
  );
  const asTenant = requestContext(app, "seed", app.log, { kind: "TENANT", tenantId: tenant.rowId }, tenant);
  const { users } = await app.db.tx((em) => app.users.upsertUsers(asTenant, em, { users: DEMO_USERS }));
  const pairs = users.flatMap((u, i) => users.slice(i + 1).map((c) => ({ userId: u.id, contactId: c.id })));
  await app.db.tx((em) => app.users.addContacts(asTenant, em, { pairs }));
  const tokens = [];
  for (const user of users.slice(0, 2)) {
    const { token } = await app.db.tx((em) => app.users.issueUserToken(asTenant, em, { userId: user.id, ttlSeconds: 24 * 3600 }));
    tokens.push({ externalId: user.externalId, userId: user.id, token });
  }
  const demo = { tenantId: tenant.id, apiKey, users: tokens, userIds: Object.fromEntries(users.map((u) => [u.externalId, u.id])) };
  seeded.set(app, demo);
  return demo;
}

/**
 * What `npm start` and `npm run seed` print. `baseUrl` is where the server really answers (its bound
 * port, or PUBLIC_BASE_URL); null when no server is running and its address is not known yet.
 */
export function describeCredentials(baseUrl: string | null, platformToken: string | null, demo: DemoCredentials): string {
  const base = baseUrl?.replace(/\/+$/, "") ?? null;
  const endpoint = base ? `${base}/graphql` : "<server>/graphql";
  const lines = ["", "Group platform — development credentials"];
  if (base) {
    lines.push(`  GraphQL endpoint:      ${endpoint}`, `  API explorer, console: ${base}/ · ${base}/console`);
  } else {
    lines.push("  (no server is running: `npm start` prints its address; use it for <server> below)");
  }
  if (platformToken) lines.push(`  Platform admin token:  ${platformToken}`);
  lines.push(`  Demo tenant API key:   ${demo.apiKey}`);
  for (const user of demo.users) lines.push(`  Token for ${user.externalId.padEnd(6)}      ${user.token}`);
  lines.push(
    "",
    "Try it:",
    `  curl -s ${endpoint} -H 'content-type: application/json' \\`,
    `    -H 'authorization: Bearer ${demo.users[0]?.token ?? demo.apiKey}' \\`,
    `    -d '{"query":"{ viewer { id displayName contacts(first: 10) { totalCount edges { node { displayName } } } } }"}'`,
    "",
  );
  return lines.join("\n");
}
