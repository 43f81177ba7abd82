import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTenant, dataOf, type FixtureTenant, ok } from "../support/fixtures";
import { codes, createGroup, permanentCode } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const ERR = "userErrors { code message field }";
const CODES = `query($id: ID!) { group(id: $id) { codes { id type status token } } }`;
const CREATE = `mutation($input: CreateGroupCodeInput!) { createGroupCode(input: $input) { code { id type status } ${ERR} } }`;
const REVOKE = `mutation($input: RevokeGroupCodeInput!) { revokeGroupCode(input: $input) { code { id status } ${ERR} } }`;
const JOIN = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { member { user { id } joinSource { kind } } ${ERR} } }`;
const ENTER = `mutation($input: EnterFaceToFaceInput!) { enterFaceToFace(input: $input) { session { id } ${ERR} } }`;
const JOIN_F2F = `mutation($input: JoinFaceToFaceGroupInput!) { joinFaceToFaceGroup(input: $input) { group { id } ${ERR} } }`;
const RULES = { dataUsageRulesUrl: "https://corp.example/rules" };

/** A permanent code from birth for every group; fixed where permanentCodeRefreshable is false (PERSONAL). Two tenants. */
describe("permanent code from birth", () => {
  let server: TestServer;
  let personal: FixtureTenant;
  let enterprise: FixtureTenant;
  let refreshable: FixtureTenant;

  before(async () => {
    server = await startTestServer();
    personal = await createTenant(server, { users: 5 });
    enterprise = await createTenant(server, { plan: "ENTERPRISE", users: 4, qualifications: RULES });
    refreshable = await createTenant(server, { users: 4, policyOverrides: { permanentCodeRefreshable: true } });
  });
  after(() => server.close());

  const codesOf = async (groupId: string, token: string) => dataOf(await server.gql(CODES, { id: groupId }, token)).group.codes;

  async function refusedUnchanged(run: () => Promise<any>, code: string, what: string) {
    const before = await snapshot(server);
    const payload = await run();
    assert.deepEqual(codes(payload), [code], `${what}: ${JSON.stringify(payload.userErrors)}`);
    assert.deepEqual(await snapshot(server), before, `${what}: nothing written`);
  }

  it("createGroup and face to face give the new group an ACTIVE permanent code that joins", async () => {
    const [o, a, b, c, d] = personal.users;
    const groupId = (await createGroup(server, o, [a, b])).id;
    const list = await codesOf(groupId, o.token);
    assert.deepEqual(list.map((x: any) => [x.type, x.status]), [["PERMANENT", "ACTIVE"]]);
    const joined = ok(dataOf(await server.gql(JOIN, { input: { token: list[0].token } }, c.token)).joinGroupByCode);
    assert.equal(joined.member.joinSource.kind, "GROUP_CODE");

    const here = { latitude: 31.2304, longitude: 121.4737 };
    const session = ok(dataOf(await server.gql(ENTER, { input: { digits: "2468", ...here } }, d.token)).enterFaceToFace).session;
    const { group } = ok(dataOf(await server.gql(JOIN_F2F, { input: { sessionId: session.id } }, d.token)).joinFaceToFaceGroup);
    assert.deepEqual((await codesOf(group.id, d.token)).map((x: any) => x.type), ["PERMANENT"]);
  });

  it("PERSONAL: the code from birth is the group's only permanent code — neither replaced nor revoked (NOT_PERMITTED, nothing written)", async () => {
    const [o, a, b] = personal.users;
    const groupId = (await createGroup(server, o, [a, b])).id;
    const birth = await permanentCode(server, o, groupId);
    await refusedUnchanged(async () => dataOf(await server.gql(CREATE, { input: { groupId, type: "PERMANENT" } }, o.token)).createGroupCode, "NOT_PERMITTED", "a second permanent code");
    await refusedUnchanged(async () => dataOf(await server.gql(REVOKE, { input: { codeId: birth.id } }, o.token)).revokeGroupCode, "NOT_PERMITTED", "revoking it (owner)");
    await refusedUnchanged(async () => dataOf(await server.gql(REVOKE, { input: { codeId: birth.id } }, personal.apiKey)).revokeGroupCode, "NOT_PERMITTED", "revoking it (tenant key)");
    await refusedUnchanged(async () => dataOf(await server.gql(REVOKE, { input: { codeId: birth.id } }, enterprise.apiKey)).revokeGroupCode, "NOT_FOUND", "another tenant");
    assert.equal(ok(dataOf(await server.gql(CREATE, { input: { groupId, type: "TEMPORARY" } }, o.token)).createGroupCode).code.type, "TEMPORARY", "temporary codes as before");
  });

  it("ENTERPRISE (and an override) may revoke the code from birth and make new permanent codes", async () => {
    for (const tenant of [enterprise, refreshable]) {
      const [o, a, b] = tenant.users;
      const groupId = (await createGroup(server, o, [a, b])).id;
      const birth = await permanentCode(server, o, groupId);
      assert.equal(ok(dataOf(await server.gql(REVOKE, { input: { codeId: birth.id } }, o.token)).revokeGroupCode).code.status, "REVOKED");
      assert.equal(ok(dataOf(await server.gql(CREATE, { input: { groupId, type: "PERMANENT" } }, o.token)).createGroupCode).code.status, "ACTIVE");
    }
  });
});
