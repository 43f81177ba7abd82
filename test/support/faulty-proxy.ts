import { connect, createServer, type Server, type Socket } from "node:net";
import { freePort } from "./processes";

/** A loopback TCP proxy in front of MariaDB that can cut every connection and refuse new ones. */
export class FaultyProxy {
  private server!: Server;
  private sockets = new Set<Socket>();
  private down = false;
  port = 0;

  async start(target: { host: string; port: number }): Promise<void> {
    this.port = await freePort();
    this.server = createServer((client) => {
      if (this.down) return client.destroy();
      const upstream = connect(target);
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        a.pipe(b);
        a.on("error", () => b.destroy());
        a.on("close", () => b.destroy());
        this.sockets.add(a);
        a.on("close", () => this.sockets.delete(a));
      }
    });
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", () => resolve()));
  }

  /** The database "goes away": established connections reset, new ones refused. */
  sever(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.sever();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
