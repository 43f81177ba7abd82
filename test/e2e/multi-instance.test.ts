import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addContacts, createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup } from "../support/groups";
import { type ApiProcess, gqlAt, startApiProcess } from "../support/processes";
import { engine, startTestServer, type TestServer } from "../support/server";

const RESPOND = `mutation($input: RespondToInvitationInput!) { respondToInvitation(input: $input) { member { role } userErrors { code } } }`;
const JOIN_CODE = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { member { role } userErrors { code } } }`;
const JOIN_LIVE = `mutation($input: JoinByLiveCodeInput!) { joinByLiveCode(input: $input) { group { id } userErrors { code } } }`;

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

  it("1,000 concurrent acceptances and code joins through both instances end exactly at the cap", { timeout: 240_000 }, async () => {
    const [owner, m1, m2, ...rest] = personal.users;
    const { id } = await createGroup(server, owner, [m1, m2]);
    const invitees = rest.slice(0, 500);
    const joiners = rest.slice(500, 1000);
    const { invitations } = ok(
      dataOf(await server.gql(`mutation($input: InviteMembersInput!) { inviteMembers(input: $input) { invitations { id } userErrors { code } } }`, { input: { groupId: id, userIds: invitees.map((u) => u.id) } }, owner.token)).inviteMembers,
    );
    const code = ok(dataOf(await server.gql(`mutation($input: CreateGroupCodeInput!) { createGroupCode(input: $input) { code { token } userErrors { code } } }`, { input: { groupId: id, type: "PERMANENT" } }, owner.token)).createGroupCode).code;
    const calls = [
      ...invitations.map((inv: any, i: number) => () => gqlAt(instances[i % 2].url, RESPOND, { input: { invitationId: inv.id, accept: true } }, invitees[i].token).then((r) => r.data.respondToInvitation)),
      ...joiners.map((u, i) => () => gqlAt(instances[(i + 1) % 2].url, JOIN_CODE, { input: { token: code.token } }, u.token).then((r) => r.data.joinGroupByCode)),
    ];
    const results = await Promise.all(calls.map((call) => call()));
    const admitted = results.filter((p) => p.member).length;
    assert.equal(admitted, 297, "3 members + 297 admitted = the cap of 300");
    assert.deepEqual([...new Set(results.filter((p) => !p.member).flatMap(codes))], ["GROUP_FULL"]);
    for (const instance of instances) {
      const seen = await gqlAt(instance.url, `query($id: ID!) { group(id: $id) { memberCount } }`, { id }, owner.token);
      assert.equal(seen.data.group.memberCount, 300, "every instance reads the same count");
    }
    const dupes = await server.sql("SELECT user_id, COUNT(*) AS n FROM group_members GROUP BY group_id, user_id HAVING COUNT(*) > 1");
    assert.deepEqual(dupes, []);
    await assertCountsConsistent(server);
  });

  it("1,000 concurrent live-code joins through both instances spread exactly", { timeout: 240_000 }, async () => {
    const [creator, m1, m2, ...joiners] = enterprise.users;
    const { id } = await createGroup(server, creator, [m1, m2]);
    const live = ok(
      dataOf(await server.gql(`mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id token } userErrors { code } } }`, { input: { name: "Spread", groupIds: [id], perGroupCap: 200, autoCreateGroups: true, baseName: "Spread" } }, creator.token)).createLiveCode,
    ).liveCode;
    const results = await Promise.all(joiners.map((u, i) => gqlAt(instances[i % 2].url, JOIN_LIVE, { input: { token: live.token } }, u.token).then((r) => r.data.joinByLiveCode)));
    assert.deepEqual(results.flatMap(codes), []);
    const groups = dataOf(await server.gql(`query($id: ID!) { node(id: $id) { ... on LiveCode { groups { memberCount } } } }`, { id: live.id }, creator.token)).node.groups;
    assert.ok(groups.every((g: any) => g.memberCount <= 200));
    assert.ok(groups.slice(0, -1).every((g: any) => g.memberCount === 200));
    const rows = await server.sql("SELECT m.user_id, COUNT(*) AS n FROM group_members m JOIN live_code_groups l ON l.group_id = m.group_id WHERE m.join_kind = 'LIVE_CODE' GROUP BY m.user_id");
    assert.equal(rows.length, 1000);
    assert.ok(rows.every((r: any) => Number(r.n) === 1));
    await assertCountsConsistent(server);
  });

  it("an Idempotency-Key holds across instances", { timeout: 60_000 }, async () => {
    const [owner, m1, m2] = personal.users;
    const { id } = await createGroup(server, owner, [m1, m2], { name: "Idempotent" });
    const body = JSON.stringify({ query: `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code } } }`, variables: { input: { groupId: id, text: "once across instances" } } });
    const send = (i: number) =>
      fetch(instances[i % 2].url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${owner.token}`, "idempotency-key": "cross-instance-1" }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const responses = await Promise.all([0, 1, 2, 3, 4, 5].map(send));
    const [row] = await server.sql("SELECT COUNT(*) AS n FROM group_log WHERE kind = 'MESSAGE' AND text = 'once across instances'");
    assert.equal(Number(row.n), 1);
    assert.equal(new Set(responses.filter((r) => r.status === 200).map((r) => r.text)).size, 1);
  });
});
