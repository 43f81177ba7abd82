import type { App } from "./app";
import { requestContext } from "./app";
import { Tenant } from "./modules/tenant/tenant.entity";
import { Plan } from "./policy/limits";

export const DEMO_TENANT_NAME = "Demo tenant";
const DEMO_USERS = [
  { externalId: "alice", displayName: "Alice" },
  { externalId: "bob", displayName: "Bob" },
  { externalId: "carol", displayName: "Carol" },
  { externalId: "dave", displayName: "Dave" },
  { externalId: "erin", displayName: "Erin" },
];

export interface DemoCredentials {
  tenantId: string;
  apiKey: string;
  users: Array<{ externalId: string; userId: string; token: string }>;
  /** Every demo user's id by external id (alice, bob, carol, dave, erin). */
  userIds: Record<string, string>;
}

/** What each app instance seeded in this process: the development explorer offers it to its user. */
const seeded = new WeakMap<App, DemoCredentials>();

/** The demo credentials this process seeded into `app`, if it did (they live only in memory). */
export function seededCredentials(app: App): DemoCredentials | undefined {
  return seeded.get(app);
}

/**
 * Development seed: a demo tenant (certified enterprise plan, data-usage rules published) with five
 * users who are all each other's contacts, a fresh API key and tokens for Alice and Bob. Running it
 * again reuses the tenant and rotates its key.
 */
export async function seedDemo(app: App): Promise<DemoCredentials> {
  const platform = requestContext(app, "seed", app.log, { kind: "PLATFORM" }, null);
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

export function describeCredentials(url: string, platformToken: string | null, demo: DemoCredentials): string {
  const lines = [
    "",
    "Group platform — development credentials",
    `  GraphQL endpoint:      ${url}`,
    `  API explorer, console: ${url.replace(/\/graphql$/, "/")} · ${url.replace(/\/graphql$/, "/console")}`,
  ];
  if (platformToken) lines.push(`  Platform admin token:  ${platformToken}`);
  lines.push(`  Demo tenant API key:   ${demo.apiKey}`);
  for (const user of demo.users) lines.push(`  Token for ${user.externalId.padEnd(6)}      ${user.token}`);
  lines.push(
    "",
    "Try it:",
    `  curl -s ${url} -H 'content-type: application/json' \\`,
    `    -H 'authorization: Bearer ${demo.users[0]?.token ?? demo.apiKey}' \\`,
    `    -d '{"query":"{ viewer { id displayName contacts(first: 10) { totalCount edges { node { displayName } } } } }"}'`,
    "",
  );
  return lines.join("\n");
}
