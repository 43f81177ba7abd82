import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { LRUCache } from "lru-cache";
import type { QrFormat } from "./links";

interface Pending {
  resolve: (output: string) => void;
  reject: (error: Error) => void;
}

/** One worker thread and the jobs it has been given. */
class QrWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  dead = false;

  constructor() {
    this.worker = new Worker(join(__dirname, "qr-worker.js"));
    // Idle workers must not keep a process alive (CLI, tests); in-flight jobs hold promises, not the loop.
    this.worker.unref();
    this.worker.on("message", (message: { id: number; output?: string; error?: string }) => {
      const job = this.pending.get(message.id);
      if (!job) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) job.reject(new Error(`QR rendering failed: ${message.error}`));
      else job.resolve(message.output!);
    });
    const fail = (error: Error) => {
      this.dead = true;
      for (const job of this.pending.values()) job.reject(error);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`QR worker exited with code ${code}`)));
  }

  get load(): number {
    return this.pending.size;
  }

  render(format: QrFormat, url: string): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, format, url });
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

export interface QrRendererOptions {
  /** Rendered codes kept (SVG and PNG count separately). */
  cacheEntries: number;
  /** Worker threads drawing cache misses. */
  workers: number;
}

/**
 * QR codes for the API: a code depends only on its URL, so each is drawn once and kept in a bounded
 * LRU; misses are drawn on worker threads (started on first use), so the event loop only ever moves
 * finished strings. Concurrent requests for one URL share one rendering.
 */
export class QrRenderer {
  private readonly cache: LRUCache<string, string>;
  private readonly workers: QrWorker[] = [];
  private closed = false;

  constructor(private readonly options: QrRendererOptions) {
    this.cache = new LRUCache<string, string>({
      max: options.cacheEntries,
      fetchMethod: (key) => {
        const cut = key.indexOf("\n");
        return this.worker().render(key.slice(0, cut) as QrFormat, key.slice(cut + 1));
      },
    });
  }

  svg(url: string): Promise<string> {
    return this.get("svg", url);
  }

  pngDataUrl(url: string): Promise<string> {
    return this.get("png", url);
  }

  private async get(format: QrFormat, url: string): Promise<string> {
    const output = await this.cache.fetch(`${format}\n${url}`);
    if (output === undefined) throw new Error("QR rendering was aborted");
    return output;
  }

  /** The least busy live worker, starting one while fewer than configured are running. */
  private worker(): QrWorker {
    if (this.closed) throw new Error("QR renderer is closed");
    for (let i = this.workers.length - 1; i >= 0; i--) if (this.workers[i].dead) this.workers.splice(i, 1);
    const idle = this.workers.find((w) => w.load === 0);
    if (idle) return idle;
    if (this.workers.length < this.options.workers) {
      const started = new QrWorker();
      this.workers.push(started);
      return started;
    }
    return this.workers.reduce((a, b) => (b.load < a.load ? b : a));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}
