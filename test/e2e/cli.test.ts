import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dataOf, errorCodes, ok } from "../support/fixtures";
import { startTestServer, type TestServer, production, serverMode, testEvidenceKey } from "../support/server";

const CLI = join(__dirname, "../../src/cli.js");
const VERIFY = join(__dirname, "../../src/tools/verify-evidence.js");

// The CLI and the server must sign evidence with the same key, as two instances of one deployment do.
const EVIDENCE_KEY = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
process.env.EVIDENCE_SIGNING_KEY = EVIDENCE_KEY;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** No stack trace, no internals: only the CLI's own message lines. */
function assertCleanError(result: Run, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code (stderr: ${result.stderr})`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at |Error:|node:internal/, "no stack trace");
}

describe("group-platform CLI", () => {
  let server: TestServer;
  let scratch: string;
  const cli = (...args: string[]) => run(CLI, args, { DATABASE_URL: server.databaseUrl, NODE_ENV: serverMode, ...(production ? { EVIDENCE_SIGNING_KEY: testEvidenceKey } : {}) });

  before(async () => {
    server = await startTestServer();
    scratch = mkdtempSync(join(tmpdir(), "gp-cli-"));
  });
  after(async () => {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("explains bad arguments with exit code 2 and no stack trace", async () => {
    const help = await cli("help");
    assert.equal(help.code, 0);
    for (const name of ["migrate", "seed", "print-schema", "create-tenant", "rotate-api-key", "rotate-token-secret", "issue-token", "revoke-user-tokens", "export-evidence"]) {
      assert.match(help.stdout, new RegExp(`^  ${name} `, "m"));
    }
    assert.match((await cli("issue-token", "--help")).stdout, /--tenant <tenant id> --user <user id \| external id>/);
    assertCleanError(await cli("make-coffee"), 2, /unknown command "make-coffee"/);
    assertCleanError(await cli("create-tenant", "--name", "Acme"), 2, /--plan is required/);
    assertCleanError(await cli("create-tenant", "--name", "Acme", "--plan", "GOLD"), 2, /--plan must be one of PERSONAL, ENTERPRISE, ENTERPRISE_CERTIFIED/);
    assertCleanError(await cli("create-tenant", "--name", "Acme", "--plan", "PERSONAL", "--colour", "red"), 2, /Unknown option '--colour'/);
    assertCleanError(await cli("create-tenant", "--name"), 2, /--name/);
    assertCleanError(await cli("create-tenant", "--name", "x".repeat(101), "--plan", "PERSONAL"), 2, /INVALID_INPUT: .*\(name\)/);
    assertCleanError(await cli("rotate-api-key", "--tenant", "not-an-id"), 2, /no tenant with id not-an-id/);
    assertCleanError(await cli("issue-token", "--tenant", "x", "--user", "y", "--ttl", "ten"), 2, /--ttl must be a whole number in 60…2592000/);
    assertCleanError(await cli("export-evidence", "--group", "nope"), 2, /no group with id nope/);
    assertCleanError(await cli("migrate", "extra"), 2, /migrate takes no arguments/);
  });

  it("revoke-user-tokens ends one user's tokens; rotate-token-secret ends all of a tenant's, not its API key", async () => {
    const tenant = JSON.parse((await cli("create-tenant", "--name", "Revoking", "--plan", "PERSONAL", "--json")).stdout);
    ok(
      dataOf(
        await server.gql(
          `mutation($input: UpsertUsersInput!) { upsertUsers(input: $input) { users { id } userErrors { code } } }`,
          { input: { users: [{ externalId: "cat", displayName: "Cat" }, { externalId: "dan", displayName: "Dan" }] } },
          tenant.apiKey,
        ),
      ).upsertUsers,
    );
    const tokenOf = async (user: string) => JSON.parse((await cli("issue-token", "--tenant", tenant.tenantId, "--user", user, "--json")).stdout).token as string;
    const [cat, dan] = [await tokenOf("cat"), await tokenOf("dan")];
    const viewer = async (token: string) => (await server.gql(`{ viewer { id } }`, {}, token)).status;
    /** The CLI is another process: the server sees its changes when its 5 s authentication cache expires. */
    const eventually = async (token: string, status: number) => {
      let seen = 0;
      for (let i = 0; i < 70 && seen !== status; i++) {
        seen = await viewer(token);
        if (seen !== status) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return seen;
    };
    assert.equal(await viewer(cat), 200);
    const revoked = await cli("revoke-user-tokens", "--tenant", tenant.tenantId, "--user", "cat", "--json");
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(JSON.parse(revoked.stdout).externalId, "cat");
    assert.equal(await eventually(cat, 401), 401);
    assert.equal(await viewer(dan), 200, "another user's token still works");
    assert.equal(await viewer(await tokenOf("cat")), 200, "a token issued afterwards works");
    assertCleanError(await cli("revoke-user-tokens", "--tenant", tenant.tenantId, "--user", "nobody"), 2, /no user nobody/);

    const rotated = await cli("rotate-token-secret", "--tenant", tenant.tenantId, "--json");
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(await eventually(dan, 401), 401);
    assert.equal(dataOf(await server.gql(`{ myTenant { id } }`, {}, tenant.apiKey)).myTenant.id, tenant.tenantId, "the API key still works");
    assert.equal(await viewer(await tokenOf("dan")), 200, "tokens signed with the new secret work");
    assertCleanError(await cli("rotate-token-secret", "--tenant", "nope"), 2, /no tenant with id nope/);
  });

  it("creates a tenant, rotates its key and issues user tokens the API accepts", async () => {
    const created = await cli("create-tenant", "--name", "CLI tenant", "--plan", "ENTERPRISE_CERTIFIED", "--data-usage-rules-url", "https://example.com/rules", "--json");
    assert.equal(created.code, 0, created.stderr);
    const tenant = JSON.parse(created.stdout);
    assert.match(tenant.apiKey, /^gpk_/);
    const mine = dataOf(await server.gql(`{ myTenant { id name plan qualifications { dataUsageRulesUrl } } }`, {}, tenant.apiKey)).myTenant;
    assert.deepEqual(mine, { id: tenant.tenantId, name: "CLI tenant", plan: "ENTERPRISE_CERTIFIED", qualifications: { dataUsageRulesUrl: "https://example.com/rules" } });

    const human = await cli("create-tenant", "--name", "Second", "--plan", "PERSONAL");
    assert.equal(human.code, 0);
    assert.match(human.stdout, /^  id: {7}\S+\n {2}name: {5}Second\n {2}plan: {5}PERSONAL\n {2}API key: {2}gpk_\S+\n$/m);
    assert.match(human.stderr, /shown only once/);

    const rotated = await cli("rotate-api-key", "--tenant", tenant.tenantId, "--json");
    assert.equal(rotated.code, 0, rotated.stderr);
    const { apiKey } = JSON.parse(rotated.stdout);
    assert.notEqual(apiKey, tenant.apiKey);
    // The CLI is another process: the server learns of the revocation when its 5 s auth cache expires.
    let codes: unknown[] = [];
    for (let i = 0; i < 70 && codes[0] !== "UNAUTHENTICATED"; i++) {
      codes = errorCodes(await server.gql(`{ myTenant { id } }`, {}, tenant.apiKey));
      if (codes[0] !== "UNAUTHENTICATED") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(codes, ["UNAUTHENTICATED"]);
    assert.equal(dataOf(await server.gql(`{ myTenant { id } }`, {}, apiKey)).myTenant.id, tenant.tenantId);

    const users = ok(
      dataOf(
        await server.gql(
          `mutation($input: UpsertUsersInput!) { upsertUsers(input: $input) { users { id externalId } userErrors { code } } }`,
          { input: { users: [{ externalId: "ann", displayName: "Ann" }, { externalId: "ben", displayName: "Ben" }] } },
          apiKey,
        ),
      ).upsertUsers,
    ).users;
    const byExternal = await cli("issue-token", "--tenant", tenant.tenantId, "--user", "ann", "--ttl", "120", "--json");
    assert.equal(byExternal.code, 0, byExternal.stderr);
    const issued = JSON.parse(byExternal.stdout);
    assert.equal(issued.userId, users[0].id);
    const lifetime = Date.parse(issued.expiresAt) - Date.now();
    assert.ok(lifetime > 100_000 && lifetime <= 121_000, `expires in ${lifetime} ms`);
    assert.equal(dataOf(await server.gql(`{ viewer { id } }`, {}, issued.token)).viewer.id, users[0].id);

    const byId = await cli("issue-token", "--tenant", tenant.tenantId, "--user", users[1].id);
    assert.equal(byId.code, 0, byId.stderr);
    const token = /^ {2}(\S+)$/m.exec(byId.stdout)![1];
    assert.equal(dataOf(await server.gql(`{ viewer { externalId } }`, {}, token)).viewer.externalId, "ben");

    // Another tenant's user, or an unknown one, is not found in this tenant.
    const other = JSON.parse((await cli("create-tenant", "--name", "Other", "--plan", "PERSONAL", "--json")).stdout);
    const stranger = ok(
      dataOf(
        await server.gql(
          `mutation($input: UpsertUsersInput!) { upsertUsers(input: $input) { users { id } userErrors { code } } }`,
          { input: { users: [{ externalId: "ann", displayName: "Other Ann" }] } },
          other.apiKey,
        ),
      ).upsertUsers,
    ).users[0];
    assertCleanError(await cli("issue-token", "--tenant", tenant.tenantId, "--user", stranger.id), 2, /no user \S+ in tenant/);
    assertCleanError(await cli("issue-token", "--tenant", tenant.tenantId, "--user", "nobody"), 2, /no user nobody in tenant/);
  });

  it("exports the same evidence bundle as the evidenceBundle query, and it verifies offline", async () => {
    const tenant = JSON.parse((await cli("create-tenant", "--name", "Evidence", "--plan", "PERSONAL", "--json")).stdout);
    const users = ok(
      dataOf(
        await server.gql(
          `mutation($input: UpsertUsersInput!) { upsertUsers(input: $input) { users { id } userErrors { code } } }`,
          { input: { users: ["o", "p", "q"].map((externalId) => ({ externalId, displayName: externalId.toUpperCase() })) } },
          tenant.apiKey,
        ),
      ).upsertUsers,
    ).users;
    ok(
      dataOf(
        await server.gql(
          `mutation($input: AddContactsInput!) { addContacts(input: $input) { userErrors { code } } }`,
          { input: { pairs: [{ userId: users[0].id, contactId: users[1].id }, { userId: users[0].id, contactId: users[2].id }] } },
          tenant.apiKey,
        ),
      ).addContacts,
    );
    const ownerToken = JSON.parse((await cli("issue-token", "--tenant", tenant.tenantId, "--user", "o", "--json")).stdout).token;
    const group = ok(
      dataOf(
        await server.gql(
          `mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { code } } }`,
          { input: { name: "Audited", memberIds: [users[1].id, users[2].id] } },
          ownerToken,
        ),
      ).createGroup,
    ).group;
    ok(dataOf(await server.gql(`mutation($input: SendMessageInput!) { sendMessage(input: $input) { userErrors { code } } }`, { input: { groupId: group.id, text: "on the record" } }, ownerToken)).sendMessage);

    const fromApi = JSON.parse(dataOf(await server.gql(`query($id: ID!) { evidenceBundle(groupId: $id) }`, { id: group.id }, tenant.apiKey)).evidenceBundle);
    const file = join(scratch, "bundle.json");
    const exported = await cli("export-evidence", "--group", group.id, "--out", file);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /wrote .*bundle\.json: \d+ entries/);
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), fromApi);
    assert.ok(fromApi.entries.length >= 4, "creation, two members joining, one message");
    const toStdout = await cli("export-evidence", "--group", group.id);
    assert.deepEqual(JSON.parse(toStdout.stdout), fromApi);

    const verified = await run(VERIFY, [file], {});
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  });
});
