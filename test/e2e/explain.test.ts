import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newId } from "../../src/common/ids";
import { dataOf, type FixtureTenant, ok, twoTenants } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { engine, startTestServer, type TestServer } from "../support/server";

const rowId = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1];

/** The statements on the hot paths, as the services issue them (placeholders filled below). */
function hotQueries(ids: { tenant: string; user: string; group: string; token: string }): Array<[string, string, unknown[]]> {
  return [
    ["membership by user (myGroups)", "SELECT g.id FROM chat_groups g INNER JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? AND m.tenant_id = ? ORDER BY m.joined_at DESC, g.id DESC LIMIT 21", [ids.user, ids.tenant]],
    ["members by group (first page)", "SELECT m.user_id, u.display_name FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND m.tenant_id = ? ORDER BY m.join_seq, m.user_id LIMIT 21", [ids.group, ids.tenant]],
    ["viewer membership of a page of groups", "SELECT * FROM group_members WHERE tenant_id = ? AND user_id = ? AND group_id IN (?, ?)", [ids.tenant, ids.user, ids.group, ids.group]],
    ["code by token", "SELECT * FROM group_codes WHERE token = ? AND tenant_id = ?", [ids.token, ids.tenant]],
    ["messages by group and sequence", "SELECT * FROM group_log WHERE group_id = ? AND seq >= ? ORDER BY seq DESC LIMIT 21", [ids.group, 1]],
    ["a group's message counts (stats)", "SELECT SUM(messages), SUM(CASE WHEN day >= ? THEN messages ELSE 0 END) FROM group_activity_days WHERE group_id = ?", [0, ids.group]],
    ["a group's writers in a window (stats)", "SELECT user_id, SUM(messages) AS sent FROM member_activity_days WHERE group_id = ? AND day >= ? GROUP BY user_id ORDER BY sent DESC, user_id LIMIT 10", [ids.group, 0]],
    ["a tenant's activity per day (stats)", "SELECT day, SUM(messages), SUM(joins) FROM group_activity_days WHERE tenant_id = ? AND day >= ? GROUP BY day ORDER BY day", [ids.tenant, 0]],
    ["user by external id", "SELECT * FROM users WHERE tenant_id = ? AND external_id IN (?)", [ids.tenant, "u1"]],
    ["open invitations of a user", "SELECT * FROM invitations WHERE invitee_id = ? AND status = 'PENDING' ORDER BY created_at DESC LIMIT 21", [ids.user]],
    ["daily creations of a user", "SELECT COUNT(*) FROM chat_groups WHERE created_by = ? AND created_at > ?", [ids.user, 0]],
  ];
}

describe(`hot queries use indexes (${engine})`, () => {
  let server: TestServer;
  let a: FixtureTenant;
  let ids: { tenant: string; user: string; group: string; token: string };
  before(async () => {
    server = await startTestServer();
    [a] = await twoTenants(server, { users: 4, policyOverrides: { dailyGroupCreationLimit: 100, permanentCodeRefreshable: true } });
    const { id } = await createGroup(server, a.users[0], a.users.slice(1));
    const code = ok(dataOf(await server.gql(`mutation($input: CreateGroupCodeInput!) { createGroupCode(input: $input) { code { token } userErrors { code } } }`, { input: { groupId: id, type: "PERMANENT" } }, a.users[0].token)).createGroupCode).code;
    ids = { tenant: rowId(a.id), user: rowId(a.users[1].id), group: rowId(id), token: code.token };
    // Enough rows that the planner's choice is the one production sees (tiny tables are scanned whole).
    const now = Date.now();
    const groups: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const values: unknown[] = [];
      const members: unknown[] = [];
      const log: unknown[] = [];
      const days: unknown[] = [];
      const writers: unknown[] = [];
      for (let i = 0; i < 500; i++) {
        const g = newId();
        groups.push(g);
        values.push(g, ids.tenant, `Filler ${batch}-${i}`, "GENERAL", 0, "ACTIVE", ids.user, ids.user, 1, 1, now, now);
        members.push(g, newId(), ids.tenant, "OWNER", now, 1, "CREATOR", 0);
        log.push(newId(), ids.tenant, g, 1, "MESSAGE", ids.user, "hello", "VISIBLE", now);
        // The counters GroupLog would have kept for that message (rows inserted here bypass it).
        days.push(g, now - (now % 86_400_000), ids.tenant, 1, 0);
        writers.push(g, now - (now % 86_400_000), ids.user, ids.tenant, 1);
      }
      await server.sql(`INSERT INTO chat_groups (id, tenant_id, name, category, minor_protection, status, owner_id, created_by, member_count, log_size, created_at, updated_at) VALUES ${Array(500).fill("(?,?,?,?,?,?,?,?,?,?,?,?)").join(",")}`, values);
      await server.sql(`INSERT INTO group_members (group_id, user_id, tenant_id, role, joined_at, join_seq, join_kind, muted_notifications) VALUES ${Array(500).fill("(?,?,?,?,?,?,?,?)").join(",")}`, members);
      await server.sql(`INSERT INTO group_log (id, tenant_id, group_id, seq, kind, actor_id, text, status, created_at) VALUES ${Array(500).fill("(?,?,?,?,?,?,?,?,?)").join(",")}`, log);
      await server.sql(`INSERT INTO group_activity_days (group_id, day, tenant_id, messages, joins) VALUES ${Array(500).fill("(?,?,?,?,?)").join(",")}`, days);
      await server.sql(`INSERT INTO member_activity_days (group_id, day, user_id, tenant_id, messages) VALUES ${Array(500).fill("(?,?,?,?,?)").join(",")}`, writers);
    }
    if (engine === "mysql") for (const table of ["chat_groups", "group_members", "group_log", "group_activity_days", "member_activity_days", "group_codes", "users", "invitations"]) await server.sql(`ANALYZE TABLE ${table}`);
    else await server.sql("ANALYZE");
  });
  after(() => server.close());

  it("no hot query scans a whole table", async () => {
    for (const [name, sql, params] of hotQueries(ids)) {
      if (engine === "mysql") {
        const plan = await server.sql(`EXPLAIN ${sql}`, params);
        const scans = plan.filter((row: any) => row.type === "ALL");
        assert.deepEqual(scans, [], `${name}: full table scan in ${JSON.stringify(plan)}`);
        assert.ok(plan.every((row: any) => row.key || row.type === "const" || row.Extra?.includes("Select tables optimized away")), `${name}: ${JSON.stringify(plan)}`);
      } else {
        const plan = await server.sql(`EXPLAIN QUERY PLAN ${sql}`, params);
        const scans = plan.filter((row: any) => /^SCAN (?!.*USING (COVERING )?INDEX)/.test(row.detail));
        assert.deepEqual(scans, [], `${name}: full table scan in ${JSON.stringify(plan)}`);
      }
    }
  });
});
