import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type FixtureTenant, dataOf, twoTenants } from "../support/fixtures";
import { createGroup } from "../support/groups";
import { startTestServer, type TestServer } from "../support/server";
import { collect, GROUP_ACTIVITY, subscriptionErrorCodes, wsClient } from "../support/subscriptions";

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id seq } userErrors { code } } }`;

/** `sender { contacts { edges { node { contacts … } } } }` nested `levels` times (each page of `first`). */
function nestedContacts(levels: number, first: number): string {
  let inner = "id";
  for (let i = 0; i < levels; i++) inner = `contacts(first: ${first}) { edges { node { ${inner} } } }`;
  return `subscription($groupId: ID!) { groupActivity(groupId: $groupId) { seq message { sender { ${inner} } } } }`;
}

describe("real time: subscriptions are held to the HTTP limits (depth, cost, rate)", { timeout: 600_000 }, () => {
  let server: TestServer;
  let a: FixtureTenant;
  const clients: Array<{ dispose(): void | Promise<void> }> = [];
  const client = (token: string) => {
    const c = wsClient(server.url, token);
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startTestServer({ config: { maxQueryDepth: 11, maxQueryCost: 500, rateLimit: { enabled: true, capacity: 1_000, leakPerSecond: 1 } } });
    [a] = await twoTenants(server, { users: 6 });
  });
  after(async () => {
    for (const c of clients) await c.dispose();
    await server.close();
  });

  it("refuses a too-deep and a too-costly subscription, and a normal one works", async () => {
    const [alice, bob, erin] = a.users;
    const group = await createGroup(server, alice, [bob, erin!]);

    const deep = collect(client(bob.token), nestedContacts(3, 1), { groupId: group.id });
    await deep.until(() => deep.error !== undefined, "the depth refusal");
    assert.match(JSON.stringify(deep.error), /depth/i);
    assert.equal(deep.items.length, 0);

    // 2 levels of 100 contacts: 100 × 100 points, far above 500; shallow enough for the depth limit.
    const costly = collect(client(bob.token), nestedContacts(2, 100), { groupId: group.id });
    await costly.until(() => costly.error !== undefined, "the cost refusal");
    assert.deepEqual(subscriptionErrorCodes(costly.error), ["QUERY_TOO_COMPLEX"]);
    const [refused] = costly.error as Array<{ extensions: Record<string, unknown> }>;
    assert.equal((refused!.extensions.cost as { maximumAvailable: number }).maximumAvailable, 500);
    assert.equal(refused!.extensions.http, undefined, "no HTTP details over WebSocket");

    const live = collect(client(bob.token), GROUP_ACTIVITY, { groupId: group.id });
    await sleep(300);
    const sent = dataOf(await server.gql(SEND, { input: { groupId: group.id, text: "hello" } }, alice.token)).sendMessage;
    assert.deepEqual(sent.userErrors, []);
    await live.until(() => live.items.length >= 1, "the message");
    assert.equal(live.items[0].groupActivity.message.text, "hello");
    assert.equal(live.error, undefined);
    live.dispose();
  });

  it("spends the principal's rate-limit budget: past it a subscription is RATE_LIMITED", async () => {
    const [, , , carol, dave, frank] = a.users;
    const group = await createGroup(server, carol!, [dave!, frank!]);
    // One level of 100 contacts costs ~100+ points: the 1,000-point bucket (leaking 1/s) runs dry within a dozen.
    const query = nestedContacts(1, 100);
    const c = client(dave!.token);
    let refusal: unknown;
    for (let i = 0; i < 30 && refusal === undefined; i++) {
      const sub = collect(c, query, { groupId: group.id });
      await sleep(100);
      refusal = sub.error;
      sub.dispose();
    }
    assert.deepEqual(subscriptionErrorCodes(refusal), ["RATE_LIMITED"]);
    const [error] = refusal as Array<{ extensions: Record<string, unknown> }>;
    assert.ok((error!.extensions.retryAfterSeconds as number) > 0);
    // Another principal's budget is untouched.
    const other = collect(client(carol!.token), GROUP_ACTIVITY, { groupId: group.id });
    await sleep(300);
    assert.equal(other.error, undefined);
    other.dispose();
  });
});
