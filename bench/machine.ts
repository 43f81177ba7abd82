/**
 * How busy the machine was with work that is not the benchmark's: from /proc, the CPU time the
 * whole machine spent (all cores, /proc/stat) minus the CPU time of the benchmark's own processes
 * (this process, its descendants — the API and baseline servers — and the database server it
 * measures through, mariadbd), over the wall time × cores of a measurement.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

const TICKS = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux

/**
 * Busy ticks of the whole machine that processes account for, plus time stolen by the hypervisor
 * (user, nice, system, steal). Interrupt time (irq, softirq) is left out: it is mostly the kernel
 * moving the benchmark's own loopback traffic, which no process is charged for.
 */
function machineBusyTicks(): number {
  const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
  const [user, nice, system, , , , , steal] = cpu!.trim().split(/\s+/).slice(1).map(Number);
  return user! + nice! + system! + (steal ?? 0);
}

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function processes(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid ..." — comm may hold spaces and parentheses: split at the last ")".
      const close = text.lastIndexOf(")");
      const comm = text.slice(text.indexOf("(") + 1, close);
      const fields = text.slice(close + 2).split(" ");
      // After comm: state(0) ppid(1) … utime(11) stime(12)
      out.push({ pid: Number(entry), ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** This process, its descendants, and the database server: the benchmark's own CPU. */
function ownTicks(): Map<number, number> {
  const all = processes();
  const children = new Map<number, number[]>();
  for (const p of all) (children.get(p.ppid) ?? children.set(p.ppid, []).get(p.ppid)!).push(p.pid);
  const own = new Set<number>();
  const stack = [process.pid];
  while (stack.length) {
    const pid = stack.pop()!;
    if (own.has(pid)) continue;
    own.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  const ticks = new Map<number, number>();
  for (const p of all) if (own.has(p.pid) || p.comm === "mariadbd" || p.comm === "mysqld") ticks.set(p.pid, p.ticks);
  return ticks;
}

/**
 * CPU time per request of a server and of the database server while it is measured: call `start()`
 * before the load and `perRequest(requests)` after it. On a 2-core machine shared by the server, the
 * database and the load generator, throughput moves with every process's CPU; this isolates one's.
 */
export class RequestCpu {
  private server = 0;
  private database = 0;
  private client = process.cpuUsage();
  constructor(private readonly pid: number) {}

  private ticks(): { server: number; database: number } {
    let server = 0;
    let database = 0;
    for (const p of processes()) {
      if (p.pid === this.pid) server += p.ticks;
      else if (p.comm === "mariadbd" || p.comm === "mysqld") database += p.ticks;
    }
    return { server, database };
  }

  start(): void {
    ({ server: this.server, database: this.database } = this.ticks());
    this.client = process.cpuUsage();
  }

  /**
   * Milliseconds of CPU per request: the server's (Node), the database server's, and the load
   * generator's (this process: autocannon), which shares the machine's cores with them.
   */
  perRequest(requests: number): { server: number; database: number; client: number } {
    const now = this.ticks();
    const n = Math.max(1, requests);
    const ms = (ticks: number) => (ticks * 1000) / TICKS / n;
    const used = process.cpuUsage(this.client);
    return { server: ms(now.server - this.server), database: ms(now.database - this.database), client: (used.user + used.system) / 1000 / n };
  }
}

export interface Quietness {
  /** Share of the machine (all cores) used by other processes during the measurement, 0…1. */
  others: number;
  /** Share of the machine used by the benchmark's own processes, 0…1. */
  own: number;
}

/** Watches one measurement: call `start()` before and `stop()` after. */
export class CpuWatch {
  private busy = 0;
  private own = new Map<number, number>();
  private at = 0;

  start(): void {
    this.busy = machineBusyTicks();
    this.own = ownTicks();
    this.at = performance.now();
  }

  stop(): Quietness {
    const busy = machineBusyTicks() - this.busy;
    const now = ownTicks();
    let own = 0;
    // A process that started during the measurement counts from zero; one that ended is lost
    // (its time then counts as someone else's — the check errs on the side of "not quiet").
    for (const [pid, ticks] of now) own += ticks - (this.own.get(pid) ?? 0);
    const capacity = ((performance.now() - this.at) / 1000) * TICKS * cpus().length;
    return { others: Math.max(0, busy - own) / capacity, own: own / capacity };
  }
}

/**
 * Waits (up to `maxMs`) until other processes use less than 5 % of the machine over a second, e.g.
 * the kernel writing back what a bulk insert just wrote, so a measurement starts on a settled machine.
 * It does not excuse anything: the measurement itself is still watched.
 */
export async function settle(maxMs = 20_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const watch = new CpuWatch();
    watch.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (watch.stop().others < 0.05) return;
  }
}

/**
 * Waits (up to `maxMs`) until the whole machine — the benchmark's own servers and MariaDB included —
 * uses less than 10 % of its cores over half a second: what a run's preparation left behind (MariaDB
 * writing back thousands of inserted users, a server collecting their garbage) is over before the
 * load starts, for the API and the raw server alike.
 */
export async function idleMachine(maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const busy = machineBusyTicks();
    const at = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const capacity = ((performance.now() - at) / 1000) * TICKS * cpus().length;
    if ((machineBusyTicks() - busy) / capacity < 0.1) return;
  }
}

/** Runs `measure` while watching the machine; records the others' share under `label`. */
export class QuietLedger {
  readonly entries: Array<{ label: string } & Quietness> = [];
  constructor(readonly limit = 0.1) {}

  async watch<T>(label: string, measure: () => Promise<T>): Promise<T> {
    await settle();
    const watch = new CpuWatch();
    watch.start();
    const result = await measure();
    this.entries.push({ label, ...watch.stop() });
    return result;
  }

  /** The busiest measurement by other processes. */
  worst(): ({ label: string } & Quietness) | null {
    return this.entries.reduce<({ label: string } & Quietness) | null>((w, e) => (!w || e.others > w.others ? e : w), null);
  }

  quiet(): boolean {
    return this.entries.every((e) => e.others <= this.limit);
  }

  summary(): string {
    return this.entries.map((e) => `${e.label} ${(e.others * 100).toFixed(1)} %`).join(", ");
  }
}
