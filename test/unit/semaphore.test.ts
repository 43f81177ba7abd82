import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { Semaphore } from "../../src/common/semaphore";

describe("Semaphore", () => {
  it("runs at most `limit` units at once, the others in arrival order", async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const runs = Array.from({ length: 6 }, (_, i) =>
      semaphore.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return i;
      }),
    );
    await tick();
    assert.deepEqual(started, [0, 1]);
    releases[1]!();
    await tick();
    await tick();
    assert.deepEqual(started, [0, 1, 2], "a finished unit hands its place to the first waiting");
    for (let i = 0; i < 6; i++) {
      for (const release of releases.splice(0)) release();
      await tick();
      await tick();
    }
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
    assert.equal(most, 2);
  });

  it("a failing unit gives its place on", async () => {
    const semaphore = new Semaphore(1);
    const failing = semaphore.run(async () => Promise.reject(new Error("boom")));
    const next = semaphore.run(async () => "next");
    await assert.rejects(failing, /boom/);
    assert.equal(await next, "next");
  });

  it("refuses a limit that is not a positive integer", () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) assert.throws(() => new Semaphore(limit), /positive integer/);
  });
});
