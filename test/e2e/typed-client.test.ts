import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { demo, execute, GraphQLError } from "../../examples/client";
import { GroupCodePreviewDocument, ViewerDocument } from "../../examples/generated/graphql";
import { type FixtureTenant, twoTenants } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

describe("examples/client.ts, the typed client", () => {
  let server: TestServer;
  let a: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    [a] = await twoTenants(server, { users: 3 });
  });
  after(() => server.close());

  it("runs the generated documents against the server", async () => {
    const [owner] = a.users;
    const groups = await demo(server.url, owner.token);
    assert.deepEqual(groups, ["User 1's typed group (3 members, OWNER)"]);
    const { viewer } = await execute(server.url, owner.token, ViewerDocument);
    assert.equal(viewer?.contacts?.totalCount, 2);
  });

  it("surfaces top-level errors with their codes", async () => {
    await assert.rejects(execute(server.url, "not-a-token", ViewerDocument), (error: unknown) => {
      assert.ok(error instanceof GraphQLError);
      assert.deepEqual(error.codes, ["UNAUTHENTICATED"]);
      return true;
    });
    const preview = execute(server.url, a.users[1].token, GroupCodePreviewDocument, { token: "no-such-code" });
    await assert.rejects(preview, (error: unknown) => error instanceof GraphQLError && error.codes[0] === "NOT_FOUND");
  });
});
