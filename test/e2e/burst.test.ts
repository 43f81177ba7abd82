import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { get } from "node:http";
import { type ApiProcess, startApiProcess } from "../support/processes";
import { freshDatabaseUrl } from "../support/server";

/**
 * A burst of new connections while the server cannot accept them (a GC pause, a busy CPU, a
 * stalled event loop): the kernel must queue them until the server catches up. With Node's
 * default backlog of 511, connections past it had their SYNs dropped and clients gave up after
 * their connect timeout ("fetch failed" under load in the 1,000-join tests).
 */
describe("a burst of connections while the server is paused", () => {
  let api: ApiProcess;
  let database: ReturnType<typeof freshDatabaseUrl>;
  before(async () => {
    database = freshDatabaseUrl();
    api = await startApiProcess({ DATABASE_URL: database.url, PLATFORM_ADMIN_TOKEN: "burst-test-platform-token" });
  });
  after(async () => {
    await api?.stop();
    await database?.drop();
  });

  it("1,000 clients connecting during a 9 s pause are all answered", { timeout: 600_000 }, async () => {
    api.child.kill("SIGSTOP");
    let requests: Array<Promise<number | string>>;
    try {
      requests = Array.from({ length: 1000 }, () => healthz(api.base));
      await sleep(9_000);
    } finally {
      api.child.kill("SIGCONT");
    }
    const outcomes = await Promise.all(requests);
    const failures = outcomes.filter((o) => o !== 200);
    assert.deepEqual(failures, [], `${failures.length} of 1,000 connections failed`);
  });
});

/**
 * GET /healthz on a connection of its own, as one of many separate clients would, giving up when
 * the connection is not established within 10 s (undici's, and so fetch's, connect timeout).
 */
function healthz(base: string): Promise<number | string> {
  return new Promise((resolve) => {
    const request = get(`${base}/healthz`, { agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    const connectTimer = setTimeout(() => {
      request.destroy();
      resolve("connect timeout");
    }, 10_000);
    request.on("socket", (socket) => socket.once("connect", () => clearTimeout(connectTimer)));
    request.on("error", (error: Error & { code?: string }) => {
      clearTimeout(connectTimer);
      resolve(error.code ?? error.message);
    });
  });
}
