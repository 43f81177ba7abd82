import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { createConnection } from "mysql2/promise";
import { parseWsrepStatus, WSREP_STATUS_SQL, type WsrepStatus } from "../db/wsrep";

const run = promisify(execFile);

/** Where Debian's galera-4 (and most other distributions) put the provider library. */
export const GALERA_PROVIDER_CANDIDATES = ["/usr/lib/galera/libgalera_smm.so", "/usr/lib/libgalera_smm.so", "/usr/lib64/galera-4/libgalera_smm.so", "/usr/lib64/galera/libgalera_smm.so"];

/** Ports of one node: all on 127.0.0.1, four consecutive numbers from `basePort + 10 × index`. */
export interface GaleraNode {
  index: number;
  name: string;
  /** MySQL protocol. */
  port: number;
  /** Group communication (gcomm). */
  gcommPort: number;
  /** Incremental state transfer. */
  istPort: number;
  /** rsync state snapshot transfer. */
  sstPort: number;
  dir: string;
  dataDir: string;
  socket: string;
  pidFile: string;
  errorLog: string;
  /** mysql://root@127.0.0.1:<port> (no database). */
  url: string;
}

export interface ClusterState {
  dir: string;
  basePort: number;
  size: number;
  clusterName: string;
  provider: string;
  runAs: string | null;
  /** Process ids of the nodes' mariadbd, by node index (kept so `down` finds them before their pid files exist). */
  pids: Record<number, number>;
}

export interface ClusterOptions {
  /** Working directory (created; removed by `down`). */
  dir: string;
  /** First port; node i uses basePort + 10i … basePort + 10i + 3. */
  basePort: number;
  /** Nodes (default 3). */
  size?: number;
  clusterName?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Which tools a cluster needs, and which of them this machine lacks. */
export function missingClusterTools(): string[] {
  const missing: string[] = [];
  for (const tool of ["mariadbd", "mariadb-install-db", "rsync", "wsrep_sst_rsync"]) {
    if (!which(tool)) missing.push(tool);
  }
  if (!findProvider()) missing.push("galera-4 (libgalera_smm.so)");
  return missing;
}

/** Where `tool` is: PATH first, then the sbin/bin directories a non-root PATH may lack. */
function which(tool: string): string | null {
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"]);
  for (const d of dirs) if (d && existsSync(join(d, tool))) return join(d, tool);
  return null;
}

function binary(tool: string): string {
  const path = which(tool);
  if (!path) throw new Error(`${tool} not found: install mariadb-server, galera-4 and rsync`);
  return path;
}

export function findProvider(): string | null {
  return GALERA_PROVIDER_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** True when every port of a cluster starting at `basePort` is free on 127.0.0.1. */
export async function portsFree(basePort: number, size = 3): Promise<boolean> {
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < 4; k++) {
      if (!(await portFree(basePort + 10 * i + k))) return false;
    }
  }
  return true;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once("error", () => resolvePort(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolvePort(true)));
  });
}

/**
 * A base port in 20000–32000 whose whole range is free (for tests that run beside others): below
 * Linux's ephemeral range (32768+), so no outgoing connection can be holding a port a node needs
 * when it restarts.
 */
export async function findFreeBasePort(size = 3): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + 10 * Math.floor(Math.random() * (1200 - 10 * size));
    if (await portsFree(base, size)) return base;
  }
  throw new Error("No free port range for a Galera cluster");
}

/**
 * A Galera cluster of MariaDB nodes on loopback, each with its own data directory under `dir`.
 * Nodes run as separate OS processes (detached, so `npm run cluster -- up` can return); the
 * state file in `dir` lets a later `down` find them.
 */
export class GaleraCluster {
  readonly nodes: GaleraNode[];

  private constructor(readonly state: ClusterState, private readonly log: (line: string) => void = () => {}) {
    this.nodes = Array.from({ length: state.size }, (_, index) => nodeOf(state, index));
  }

  static create(options: ClusterOptions): GaleraCluster {
    const provider = findProvider();
    if (!provider) throw new Error("galera-4 is not installed (libgalera_smm.so not found)");
    const dir = resolve(options.dir);
    const state: ClusterState = {
      dir,
      basePort: options.basePort,
      size: options.size ?? 3,
      clusterName: options.clusterName ?? "group_platform",
      provider,
      // mariadbd refuses to run as root, and rsync's daemon (SST) drops root to "nobody":
      // as root, the nodes run as the mysql user that Debian's mariadb-server creates.
      runAs: process.getuid?.() === 0 ? "mysql" : null,
      pids: {},
    };
    return new GaleraCluster(state, options.log);
  }

  /** The cluster whose state file is in `dir` (for `down` and `status`). */
  static load(dir: string, log?: (line: string) => void): GaleraCluster | null {
    const file = join(resolve(dir), "cluster.json");
    if (!existsSync(file)) return null;
    return new GaleraCluster(JSON.parse(readFileSync(file, "utf8")) as ClusterState, log);
  }

  /** Initialises every node's data directory, bootstraps node 0, then joins the others one by one. */
  async up(timeoutMs = 120_000): Promise<void> {
    if (!(await portsFree(this.state.basePort, this.state.size))) {
      throw new Error(`Ports ${this.state.basePort}–${this.state.basePort + 10 * (this.state.size - 1) + 3} are not all free`);
    }
    mkdirSync(this.state.dir, { recursive: true });
    this.save();
    for (const node of this.nodes) mkdirSync(node.dir, { recursive: true });
    // The server user must reach its directories (mkdtemp makes the top one private to root).
    if (this.state.runAs) await run("chown", ["-R", `${this.state.runAs}:${this.state.runAs}`, this.state.dir]);
    // One at a time: concurrent bootstraps have been seen to trip over each other's system tables.
    for (const node of this.nodes) await this.install(node);
    const deadline = Date.now() + timeoutMs;
    this.startNode(0, { bootstrap: true });
    await this.waitReady(0, deadline - Date.now());
    for (let i = 1; i < this.nodes.length; i++) {
      this.startNode(i);
      await this.waitReady(i, deadline - Date.now());
    }
    await this.waitClusterSize(this.nodes.length, deadline - Date.now());
  }

  private async install(node: GaleraNode): Promise<void> {
    const args = ["--no-defaults", `--datadir=${node.dataDir}`, "--auth-root-authentication-method=normal", "--skip-test-db", "--innodb-log-file-size=16M"];
    if (this.state.runAs) args.push(`--user=${this.state.runAs}`);
    this.log(`${node.name}: mariadb-install-db`);
    try {
      await run(binary("mariadb-install-db"), args, { timeout: 120_000 });
    } catch (error) {
      throw new Error(`mariadb-install-db failed for ${node.name}: ${(error as { stderr?: string }).stderr ?? error}`);
    }
  }

  /** Starts one node's mariadbd (detached). `bootstrap` forms a new cluster (--wsrep-new-cluster). */
  startNode(index: number, options: { bootstrap?: boolean } = {}): void {
    const node = this.nodes[index];
    const args = this.serverArgs(node);
    if (options.bootstrap) args.push("--wsrep-new-cluster");
    this.log(`${node.name}: starting mariadbd on 127.0.0.1:${node.port}${options.bootstrap ? " (new cluster)" : ""}`);
    const out = openSync(join(node.dir, "stdout.log"), "a");
    const child = spawn(binary("mariadbd"), args, { detached: true, stdio: ["ignore", out, out] });
    child.unref();
    closeSync(out);
    if (child.pid) this.state.pids[index] = child.pid;
    this.save();
  }

  private save(): void {
    writeFileSync(join(this.state.dir, "cluster.json"), JSON.stringify(this.state, null, 2));
  }

  private serverArgs(node: GaleraNode): string[] {
    const gcomm = this.nodes.map((n) => `127.0.0.1:${n.gcommPort}`).join(",");
    const provider = [
      `base_host=127.0.0.1`,
      `base_port=${node.gcommPort}`,
      `gmcast.listen_addr=tcp://127.0.0.1:${node.gcommPort}`,
      `ist.recv_addr=127.0.0.1:${node.istPort}`,
      // Loopback: notice a vanished peer within seconds instead of the WAN-friendly defaults.
      `evs.keepalive_period=PT1S`,
      `evs.suspect_timeout=PT3S`,
      `evs.inactive_timeout=PT6S`,
      `evs.install_timeout=PT5S`,
      `gcache.size=64M`,
    ].join(";");
    const args = [
      "--no-defaults",
      `--datadir=${node.dataDir}`,
      `--socket=${node.socket}`,
      `--pid-file=${node.pidFile}`,
      `--log-error=${node.errorLog}`,
      `--port=${node.port}`,
      "--bind-address=127.0.0.1",
      "--skip-name-resolve=0",
      "--max-connections=300",
      "--innodb-buffer-pool-size=64M",
      "--innodb-log-file-size=16M",
      "--innodb-flush-log-at-trx-commit=2",
      // Galera's requirements: row-based replication, InnoDB, interleaved auto-increment locks.
      "--binlog-format=ROW",
      "--default-storage-engine=InnoDB",
      "--innodb-autoinc-lock-mode=2",
      "--wsrep-on=ON",
      `--wsrep-provider=${this.state.provider}`,
      `--wsrep-cluster-name=${this.state.clusterName}`,
      `--wsrep-cluster-address=gcomm://${gcomm}`,
      `--wsrep-node-name=${node.name}`,
      `--wsrep-node-address=127.0.0.1:${node.gcommPort}`,
      `--wsrep-provider-options=${provider}`,
      "--wsrep-sst-method=rsync",
      `--wsrep-sst-receive-address=127.0.0.1:${node.sstPort}`,
      "--wsrep-slave-threads=2",
    ];
    if (this.state.runAs) args.push(`--user=${this.state.runAs}`);
    return args;
  }

  /** The node's mariadbd process id, while it runs. */
  pidOf(index: number): number | null {
    const { pidFile } = this.nodes[index];
    let pid = this.state.pids[index] ?? 0;
    if (!pid && existsSync(pidFile)) pid = Number(readFileSync(pidFile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  /** Stops one node: SIGTERM leaves the cluster cleanly (it rejoins by IST); SIGKILL is a crash. */
  async stopNode(index: number, signal: "SIGTERM" | "SIGKILL" = "SIGTERM", timeoutMs = 60_000): Promise<void> {
    const pid = this.pidOf(index);
    if (pid === null) return;
    this.log(`${this.nodes[index].name}: ${signal}`);
    process.kill(pid, signal);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await sleep(100);
    }
    process.kill(pid, "SIGKILL");
    await sleep(500);
  }

  /** wsrep status of one node, or null when it does not answer. */
  async status(index: number): Promise<WsrepStatus | null> {
    const node = this.nodes[index];
    let connection;
    try {
      connection = await createConnection({ host: "127.0.0.1", port: node.port, user: "root", connectTimeout: 2000 });
      const [rows] = await connection.query(WSREP_STATUS_SQL);
      return parseWsrepStatus(rows as Array<{ Variable_name: string; Value: string }>);
    } catch {
      return null;
    } finally {
      await connection?.end().catch(() => {});
    }
  }

  /** Waits until the node is Synced and wsrep_ready (its state transfer done). */
  async waitReady(index: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + Math.max(timeoutMs, 0);
    let last: WsrepStatus | null = null;
    while (Date.now() < deadline) {
      last = await this.status(index);
      if (last?.ready && last.state === "Synced") return;
      if (this.pidOf(index) === null) {
        throw new Error(`${this.nodes[index].name} exited: ${this.tail(index)}`);
      }
      await sleep(250);
    }
    throw new Error(`${this.nodes[index].name} not ready after ${timeoutMs} ms (${JSON.stringify(last)}): ${this.tail(index)}`);
  }

  async waitClusterSize(size: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const sizes = await Promise.all(this.nodes.map((_, i) => this.status(i)));
      if (sizes.filter((s) => s?.ready && s.clusterSize === size).length === size) return;
      await sleep(250);
    }
    throw new Error(`The cluster did not reach ${size} nodes within ${timeoutMs} ms`);
  }

  /** The last lines of a node's error log (for failure messages). */
  tail(index: number, lines = 15): string {
    const file = this.nodes[index].errorLog;
    if (!existsSync(file)) return "(no error log)";
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  }

  /** Last resort when the owning process exits without `down` (synchronous: usable in an exit hook). */
  killAllSync(): void {
    for (let i = 0; i < this.nodes.length; i++) {
      const pid = this.pidOf(i);
      if (pid !== null) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }

  /** Stops every node and removes the directory. */
  async down(): Promise<void> {
    // Stop the others first, the bootstrap node last, so the cluster shuts down in an orderly way.
    for (let i = this.nodes.length - 1; i >= 0; i--) await this.stopNode(i, "SIGTERM", 30_000);
    if (existsSync(this.state.dir) && statSync(this.state.dir).isDirectory()) rmSync(this.state.dir, { recursive: true, force: true });
  }
}

function nodeOf(state: ClusterState, index: number): GaleraNode {
  const port = state.basePort + 10 * index;
  const dir = join(state.dir, `node${index + 1}`);
  return {
    index,
    name: `node${index + 1}`,
    port,
    gcommPort: port + 1,
    istPort: port + 2,
    sstPort: port + 3,
    dir,
    dataDir: join(dir, "data"),
    socket: join(dir, "mysqld.sock"),
    pidFile: join(dir, "mysqld.pid"),
    errorLog: join(dir, "error.log"),
    url: `mysql://root@127.0.0.1:${port}`,
  };
}
