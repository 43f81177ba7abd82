import assert from "node:assert/strict";
import { dataOf, type FixtureUser, ok } from "./fixtures";
import { assertCountsConsistent, codes, createGroup, inviteAll, permanentCode } from "./groups";
import { type ApiProcess, gqlAt } from "./processes";
import type { TestServer } from "./server";

/** Scenarios that several API instances on one database (or one cluster) must get exactly right. */

const RESPOND = `mutation($input: RespondToInvitationInput!) { respondToInvitation(input: $input) { member { role } userErrors { code } } }`;
export const JOIN_CODE = `mutation($input: JoinGroupByCodeInput!) { joinGroupByCode(input: $input) { member { role } userErrors { code } } }`;
const JOIN_LIVE = `mutation($input: JoinByLiveCodeInput!) { joinByLiveCode(input: $input) { group { id } userErrors { code } } }`;
export const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { seq } userErrors { code } } }`;
/** What every instance must read alike: the count and the Merkle root of the group's history. */
export const VIEW = `query($id: ID!) { group(id: $id) { memberCount evidence { treeSize rootHash } } }`;

export const rowIdOf = (globalId: string) => Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];

function payloadsOnly<T>(results: Array<T | { status: number; errors?: unknown }>): T[] {
  const failures = results.filter((p) => !(p as { userErrors?: unknown }).userErrors);
  assert.deepEqual(failures.slice(0, 3), [], `every call answered with a payload (${failures.length} did not)`);
  return results as T[];
}

/** Reads `query` through every instance and asserts they all see the same answer; returns it. */
export async function sameEverywhere(instances: ApiProcess[], query: string, variables: Record<string, unknown>, token: string, pick: (data: any) => any): Promise<any> {
  const views = await Promise.all(instances.map((instance) => gqlAt(instance.url, query, variables, token).then((r) => pick(r.data))));
  for (const view of views) assert.deepEqual(view, views[0], "every instance reads the same");
  return views[0];
}

/**
 * A group of 3 capped at `cap`: `invitees` accept their invitations and `joiners` use a permanent
 * code, all at once, spread over the instances. Exactly cap − 3 get in, the rest hear GROUP_FULL.
 */
export async function raceToCap(server: TestServer, instances: ApiProcess[], owner: FixtureUser, members: [FixtureUser, FixtureUser], invitees: FixtureUser[], joiners: FixtureUser[], cap: number): Promise<void> {
  const { id } = await createGroup(server, owner, members);
  const invitations = await inviteAll(server, owner, id, invitees);
  const code = await permanentCode(server, owner, id);
  const n = instances.length;
  const calls = [
    ...invitations.map((inv, i) => () => gqlAt(instances[i % n].url, RESPOND, { input: { invitationId: inv.id, accept: true } }, invitees[i].token).then((r) => r.data?.respondToInvitation ?? r)),
    ...joiners.map((u, i) => () => gqlAt(instances[(i + 1) % n].url, JOIN_CODE, { input: { token: code.token } }, u.token).then((r) => r.data?.joinGroupByCode ?? r)),
  ];
  const results = payloadsOnly<any>(await Promise.all(calls.map((call) => call())));
  assert.equal(results.filter((p) => p.member).length, cap - 3, `3 members + ${cap - 3} admitted = the cap of ${cap}`);
  assert.deepEqual([...new Set(results.filter((p) => !p.member).flatMap(codes))], ["GROUP_FULL"]);
  // Read straight after the writes, through every instance.
  const view = await sameEverywhere(instances, VIEW, { id }, owner.token, (data) => data.group);
  assert.equal(view.memberCount, cap);
  assert.deepEqual(await server.sql("SELECT user_id FROM group_members GROUP BY group_id, user_id HAVING COUNT(*) > 1"), []);
  await assertCountsConsistent(server);
}

/**
 * A live code over one group of 3 (its creator's), `perGroupCap` per group, opening groups as they
 * fill; every joiner at once, spread over the instances. Every group but the newest ends exactly
 * full, and everyone is in exactly one of them.
 */
export async function spreadLiveCode(server: TestServer, instances: ApiProcess[], creator: FixtureUser, members: [FixtureUser, FixtureUser], joiners: FixtureUser[], perGroupCap: number): Promise<void> {
  const { id } = await createGroup(server, creator, members);
  const input = { name: "Spread", groupIds: [id], perGroupCap, autoCreateGroups: true, baseName: "Spread" };
  const live = ok(dataOf(await server.gql(`mutation($input: CreateLiveCodeInput!) { createLiveCode(input: $input) { liveCode { id token } userErrors { code } } }`, { input }, creator.token)).createLiveCode).liveCode;
  const n = instances.length;
  const results = payloadsOnly<any>(await Promise.all(joiners.map((u, i) => gqlAt(instances[i % n].url, JOIN_LIVE, { input: { token: live.token } }, u.token).then((r) => r.data?.joinByLiveCode ?? r))));
  assert.deepEqual(results.flatMap(codes), []);
  const groups = await sameEverywhere(instances, `query($id: ID!) { node(id: $id) { ... on LiveCode { groups { id memberCount } } } }`, { id: live.id }, creator.token, (data) => data.node.groups);
  assert.ok(groups.slice(0, -1).every((g: any) => g.memberCount === perGroupCap), "every group but the newest is exactly full");
  assert.ok(groups.at(-1).memberCount <= perGroupCap);
  // 3 members + the joiners, plus the creator as owner of each group the code opened.
  assert.equal(groups.reduce((sum: number, g: any) => sum + g.memberCount, 0), 3 + joiners.length + groups.length - 1);
  const rows = await server.sql(
    "SELECT m.user_id, COUNT(*) AS n FROM group_members m JOIN live_code_groups l ON l.group_id = m.group_id WHERE l.live_code_id = ? AND m.join_kind = 'LIVE_CODE' GROUP BY m.user_id",
    [rowIdOf(live.id)],
  );
  assert.equal(rows.length, joiners.length);
  assert.ok(rows.every((r: any) => Number(r.n) === 1), "everyone is in exactly one group");
  await assertCountsConsistent(server);
}

/** The same message with the same Idempotency-Key sent through every instance, at once and later: it is sent once. */
export async function idempotentAcrossInstances(server: TestServer, instances: ApiProcess[], owner: FixtureUser, members: [FixtureUser, FixtureUser], key: string): Promise<void> {
  const { id } = await createGroup(server, owner, members, { name: "Idempotent" });
  const text = `once across instances (${key})`;
  const body = JSON.stringify({ query: SEND, variables: { input: { groupId: id, text } } });
  const send = (i: number) =>
    fetch(instances[i % instances.length].url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${owner.token}`, "idempotency-key": key }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
  const first = await Promise.all([0, 1, 2, 3, 4, 5].map(send));
  // A retry that lands on another instance later replays the stored answer.
  const later = await Promise.all(instances.map((_, i) => send(i)));
  const [row] = await server.sql("SELECT COUNT(*) AS n FROM group_log WHERE kind = 'MESSAGE' AND text = ?", [text]);
  assert.equal(Number(row.n), 1, "the mutation ran once");
  const answered = [...first, ...later].filter((r) => r.status === 200);
  assert.equal(new Set(answered.map((r) => r.text)).size, 1, "every 200 is the same answer");
  assert.ok(later.every((r) => r.status === 200));
  for (const r of first.filter((r) => r.status !== 200)) assert.equal(r.status, 409, "a concurrent duplicate is told the first is still running");
}
