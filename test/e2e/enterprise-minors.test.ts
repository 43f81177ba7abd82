import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { codes, createGroup } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

const CREATE_LIVE = `mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id groups { id } } userErrors { code message field } } }`;
const UPDATE_LIVE = `mutation($input: UpdateLiveCodeInput!) { updateLiveCode(input: $input) { liveCode { id groups { id } } userErrors { code message field } } }`;
const EDU = { category: "EDUCATION", minorProtection: true } as const;

describe(`minor protection: EDUCATION groups accept no live codes (${engine})`, () => {
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    [a, b] = await twoTenants(server, { users: 4, plan: "ENTERPRISE", qualifications: { dataUsageRulesUrl: "https://corp.example/rules" } });
  });
  after(() => server.close());

  it("creating or updating a live code with an EDUCATION group is COMPLIANCE_REQUIRED at that group, nothing written", async () => {
    for (const tenant of [a, b]) {
      const [owner, m1, m2] = tenant.users;
      const school = await createGroup(server, owner, [m1, m2], { name: "Class 3B", ...EDU });
      const general = await createGroup(server, owner, [m1, m2], { name: "Parents' lounge" });
      const before = await snapshot(server);
      const created = dataOf(await server.gql(CREATE_LIVE, { input: { name: "Open day", groupIds: [general.id, school.id] } }, owner.token)).createLiveCode;
      assert.deepEqual(created.userErrors.map((e: any) => [e.code, e.field]), [["COMPLIANCE_REQUIRED", ["input", "groupIds", "1"]]]);
      assert.deepEqual(await snapshot(server), before);

      const code = ok(dataOf(await server.gql(CREATE_LIVE, { input: { name: "Open day", groupIds: [general.id] } }, owner.token)).createLiveCode).liveCode;
      const mid = await snapshot(server);
      for (const token of [owner.token, tenant.apiKey]) {
        const updated = dataOf(await server.gql(UPDATE_LIVE, { input: { liveCodeId: code.id, groupIds: [school.id, general.id] } }, token)).updateLiveCode;
        assert.deepEqual(codes(updated), ["COMPLIANCE_REQUIRED"]);
        assert.deepEqual(updated.userErrors[0].field, ["input", "groupIds", "0"]);
      }
      assert.deepEqual(await snapshot(server), mid);
    }
  });
});
