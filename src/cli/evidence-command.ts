import { writeFile } from "node:fs/promises";
import { parseOptions, UsageError } from "./args";
import { command } from "./command";

export const exportEvidence = command({
  name: "export-evidence",
  summary: "write a group's evidence bundle (as the evidenceBundle query returns it)",
  usage: "Usage: group-platform export-evidence --group <group id> [--out <file>]   (no --out: the JSON goes to stdout)",
  parse(argv) {
    return parseOptions(argv, { group: { type: "string", required: true }, out: { type: "string" } }, this.usage);
  },
  async run(app, options, out) {
    const { findGroup } = await import("./runtime.js");
    const group = await findGroup(app, options.group!);
    if (!group) throw new UsageError(`no group with id ${options.group}`, this.usage);
    const bundle = await app.evidence.bundle(group);
    if (!bundle) throw new UsageError(`group ${options.group} has no evidence log yet`, this.usage);
    // The very text the evidenceBundle query returns, so either export verifies the same way.
    const json = `${JSON.stringify(bundle, null, 2)}\n`;
    if (!options.out) return out.stdout(json);
    await writeFile(options.out, json);
    out.stderr(
      `wrote ${options.out}: ${bundle.entries.length} entries, tree size ${bundle.treeHead.treeSize}, root ${bundle.treeHead.rootHash}\n` +
        `check it offline with: npm run verify-evidence -- ${options.out}\n`,
    );
  },
});
