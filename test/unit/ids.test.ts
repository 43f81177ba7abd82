import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validate, version } from "uuid";
import { newId } from "../../src/common/ids";

describe("row ids (common/ids.ts)", () => {
  it("are UUIDv7, strictly increasing within a process, and never repeat", () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids.slice(0, 100)) {
      assert.ok(validate(id), id);
      assert.equal(version(id), 7);
    }
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("carry the time they were made in their first 48 bits", () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    const msecs = Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    // The counter may carry into the next millisecond when more than 2^31 ids are made in one: never here.
    assert.ok(msecs >= before && msecs <= after + 1, `${msecs} in [${before}, ${after}]`);
  });

  it("differ in their random bits between ids made in the same millisecond", () => {
    const ids = Array.from({ length: 1000 }, () => newId());
    const tails = new Set(ids.map((id) => id.slice(-12)));
    assert.equal(tails.size, ids.length);
  });
});
