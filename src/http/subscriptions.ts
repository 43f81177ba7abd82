import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import { getOperationAST, GraphQLError, parse, validate } from "graphql";
import type { Context } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { type App, requestContext } from "../app";
import type { Authenticated } from "../auth/authenticator";
import { claimedExpiry } from "../auth/credentials";

/** Close codes (4xxx are the graphql-transport-ws protocol's and ours; 1013 is "try again later"). */
export const CLOSE = {
  unauthorized: 4401,
  forbidden: 4403,
  tooManyConnections: 4429,
  slowConsumer: 1013,
} as const;

interface Connection {
  authorization: string;
  auth: Authenticated;
  principalKey: string;
  timers: NodeJS.Timeout[];
}

type WsContext = Context<Record<string, unknown> | undefined, { socket: WebSocket; request: import("node:http").IncomingMessage }>;

/**
 * GraphQL subscriptions over WebSocket on the HTTP server's own port and path (`/graphql`), with
 * the graphql-transport-ws protocol (the graphql-ws library), as Apollo documents it: a
 * WebSocketServer on the same http.Server, `useServer`, and a plugin whose drain closes the
 * sockets. Authentication is the `connection_init` payload's `authorization`; an expired or
 * revoked credential closes the socket (4401); a socket that lets too much pile up unsent is
 * closed (1013) instead of buffered without bound. Only subscriptions run here: queries and
 * mutations go over HTTP, where idempotency, cost and rate limits apply.
 */
export class SubscriptionServer {
  private wsServer: WebSocketServer | null = null;
  private disposable: { dispose(): void | Promise<void> } | null = null;
  private readonly connections = new Map<WsContext, Connection>();
  private readonly perPrincipal = new Map<string, number>();
  slowConsumersClosed = 0;

  constructor(private readonly app: App) {}

  get openConnections(): number {
    return this.connections.size;
  }

  /** Apollo's drain hook: stopping Apollo closes every socket. */
  plugin(): ApolloServerPlugin {
    return {
      serverWillStart: async () => ({
        drainServer: async () => {
          await this.close();
        },
      }),
    };
  }

  attach(server: Server): void {
    const app = this.app;
    const limits = app.config.subscriptions;
    this.wsServer = new WebSocketServer({ server, path: "/graphql", maxPayload: app.config.maxBodyBytes });
    this.disposable = useServer<Record<string, unknown> | undefined, { socket: WebSocket; request: import("node:http").IncomingMessage }>(
      {
        schema: app.schema,
        onConnect: async (ctx) => {
          const socket = ctx.extra.socket;
          const authorization = typeof ctx.connectionParams?.authorization === "string" ? ctx.connectionParams.authorization : "";
          const auth = await this.authenticate(authorization, ctx.extra.request.socket.remoteAddress);
          if (!auth || auth.principal.kind === "ANONYMOUS") {
            socket.close(CLOSE.unauthorized, "Unauthorized");
            return false;
          }
          if (!auth.tenant) {
            socket.close(CLOSE.forbidden, "Forbidden: subscriptions need a tenant API key or a user token");
            return false;
          }
          const principalKey = requestContext(app, "ws", app.log, auth.principal, auth.tenant).principalKey;
          const open = this.perPrincipal.get(principalKey) ?? 0;
          if (open >= limits.connectionsPerPrincipal) {
            socket.close(CLOSE.tooManyConnections, `Too many connections: at most ${limits.connectionsPerPrincipal} per principal`);
            return false;
          }
          this.perPrincipal.set(principalKey, open + 1);
          const connection: Connection = { authorization, auth, principalKey, timers: [] };
          this.connections.set(ctx, connection);
          this.watchCredential(ctx, connection);
          return true;
        },
        onSubscribe: (_ctx, _id, payload) => {
          let document;
          try {
            document = parse(payload.query, { maxTokens: app.config.maxQueryTokens });
          } catch (error) {
            return [error instanceof GraphQLError ? error : new GraphQLError("Syntax error")];
          }
          const errors = validate(app.schema, document);
          if (errors.length) return errors;
          const operation = getOperationAST(document, payload.operationName);
          if (operation?.operation !== "subscription") {
            return [new GraphQLError("Only subscriptions are served over WebSocket; send queries and mutations over HTTP", { extensions: { code: "BAD_REQUEST" } })];
          }
          return undefined;
        },
        context: (ctx) => {
          const connection = this.connections.get(ctx as WsContext);
          if (!connection) throw new GraphQLError("Not connected", { extensions: { code: "UNAUTHENTICATED" } });
          const requestId = randomUUID();
          return requestContext(app, requestId, app.log.child({ reqId: requestId, ws: true }), connection.auth.principal, connection.auth.tenant);
        },
        onNext: (ctx) => {
          // Back-pressure: a client that does not read is disconnected, not buffered for without bound.
          const socket = (ctx as WsContext).extra.socket;
          if (socket.bufferedAmount > limits.maxBufferedBytes) {
            this.slowConsumersClosed++;
            socket.close(CLOSE.slowConsumer, "Slow consumer: too much unsent data");
          }
        },
        onClose: (ctx) => this.forget(ctx as WsContext),
      },
      this.wsServer,
    );
  }

  /** Authenticates like an HTTP request; failures spend the client address's budget. Null: refused. */
  private async authenticate(authorization: string, address: string | undefined): Promise<Authenticated | null> {
    try {
      return await this.app.authenticator.authenticate(authorization || undefined);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      await this.app.authFailureLimiter.consume(`authfail:${address ?? "unknown"}`, 1);
      return null;
    }
  }

  /** Closes the socket when its token expires, and when a re-check finds it revoked (or its tenant's secret rotated). */
  private watchCredential(ctx: WsContext, connection: Connection): void {
    const socket = ctx.extra.socket;
    const end = () => socket.close(CLOSE.unauthorized, "Unauthorized: the credential expired or was revoked");
    if (connection.auth.principal.kind === "USER") {
      const token = connection.authorization.replace(/^Bearer /, "");
      const expiresAt = claimedExpiry(token);
      if (expiresAt !== null) {
        const timer = setTimeout(end, Math.min(2 ** 31 - 1, Math.max(0, expiresAt - this.app.clock.now())));
        timer.unref();
        connection.timers.push(timer);
      }
    }
    let checking = false;
    const recheck = setInterval(() => {
      if (checking) return;
      checking = true;
      this.app.authenticator
        .authenticate(connection.authorization)
        .then((auth) => {
          if (auth.principal.kind === "ANONYMOUS") end();
          else connection.auth = auth;
        })
        .catch((error: unknown) => {
          if (error instanceof GraphQLError) end();
          else this.app.log.warn({ err: error }, "subscription credential re-check failed");
        })
        .finally(() => (checking = false));
    }, this.app.config.subscriptions.authRecheckMs);
    recheck.unref();
    connection.timers.push(recheck);
  }

  private forget(ctx: WsContext): void {
    const connection = this.connections.get(ctx);
    if (!connection) return;
    this.connections.delete(ctx);
    for (const timer of connection.timers) clearTimeout(timer);
    const left = (this.perPrincipal.get(connection.principalKey) ?? 1) - 1;
    if (left <= 0) this.perPrincipal.delete(connection.principalKey);
    else this.perPrincipal.set(connection.principalKey, left);
  }

  /** Closes every socket (1001 going away) and stops accepting upgrades. */
  async close(): Promise<void> {
    const disposable = this.disposable;
    this.disposable = null;
    if (disposable) await disposable.dispose();
    for (const connection of this.connections.values()) for (const timer of connection.timers) clearTimeout(timer);
    const wsServer = this.wsServer;
    this.wsServer = null;
    if (wsServer) {
      for (const client of wsServer.clients) client.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    }
  }
}
