import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SERVER_NODE_FLAGS } from "../../src/node-flags";

const ROOT = join(__dirname, "../../..");

/** The largest new space a process reaches while allocating short-lived objects, in MiB. */
function grownNewSpaceMiB(flags: readonly string[]): number {
  const script = `
    const v8 = require("node:v8");
    let kept = [];
    for (let i = 0; i < 6e6; i++) { kept.push({ i, s: "x" + i }); if (kept.length > 3e5) kept = []; }
    process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 1048576));`;
  const run = spawnSync(process.execPath, [...flags, "-e", script], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  assert.equal(run.status, 0, run.stderr);
  return Number(run.stdout);
}

describe("the server's V8 flags", () => {
  it("npm start passes them on the command line", () => {
    const start: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start;
    for (const flag of SERVER_NODE_FLAGS) assert.ok(start.split(" ").includes(flag), `${flag} in "${start}"`);
  });

  it("they take effect: the young generation grows past V8's default", () => {
    const plain = grownNewSpaceMiB([]);
    const flagged = grownNewSpaceMiB(SERVER_NODE_FLAGS);
    assert.ok(flagged > plain, `new space ${flagged} MiB with the flags, ${plain} MiB without`);
  });
});
