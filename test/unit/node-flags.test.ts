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

/**
 * What V8 reports of its allocation-site pretenuring while a script keeps two million objects made at
 * one site (with V8's default young generation they survive scavenges, so the site is a candidate).
 */
function pretenuringTrace(flags: readonly string[]): string {
  const script = `const keep = []; for (let i = 0; i < 2e6; i++) keep.push({ i }); process.stdout.write("kept " + keep.length);`;
  const run = spawnSync(process.execPath, [...flags, "--trace-pretenuring-statistics", "-e", script], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /kept 2000000/);
  return run.stdout;
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

  it("they turn off allocation-site pretenuring: no site's objects go straight to the old generation", () => {
    // Without the flag V8 decides to tenure the site (the control); with the server's flags (young
    // generation left at its default, so that the objects survive scavenges) it makes no decision at all.
    assert.match(pretenuringTrace([]), /=> tenure/);
    const flags = SERVER_NODE_FLAGS.filter((flag) => !flag.includes("semi-space"));
    assert.ok(flags.length > 0);
    assert.doesNotMatch(pretenuringTrace(flags), /pretenuring/);
  });
});
