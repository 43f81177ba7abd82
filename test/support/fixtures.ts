import assert from "node:assert/strict";
import { FixtureAddContactsDocument, FixtureCreateTenantDocument, FixtureIssueUserTokenDocument, FixtureUpsertUsersDocument } from "../generated/graphql";
import type { TestServer } from "./server";

export interface FixtureUser {
  id: string;
  externalId: string;
  displayName: string;
  token: string;
}

export interface FixtureTenant {
  id: string;
  name: string;
  apiKey: string;
  users: FixtureUser[];
}

export interface TenantOptions {
  name?: string;
  plan?: "PERSONAL" | "ENTERPRISE" | "ENTERPRISE_CERTIFIED";
  users?: number;
  /** Make every user a contact of every other (default true). */
  allContacts?: boolean;
  policyOverrides?: Record<string, unknown>;
  qualifications?: { financialLicense?: string | null; dataUsageRulesUrl?: string | null };
}

/** Asserts a payload has no userErrors and returns it. */
export function ok<T extends { userErrors: unknown[] }>(payload: T | undefined | null, what = "mutation"): T {
  assert.ok(payload, `${what}: no payload`);
  assert.deepEqual(payload.userErrors, [], `${what}: unexpected userErrors`);
  return payload;
}

/** A response's data: typed by the document sent, untyped for a string operation or parsed JSON. */
export type DataOf<R extends { data?: unknown }> = 0 extends 1 & R ? any : NonNullable<R["data"]>;

/** Asserts the response carries no top-level errors and returns its data (typed by the document sent). */
export function dataOf<R extends { data?: unknown; errors?: unknown[] }>(response: R): DataOf<R> {
  assert.equal(response.errors, undefined, `unexpected errors: ${JSON.stringify(response.errors)}`);
  return response.data as DataOf<R>;
}

/** The `extensions.code` of each top-level error. */
export function errorCodes(response: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown[] {
  return (response.errors ?? []).map((e) => e.extensions?.code);
}

let counter = 0;

/** A tenant with users (optionally all mutual contacts) and a token for each user. */
export async function createTenant(server: TestServer, options: TenantOptions = {}): Promise<FixtureTenant> {
  const name = options.name ?? `Tenant ${++counter}`;
  const created = await server.gql(
    FixtureCreateTenantDocument,
    {
      input: {
        name,
        plan: options.plan ?? "PERSONAL",
        policyOverrides: options.policyOverrides ?? null,
        qualifications: options.qualifications ?? null,
      },
    },
    server.platformToken,
  );
  const payload = ok(dataOf(created).createTenant, "createTenant");
  const tenant: FixtureTenant = { id: payload.tenant!.id, name, apiKey: payload.apiKey!, users: [] };
  const userCount = options.users ?? 4;
  if (userCount > 0) {
    const users = Array.from({ length: userCount }, (_, i) => ({ externalId: `u${i + 1}`, displayName: `User ${i + 1}` }));
    const upserted: { users: Array<{ id: string; externalId: string; displayName: string }> } = { users: [] };
    for (let i = 0; i < users.length; i += 500) {
      const chunk = ok(
        dataOf(
          await server.gql(
            FixtureUpsertUsersDocument,
            { input: { users: users.slice(i, i + 500) } },
            tenant.apiKey,
          ),
        ).upsertUsers,
        "upsertUsers",
      );
      upserted.users.push(...chunk.users!);
    }
    for (const user of upserted.users) {
      const issued = ok(
        dataOf(
          await server.gql(
            FixtureIssueUserTokenDocument,
            { input: { userId: user.id, ttlSeconds: 30 * 24 * 3600 } },
            tenant.apiKey,
          ),
        ).issueUserToken,
        "issueUserToken",
      );
      tenant.users.push({ ...user, token: issued.token! });
    }
    if (options.allContacts !== false && tenant.users.length > 1) {
      await addContacts(server, tenant, tenant.users.flatMap((u, i) => tenant.users.slice(i + 1).map((c) => [u, c] as [FixtureUser, FixtureUser])));
    }
  }
  return tenant;
}

export async function addContacts(server: TestServer, tenant: FixtureTenant, pairs: Array<[FixtureUser, FixtureUser]>): Promise<void> {
  for (let i = 0; i < pairs.length; i += 500) {
    const chunk = pairs.slice(i, i + 500).map(([u, c]) => ({ userId: u.id, contactId: c.id }));
    ok(
      dataOf(
        await server.gql(
          FixtureAddContactsDocument,
          { input: { pairs: chunk } },
          tenant.apiKey,
        ),
      ).addContacts,
      "addContacts",
    );
  }
}

/** The standard fixture: two tenants, so every test also exercises isolation. */
export async function twoTenants(server: TestServer, options: TenantOptions = {}): Promise<[FixtureTenant, FixtureTenant]> {
  return [await createTenant(server, options), await createTenant(server, options)];
}
