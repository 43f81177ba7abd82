import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RETRY_SPAN_MS, retriesExhausted, retryDelayMs } from "../../src/modules/webhooks/retry";
import { endpointUrlProblem, guardedLookup, isNonPublicAddress } from "../../src/modules/webhooks/target";

describe("webhook targets", () => {
  it("knows loopback, private, link-local and other non-public addresses", () => {
    for (const address of ["127.0.0.1", "127.9.9.9", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd12::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::"]) {
      assert.equal(isNonPublicAddress(address), true, address);
    }
    for (const address of ["93.184.215.14", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "2a00:1450:4001::1"]) {
      assert.equal(isNonPublicAddress(address), false, address);
    }
  });

  it("checks URLs: https only in production, no credentials, no private literal or local names unless allowed", () => {
    const strict = { httpsOnly: true, allowPrivate: false };
    assert.equal(endpointUrlProblem("https://hooks.example.com/in", strict), null);
    assert.match(endpointUrlProblem("http://hooks.example.com/in", strict)!, /https/);
    assert.equal(endpointUrlProblem("http://hooks.example.com/in", { httpsOnly: false, allowPrivate: false }), null);
    assert.match(endpointUrlProblem("https://127.0.0.1/in", strict)!, /loopback/);
    assert.match(endpointUrlProblem("https://[::1]:8443/in", strict)!, /loopback/);
    assert.match(endpointUrlProblem("https://localhost./in", strict)!, /loopback/);
    assert.match(endpointUrlProblem("https://a:b@hooks.example.com/", strict)!, /credentials/);
    assert.equal(endpointUrlProblem("https://127.0.0.1/in", { httpsOnly: true, allowPrivate: true }), null);
  });

  it("the agents' lookup refuses a name that resolves to loopback, and allows it with WEBHOOK_ALLOW_PRIVATE_TARGETS", async () => {
    const resolve = (allow: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) => guardedLookup(allow)("localhost", { family: 4 }, (error, address) => done({ error, address })));
    const refused = await resolve(false);
    assert.equal(refused.error?.code, "EWEBHOOKPRIVATE");
    const allowed = await resolve(true);
    assert.equal(allowed.error, null);
    assert.equal(allowed.address, "127.0.0.1");
  });
});

describe("webhook retry schedule", () => {
  it("grows exponentially with jitter, capped, and keeps retrying for at least 24 hours", () => {
    assert.equal(retryDelayMs(1, 1, () => 1), 5000);
    assert.equal(retryDelayMs(1, 1, () => 0), 2500);
    assert.equal(retryDelayMs(2, 1, () => 1), 10_000);
    assert.equal(retryDelayMs(40, 1, () => 1), 2 * 3600 * 1000);
    // Simulate the worst case (shortest delays): the last attempt still comes ≥ 24 h after the first.
    for (const random of [() => 0, () => 1, Math.random]) {
      let now = 0;
      let attempts = 1;
      while (!retriesExhausted(0, now, 1)) {
        now += retryDelayMs(attempts, 1, random);
        attempts++;
      }
      assert.ok(now >= RETRY_SPAN_MS, `${now} ms`);
      assert.ok(attempts >= 12 && attempts <= 60, `${attempts} attempts`);
    }
    assert.equal(retriesExhausted(0, 8640, 0.0001), true);
    assert.equal(retriesExhausted(0, 8639, 0.0001), false);
  });
});
