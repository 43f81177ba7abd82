import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { ReentrantMutex } from "../../src/db/mutex";

/** Work that holds the mutex until `release()` is called, recording when it ran. */
function held(order: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    work: async () => {
      order.push(name);
      await done;
      return name;
    },
  };
}

describe("ReentrantMutex", () => {
  it("runs one unit of work at a time, in arrival order", async () => {
    const mutex = new ReentrantMutex();
    const order: string[] = [];
    const a = held(order, "a");
    const b = held(order, "b");
    const c = held(order, "c");
    const runs = [mutex.run(a.work), mutex.run(b.work), mutex.run(c.work)];
    await tick();
    assert.deepEqual(order, ["a"]);
    a.release();
    await tick();
    assert.deepEqual(order, ["a", "b"]);
    b.release();
    c.release();
    assert.deepEqual(await Promise.all(runs), ["a", "b", "c"]);
    assert.deepEqual(order, ["a", "b", "c"]);
  });

  it("urgent work waits for the holder only, ahead of everything queued", async () => {
    const mutex = new ReentrantMutex();
    const order: string[] = [];
    const holder = held(order, "holder");
    const queued = Array.from({ length: 5 }, (_, i) => held(order, `queued${i}`));
    const runs = [mutex.run(holder.work), ...queued.map((q) => mutex.run(q.work))];
    const urgent = mutex.run(async () => {
      order.push("urgent");
      return "urgent";
    }, true);
    await tick();
    assert.deepEqual(order, ["holder"], "the holder keeps the mutex");
    holder.release();
    await tick();
    await tick();
    assert.deepEqual(order.slice(0, 3), ["holder", "urgent", "queued0"], "urgent went between the holder and the queue");
    for (const q of queued) q.release();
    assert.equal(await urgent, "urgent");
    await Promise.all(runs);
    assert.deepEqual(order, ["holder", "urgent", "queued0", "queued1", "queued2", "queued3", "queued4"]);
  });

  it("is re-entrant within one call chain, and a failed unit of work hands the mutex on", async () => {
    const mutex = new ReentrantMutex();
    assert.equal(await mutex.run(() => mutex.run(async () => "inner")), "inner");
    await assert.rejects(mutex.run(async () => Promise.reject(new Error("boom"))), /boom/);
    assert.equal(await mutex.run(async () => "after"), "after");
  });
});
