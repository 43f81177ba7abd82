import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { groupLockWaiters } from "../support/lock-waits";
import { createConnection } from "mysql2/promise";
import { ManualClock } from "../../src/common/clock";
import {
  CodePreviewDocument,
  type CreateGroupCodeInput,
  CreateCodeDocument,
  DissolveForCodeDocument,
  GroupCodeStatusesDocument,
  GroupCodeUsesDocument,
  JoinByCodeDocument,
  RevokeCodeDocument,
} from "../generated/graphql";
import { addContacts, createTenant, dataOf, errorCodes, type FixtureTenant, type FixtureUser, ok, twoTenants } from "../support/fixtures";
import { assertCountsConsistent, codes, createGroup } from "../support/groups";
import { decodeQrDataUrl, decodeQrSvg } from "../support/qr";
import { engine, startTestServer, type TestServer } from "../support/server";
import { snapshot } from "../support/snapshot";

/** These tests make permanent codes of their own: on plans where a group keeps its code from birth, that needs the override. */
const REFRESHABLE = { permanentCodeRefreshable: true };

const CREATE = CreateCodeDocument;
const REVOKE = RevokeCodeDocument;
const JOIN = JoinByCodeDocument;
const PREVIEW = CodePreviewDocument;

describe(`group codes (${engine})`, () => {
  const clock = new ManualClock(Date.parse("2026-05-01T00:00:00Z"));
  let server: TestServer;
  let a: FixtureTenant;
  let b: FixtureTenant;
  let owner: FixtureUser;
  let groupId: string;

  const create = async (input: Omit<CreateGroupCodeInput, "groupId">, token = owner.token) => dataOf(await server.gql(CREATE, { input: { groupId, ...input } }, token)).createGroupCode;
  const join = async (token: string, user: FixtureUser) => dataOf(await server.gql(JOIN, { input: { token } }, user.token)).joinGroupByCode;

  before(async () => {
    server = await startTestServer({ clock });
    [a, b] = await twoTenants(server, { users: 12, allContacts: false, policyOverrides: REFRESHABLE });
    owner = a.users[0];
    await addContacts(server, a, [[owner, a.users[1]], [owner, a.users[2]]]);
    groupId = (await createGroup(server, owner, [a.users[1], a.users[2]])).id;
  });
  after(() => server.close());

  it("creates unguessable, URL-safe tokens with a scannable QR code of the url", async () => {
    const code = ok(await create({ type: "PERMANENT", state: "spring-fair" })).code!;
    assert.match(code.token, /^[A-Za-z0-9_-]{32}$/, "192 bits of base64url");
    const rowId = Buffer.from(groupId, "base64url").toString().split(":")[1];
    assert.ok(!code.token.includes(rowId) && !code.url.includes(rowId), "the token reveals no id");
    assert.equal(code.url, `${server.base}/join/${code.token}`);
    assert.equal(code.status, "ACTIVE");
    assert.equal(code.expiresAt, null);
    assert.equal(code.state, "spring-fair");
    assert.match(code.qrSvg!, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.equal(decodeQrSvg(code.qrSvg!), code.url, "the SVG decodes to the url");
    assert.equal(decodeQrDataUrl(code.qrPngDataUrl!), code.url, "the PNG decodes to the url");
    const other = ok(await create({ type: "PERMANENT" })).code!;
    assert.notEqual(other.token, code.token);
  });

  it("temporary codes: 72 hours fixed on the personal plan, a chosen lifetime on enterprise", async () => {
    const code = ok(await create({ type: "TEMPORARY" })).code!;
    assert.equal(code.expiresAt, new Date(clock.now() + 72 * 3600_000).toISOString());
    const fixed = await create({ type: "TEMPORARY", ttlSeconds: 3600 });
    assert.deepEqual(codes(fixed), ["INVALID_INPUT"]);
    assert.deepEqual(fixed.userErrors[0].field, ["input", "ttlSeconds"]);
    assert.deepEqual(codes(await create({ type: "PERMANENT", ttlSeconds: 3600 })), ["INVALID_INPUT"]);

    const ent = await createTenant(server, { plan: "ENTERPRISE", users: 3, qualifications: { dataUsageRulesUrl: "https://e.example/rules" } });
    const g = await createGroup(server, ent.users[0], ent.users.slice(1));
    const custom = ok(dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "TEMPORARY", ttlSeconds: 3600 } }, ent.users[0].token)).createGroupCode);
    assert.equal(custom.code!.expiresAt, new Date(clock.now() + 3600_000).toISOString());
    const def = ok(dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "TEMPORARY" } }, ent.users[0].token)).createGroupCode);
    assert.equal(def.code!.expiresAt, new Date(clock.now() + 7 * 24 * 3600_000).toISOString());
    for (const ttlSeconds of [3599, 31536001]) {
      assert.deepEqual(codes(dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "TEMPORARY", ttlSeconds } }, ent.users[0].token)).createGroupCode), ["INVALID_INPUT"]);
    }
  });

  it("refuses bad input, plain members, outsiders and other tenants, writing nothing", async () => {
    const before = await snapshot(server);
    assert.deepEqual(codes(await create({ type: "PERMANENT", state: "x".repeat(31) })), ["INVALID_INPUT"]);
    assert.deepEqual(codes(await create({ type: "PERMANENT", maxUses: 0 })), ["INVALID_INPUT"]);
    assert.deepEqual(codes(await create({ type: "PERMANENT" }, a.users[1].token)), ["NOT_PERMITTED"]);
    assert.deepEqual(codes(await create({ type: "PERMANENT" }, a.users[5].token)), ["NOT_FOUND"]);
    assert.deepEqual(codes(await create({ type: "PERMANENT" }, b.users[0].token)), ["NOT_FOUND"]);
    assert.deepEqual(codes(await create({ type: "PERMANENT" }, b.apiKey)), ["NOT_FOUND"]);
    assert.deepEqual(await snapshot(server), before);
  });

  it("CODE_TYPE_NOT_ALLOWED when the plan leaves a type out", async () => {
    const t = await createTenant(server, { users: 3, policyOverrides: { ...REFRESHABLE, codeTypes: ["PERMANENT", "FACE_TO_FACE"] } });
    const g = await createGroup(server, t.users[0], t.users.slice(1));
    const payload = dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "TEMPORARY" } }, t.users[0].token)).createGroupCode;
    assert.deepEqual(codes(payload), ["CODE_TYPE_NOT_ALLOWED"]);
    ok(dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "PERMANENT" } }, t.users[0].token)).createGroupCode);
  });

  it("joins record GROUP_CODE with the campaign state; re-joining is a no-op", async () => {
    const code = ok(await create({ type: "PERMANENT", state: "poster-42" })).code!;
    const joiner = a.users[3];
    const first = ok(await join(code.token, joiner));
    assert.deepEqual(first.member!.joinSource, { kind: "GROUP_CODE", state: "poster-42", inviter: null, code: { id: code.id }, liveCode: null });
    assert.equal(first.member!.role, "MEMBER");
    const before = await snapshot(server);
    const again = ok(await join(code.token, joiner));
    assert.deepEqual(again.member, first.member);
    assert.deepEqual(await snapshot(server), before, "re-joining changes nothing, not even the use count");
    const preview = dataOf(await server.gql(PREVIEW, { token: code.token }, joiner.token)).groupCode;
    assert.equal(preview!.viewerIsMember, true);
  });

  it("CODE_EXPIRED, CODE_REVOKED and CODE_EXHAUSTED, each leaving the database unchanged", async () => {
    const temporary = ok(await create({ type: "TEMPORARY" })).code!;
    const revoked = ok(await create({ type: "PERMANENT" })).code!;
    const single = ok(await create({ type: "PERMANENT", maxUses: 1 })).code!;
    ok(dataOf(await server.gql(REVOKE, { input: { codeId: revoked.id } }, a.users[0].token)).revokeGroupCode);
    ok(await join(single.token, a.users[4]));
    clock.advance(72 * 3600_000);
    for (const [code, expected] of [
      [temporary, "CODE_EXPIRED"],
      [revoked, "CODE_REVOKED"],
      [single, "CODE_EXHAUSTED"],
    ] as const) {
      const preview = dataOf(await server.gql(PREVIEW, { token: code.token }, a.users[5].token)).groupCode;
      assert.equal(preview!.joinable, false);
      assert.equal(preview!.refusal, expected);
      const before = await snapshot(server);
      const payload = await join(code.token, a.users[5]);
      assert.deepEqual(codes(payload), [expected]);
      assert.deepEqual(await snapshot(server), before);
    }
    const statuses = dataOf(await server.gql(GroupCodeStatusesDocument, { id: groupId }, owner.token)).group!.codes!;
    const byId = new Map(statuses.map((c) => [c.id, c.status]));
    assert.equal(byId.get(temporary.id), "EXPIRED");
    assert.equal(byId.get(revoked.id), "REVOKED");
    assert.equal(byId.get(single.id), "EXHAUSTED");
  });

  it("GROUP_FULL: permanent codes stop at permanentCodeMaxMembers, every code at codeJoinCap", async () => {
    const t = await createTenant(server, { users: 9, policyOverrides: { ...REFRESHABLE, permanentCodeMaxMembers: 4, codeJoinCap: 6, maxGroupSize: 8, directAddLimit: 8 } });
    const g = await createGroup(server, t.users[0], t.users.slice(1, 3));
    const permanent = ok(dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "PERMANENT" } }, t.users[0].token)).createGroupCode).code!;
    const temporary = ok(dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "TEMPORARY" } }, t.users[0].token)).createGroupCode).code!;
    const joinT = async (token: string, user: FixtureUser) => dataOf(await server.gql(JOIN, { input: { token } }, user.token)).joinGroupByCode;
    assert.equal(ok(await joinT(permanent.token, t.users[3])).group!.memberCount, 4);
    assert.deepEqual(codes(await joinT(permanent.token, t.users[4])), ["GROUP_FULL"]);
    assert.equal(ok(await joinT(temporary.token, t.users[4])).group!.memberCount, 5);
    assert.equal(ok(await joinT(temporary.token, t.users[5])).group!.memberCount, 6);
    assert.deepEqual(codes(await joinT(temporary.token, t.users[6])), ["GROUP_FULL"]);
  });

  it("a code of another tenant, or a made-up token, is NOT_FOUND", async () => {
    const code = ok(await create({ type: "PERMANENT" })).code!;
    assert.deepEqual(codes(dataOf(await server.gql(JOIN, { input: { token: code.token } }, b.users[0].token)).joinGroupByCode), ["NOT_FOUND"]);
    assert.deepEqual(errorCodes(await server.gql(PREVIEW, { token: code.token }, b.users[0].token)), ["NOT_FOUND"]);
    for (const token of ["", "short", "x".repeat(65), "has spaces in it ok?", code.token.slice(0, -1) + (code.token.endsWith("A") ? "B" : "A")]) {
      assert.deepEqual(codes(await join(token, a.users[6])), ["NOT_FOUND"], token);
    }
    assert.deepEqual(codes(dataOf(await server.gql(JOIN, { input: { token: code.token } }, a.apiKey)).joinGroupByCode), ["NOT_PERMITTED"]);
  });

  it("joining a dissolved group's code answers GROUP_DISSOLVED", async () => {
    const g = await createGroup(server, owner, [a.users[1], a.users[2]], { name: "Short-lived" });
    const code = ok(dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "PERMANENT" } }, owner.token)).createGroupCode).code!;
    ok(dataOf(await server.gql(DissolveForCodeDocument, { input: { groupId: g.id } }, owner.token)).dissolveGroup);
    assert.deepEqual(codes(await join(code.token, a.users[7])), ["GROUP_DISSOLVED"]);
  });

  it("a revocation or a ban committed while a join waits for the group's row lock refuses the join", { skip: engine !== "mysql" && "row locks: MariaDB only" }, async () => {
    const rowId = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1];
    const holder = await createConnection(server.databaseUrl);
    const database = new URL(server.databaseUrl).pathname.slice(1);
    try {
      /** Holds the group's row lock while a join by `user` starts, runs `meanwhile` in the holder's transaction, commits, and returns the join's payload. */
      const joinWhileLocked = async (token: string, user: FixtureUser, meanwhile: () => Promise<unknown>) => {
        await holder.query("START TRANSACTION");
        await holder.query("SELECT id FROM chat_groups WHERE id = ? FOR UPDATE", [rowId(groupId)]);
        const joining = join(token, user);
        const deadline = Date.now() + 30_000;
        for (let waiting = 0; waiting === 0; await sleep(20)) {
          assert.ok(Date.now() < deadline, "the join never reached the group's lock");
          // The join waits for the group's row (it cannot go on while the holder has it).
          waiting = await groupLockWaiters(holder, database);
        }
        await meanwhile();
        await holder.query("COMMIT");
        return joining;
      };
      /** The group's member count and the code's uses, as stored. */
      const counts = async (codeId: string) => {
        const [row] = await server.sql("SELECT g.member_count AS members, c.uses AS uses FROM chat_groups g JOIN group_codes c ON c.group_id = g.id WHERE c.id = ?", [rowId(codeId)]);
        return { members: Number(row.members), uses: Number(row.uses) };
      };
      const revoked = ok(await create({ type: "PERMANENT" })).code!;
      const before = await counts(revoked.id);
      const late = await joinWhileLocked(revoked.token, a.users[9], () => holder.query("UPDATE group_codes SET revoked_at = ? WHERE id = ?", [clock.now(), rowId(revoked.id)]));
      assert.deepEqual(codes(late), ["CODE_REVOKED"]);
      assert.deepEqual(await counts(revoked.id), before);

      const open = ok(await create({ type: "PERMANENT" })).code!;
      const banned = a.users[10];
      const refused = await joinWhileLocked(open.token, banned, () =>
        holder.query("INSERT INTO group_bans (group_id, user_id, tenant_id, banned_by, created_at) VALUES (?, ?, ?, ?, ?)", [rowId(groupId), rowId(banned.id), rowId(a.id), rowId(owner.id), clock.now()]),
      );
      assert.deepEqual(codes(refused), ["BANNED"]);
      assert.deepEqual(await counts(open.id), { members: before.members, uses: 0 });
    } finally {
      await holder.end();
    }
  });
});

describe(`group codes under concurrency (${engine})`, () => {
  let server: TestServer;
  let t: FixtureTenant;
  before(async () => {
    server = await startTestServer();
    t = await createTenant(server, { users: 503, allContacts: false, policyOverrides: { ...REFRESHABLE, maxGroupSize: 1000, directAddLimit: 1000, codeJoinCap: 1000, permanentCodeMaxMembers: 1000 } });
    await addContacts(server, t, [[t.users[0], t.users[1]], [t.users[0], t.users[2]]]);
  });
  after(() => server.close());

  it("500 concurrent joins on a maxUses: 50 code admit exactly 50", { timeout: 600_000 }, async () => {
    const [owner, m1, m2, ...joiners] = t.users;
    const g = await createGroup(server, owner, [m1, m2]);
    const code = ok(dataOf(await server.gql(CREATE, { input: { groupId: g.id, type: "PERMANENT", maxUses: 50 } }, owner.token)).createGroupCode).code!;
    assert.equal(joiners.length, 500);
    const results = await Promise.all(joiners.map(async (u) => dataOf(await server.gql(JOIN, { input: { token: code.token } }, u.token)).joinGroupByCode));
    assert.equal(results.filter((p) => p.member).length, 50);
    assert.deepEqual([...new Set(results.filter((p) => !p.member).flatMap(codes))], ["CODE_EXHAUSTED"]);
    const after = dataOf(await server.gql(GroupCodeUsesDocument, { id: g.id }, owner.token)).group!;
    assert.equal(after.memberCount, 53);
    assert.deepEqual(after.codes, [{ uses: 50, status: "EXHAUSTED" }, { uses: 0, status: "ACTIVE" }], "newest first: the limited code, then the group's code from birth");
    await assertCountsConsistent(server);
  });
});
