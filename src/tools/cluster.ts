#!/usr/bin/env node
/**
 * `npm run cluster -- up|down|status [--dir DIR] [--base-port PORT] [--nodes N]`
 *
 * A MariaDB Galera cluster on loopback for trying (and testing) several API instances on a
 * synchronous multi-primary engine. `up` initialises one data directory per node, bootstraps the
 * first node, joins the others by rsync state transfer and waits until every node is Synced;
 * `down` stops the nodes and removes the directory.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GaleraCluster, missingClusterTools } from "./galera-cluster";

const USAGE = `Usage: npm run cluster -- <up|down|status> [--dir DIR] [--base-port PORT] [--nodes N]
  up       start a Galera cluster on 127.0.0.1 (default: 3 nodes, ports 13306/13316/13326, dir ${defaultDir()})
  down     stop its nodes and remove its directory
  status   print each node's wsrep state`;

function defaultDir(): string {
  return process.env.GALERA_DIR ?? join(tmpdir(), "group-platform-galera");
}

interface Options {
  dir: string;
  basePort: number;
  nodes: number;
}

function parse(argv: string[]): { action: string; options: Options } {
  const [action, ...rest] = argv;
  const options: Options = { dir: defaultDir(), basePort: Number(process.env.GALERA_BASE_PORT ?? 13306), nodes: 3 };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--dir") options.dir = value;
    else if (flag === "--base-port") options.basePort = Number(value);
    else if (flag === "--nodes") options.nodes = Number(value);
    else throw new Error(`Unknown option ${flag}`);
    i++;
  }
  if (!Number.isInteger(options.basePort) || options.basePort < 1024 || options.basePort > 65000) throw new Error("--base-port must be an integer in 1024–65000");
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > 9) throw new Error("--nodes must be 1–9");
  if (!["up", "down", "status"].includes(action ?? "")) throw new Error(action ? `Unknown action ${action}` : "Missing action");
  return { action: action!, options };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { action, options } = parsed;
  const log = (line: string) => process.stdout.write(`${line}\n`);

  if (action === "up") {
    const missing = missingClusterTools();
    if (missing.length) {
      process.stderr.write(`Missing: ${missing.join(", ")}\nInstall them with: apt-get install mariadb-server galera-4 rsync\n`);
      return 1;
    }
    if (GaleraCluster.load(options.dir)) {
      process.stderr.write(`A cluster is already set up in ${options.dir}: run \`npm run cluster -- down\` first\n`);
      return 1;
    }
    const cluster = GaleraCluster.create({ dir: options.dir, basePort: options.basePort, size: options.nodes, log });
    const started = Date.now();
    try {
      await cluster.up();
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\nStopping what started.\n`);
      await cluster.down();
      return 1;
    }
    log(`\nGalera cluster of ${cluster.nodes.length} nodes is Synced (${((Date.now() - started) / 1000).toFixed(1)} s), data in ${options.dir}`);
    // Instances must share the operator token and the evidence key (development keeps the key in
    // ./data/evidence-key.pem, shared by instances started from the same checkout).
    const token = `gpadmin_${randomBytes(18).toString("base64url")}`;
    log("One API instance per node (each migrates if needed; a lease lets exactly one do it):");
    for (const node of cluster.nodes) {
      log(`  PLATFORM_ADMIN_TOKEN=${token} DATABASE_URL=${node.url}/group_platform PORT=${4000 + node.index} npm start`);
    }
    log("Stop it with: npm run cluster -- down");
    return 0;
  }

  const cluster = GaleraCluster.load(options.dir, log);
  if (!cluster) {
    process.stderr.write(`No cluster in ${options.dir}\n`);
    return action === "down" ? 0 : 1;
  }
  if (action === "status") {
    for (const node of cluster.nodes) {
      const status = await cluster.status(node.index);
      log(`${node.name}  127.0.0.1:${node.port}  ${status ? `${status.state}, wsrep_ready=${status.ready ? "ON" : "OFF"}, ${status.clusterStatus}, cluster size ${status.clusterSize}` : "not answering"}`);
    }
    return 0;
  }
  await cluster.down();
  log(`Stopped and removed ${options.dir}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
