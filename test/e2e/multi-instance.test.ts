import { after, before, describe, it } from "node:test";
import { addContacts, createTenant, type FixtureTenant } from "../support/fixtures";
import { type ApiProcess, startApiProcess } from "../support/processes";
import { idempotentAcrossInstances, raceToCap, spreadLiveCode } from "../support/scale-out";
import { engine, startTestServer, type TestServer } from "../support/server";


describe(`two API processes on one database (${engine})`, { skip: engine !== "mysql" && "several processes share a database server only on MySQL/MariaDB" }, () => {
  let server: TestServer;
  let instances: ApiProcess[];
  let personal: FixtureTenant;
  let enterprise: FixtureTenant;
  before(async () => {
    server = await startTestServer({ config: { rateLimit: { enabled: false, capacity: 1, leakPerSecond: 1 } } });
    // Both processes start together: the migration lock lets exactly one migrate (already done here).
    const env = { DATABASE_URL: server.databaseUrl, PLATFORM_ADMIN_TOKEN: server.platformToken, RATE_LIMIT: "off", DB_POOL_SIZE: "10" };
    instances = await Promise.all([startApiProcess(env), startApiProcess(env)]);
    personal = await createTenant(server, { users: 1001, allContacts: false, policyOverrides: { maxGroupSize: 300, directAddLimit: 3, codeJoinCap: 300, permanentCodeMaxMembers: 300, bulkActionThreshold: 100000 } });
    await addContacts(server, personal, personal.users.slice(1, 503).map((u) => [personal.users[0], u]));
    enterprise = await createTenant(server, { plan: "ENTERPRISE_CERTIFIED", users: 1003, allContacts: false, qualifications: { dataUsageRulesUrl: "https://corp.example/rules" } });
    await addContacts(server, enterprise, [[enterprise.users[0], enterprise.users[1]], [enterprise.users[0], enterprise.users[2]]]);
  });
  after(async () => {
    await Promise.all((instances ?? []).map((i) => i.stop()));
    await server?.close();
  });

  it("1,000 concurrent acceptances and code joins through both instances end exactly at the cap", { timeout: 600_000 }, async () => {
    const [owner, m1, m2, ...rest] = personal.users;
    await raceToCap(server, instances, owner, [m1, m2], rest.slice(0, 500), rest.slice(500, 1000), 300);
  });

  it("1,000 concurrent live-code joins through both instances spread exactly", { timeout: 600_000 }, async () => {
    const [creator, m1, m2, ...joiners] = enterprise.users;
    await spreadLiveCode(server, instances, creator, [m1, m2], joiners, 200);
  });

  it("an Idempotency-Key holds across instances", { timeout: 600_000 }, async () => {
    const [owner, m1, m2] = personal.users;
    await idempotentAcrossInstances(server, instances, owner, [m1, m2], "cross-instance-1");
  });
});
