/**
 * A CPU profile of a running server, taken over the inspector protocol (the server is started
 * with --inspect on a loopback port), and its self time grouped by where the code lives: garbage
 * collection, idle (waiting for the database or the network), V8/native, Node's core, each
 * package under node_modules, and this project's own code by folder.
 */
import WebSocket from "ws";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export class InspectorProfiler {
  private socket!: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, (result: any) => void>();

  static async connect(port: number): Promise<InspectorProfiler> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const profiler = new InspectorProfiler();
    profiler.socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => profiler.socket.once("open", () => resolve()).once("error", reject));
    profiler.socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) profiler.pending.get(message.id)?.(message.result);
    });
    await profiler.call("Profiler.enable");
    await profiler.call("Profiler.setSamplingInterval", { interval: 500 });
    return profiler;
  }

  private call(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  start(): Promise<void> {
    return this.call("Profiler.start");
  }

  async stop(): Promise<Profile> {
    const { profile } = await this.call("Profiler.stop");
    this.socket.close();
    return profile as Profile;
  }
}

/** Where a frame's code lives. */
function categoryOf(frame: ProfileNode["callFrame"]): string {
  const { functionName, url } = frame;
  if (!url) {
    if (functionName === "(garbage collector)") return "garbage collection";
    if (functionName === "(idle)") return "idle (waiting for I/O)";
    if (functionName === "(program)") return "V8 and native code";
    return "V8 and native code";
  }
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + "/node_modules/".length).split("/");
    return scope!.startsWith("@") ? `${scope}/${name}` : scope!;
  }
  if (url.startsWith("node:")) return "Node.js core";
  const own = /\/dist\/src\/([^/]+)/.exec(url);
  if (own) return `ours: src/${own[1]!.replace(/\.js$/, "")}`;
  return "other";
}

/** Self-time shares by category, largest first. */
export function breakdown(profile: Profile): Array<{ category: string; share: number }> {
  const totalHits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
  const byCategory = new Map<string, number>();
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const category = categoryOf(node.callFrame);
    byCategory.set(category, (byCategory.get(category) ?? 0) + node.hitCount);
  }
  return [...byCategory]
    .map(([category, hits]) => ({ category, share: hits / totalHits }))
    .sort((a, b) => b.share - a.share);
}

export function formatBreakdown(rows: Array<{ category: string; share: number }>, min = 0.005): string {
  const shown = rows.filter((r) => r.share >= min);
  const rest = rows.filter((r) => r.share < min).reduce((sum, r) => sum + r.share, 0);
  return [...shown.map((r) => `${r.category} ${(r.share * 100).toFixed(1)} %`), ...(rest > 0 ? [`the rest ${(rest * 100).toFixed(1)} %`] : [])].join("; ");
}
