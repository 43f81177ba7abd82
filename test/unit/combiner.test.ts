import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Combiner } from "../../src/common/combiner";

/** A unit of work whose batches the test finishes by hand, in any order. */
function manual() {
  const batches: Array<{ key: string; items: number[]; finish: (results?: Array<string | null>) => void; fail: () => void }> = [];
  let running = 0;
  let mostRunning = 0;
  const run = (key: string, items: number[]) =>
    new Promise<Array<string | null>>((resolve, reject) => {
      running++;
      mostRunning = Math.max(mostRunning, running);
      const end = () => running--;
      batches.push({
        key,
        items,
        finish: (results) => (end(), resolve(results ?? items.map((i) => `done ${i}`))),
        fail: () => (end(), reject(new Error("batch failed"))),
      });
    });
  return { batches, run, mostRunning: () => mostRunning };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("Combiner (common/combiner.ts)", () => {
  it("a lone request runs at once; those arriving meanwhile go together in the next batch, up to maxBatch", async () => {
    const work = manual();
    const combiner = new Combiner(work.run, 3);
    const first = combiner.submit("g", 1);
    await turn();
    assert.deepEqual(work.batches.map((b) => b.items), [[1]], "no waiting, no timer");
    const later = [2, 3, 4, 5].map((i) => combiner.submit("g", i));
    const other = combiner.submit("h", 9);
    await turn();
    assert.deepEqual(work.batches.map((b) => b.items), [[1], [9]], "another key runs beside it; the rest wait");
    work.batches[0].finish();
    assert.equal(await first, "done 1");
    await turn();
    assert.deepEqual(work.batches[2].items, [2, 3, 4], "the next batch is full");
    work.batches[2].finish();
    await turn();
    assert.deepEqual(work.batches[3].items, [5]);
    work.batches[3].finish();
    work.batches[1].finish();
    assert.deepEqual(await Promise.all([...later, other]), ["done 2", "done 3", "done 4", "done 5", "done 9"]);
    // Idle again: the next request starts a batch of its own.
    const again = combiner.submit("g", 6);
    await turn();
    assert.deepEqual(work.batches[4].items, [6]);
    work.batches[4].finish();
    assert.equal(await again, "done 6");
  });

  it("a batch that throws answers each of its requests null (each then goes alone); null answers pass through", async () => {
    const work = manual();
    const combiner = new Combiner(work.run, 10);
    const first = combiner.submit("g", 1);
    await turn();
    const waiting = [2, 3].map((i) => combiner.submit("g", i));
    work.batches[0].fail();
    assert.equal(await first, null);
    await turn();
    work.batches[1].finish(["done 2", null]);
    assert.deepEqual(await Promise.all(waiting), ["done 2", null]);
  });

  it("with maxInFlight 2, a second batch of a key starts only when a full batch waits, and never a third", async () => {
    const work = manual();
    const combiner = new Combiner(work.run, 2, 2);
    const answers = [combiner.submit("g", 1)];
    await turn();
    answers.push(combiner.submit("g", 2));
    await turn();
    assert.equal(work.batches.length, 1, "one waiting is not a full batch: it waits");
    answers.push(combiner.submit("g", 3));
    await turn();
    assert.deepEqual(work.batches.map((b) => b.items), [[1], [2, 3]], "a full batch waits: it starts beside the first");
    for (let i = 4; i <= 9; i++) answers.push(combiner.submit("g", i));
    await turn();
    assert.equal(work.batches.length, 2, "at most two at once");
    work.batches[1].finish();
    await turn();
    assert.deepEqual(work.batches[2].items, [4, 5]);
    work.batches[0].finish();
    await turn();
    assert.deepEqual(work.batches[3].items, [6, 7]);
    for (const index of [2, 3]) work.batches[index].finish();
    await turn();
    assert.deepEqual(work.batches.slice(4).map((b) => b.items), [[8, 9]]);
    work.batches[4].finish();
    assert.deepEqual(await Promise.all(answers), [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `done ${i}`));
    assert.equal(work.mostRunning(), 2);
    // Both drains ended: an idle key starts afresh.
    const again = combiner.submit("g", 10);
    await turn();
    assert.deepEqual(work.batches[5].items, [10]);
    work.batches[5].finish();
    assert.equal(await again, "done 10");
  });
});
