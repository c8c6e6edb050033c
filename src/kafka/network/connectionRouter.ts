import type { ActorContext, ConnectionEvent, ConnectionId } from "../../sim/index.js";

/** What owns a connection this process opened (a `NetworkClient`): it gets the answers and the notices. */
export interface ConnectionOwner {
  onResponse(conn: ConnectionId, msg: unknown): void;
  onConnectionEvent(conn: ConnectionId, event: ConnectionEvent): void;
}

const routers = new WeakMap<ActorContext, ConnectionRouter>();

/**
 * One process's table of the connections it opened, each with the `NetworkClient` that opened it (the kernel's
 * socket table, in effect). A message on one of them is an answer for that client (routed by correlation id there);
 * a message on any other connection is a request from a peer that connected to this process, for its handlers.
 */
export class ConnectionRouter {
  private readonly owners = new Map<ConnectionId, ConnectionOwner>();

  private constructor(readonly incarnation: number) {}

  /** The router of a process in its current life (its clients share it; a restarted process starts with none). */
  static of(ctx: ActorContext): ConnectionRouter {
    let r = routers.get(ctx);
    if (!r || r.incarnation !== ctx.incarnation) routers.set(ctx, (r = new ConnectionRouter(ctx.incarnation)));
    return r;
  }

  register(conn: ConnectionId, owner: ConnectionOwner): void {
    this.owners.set(conn, owner);
  }

  unregister(conn: ConnectionId): void {
    this.owners.delete(conn);
  }

  /** An answer on a connection this process opened goes to its client (true); false: a request to serve. */
  onMessage(conn: ConnectionId, msg: unknown): boolean {
    const owner = this.owners.get(conn);
    if (owner === undefined) return false;
    owner.onResponse(conn, msg);
    return true;
  }

  /** A connection notice: to the client that opened it; notices on accepted connections concern nobody here. */
  onConnection(conn: ConnectionId, event: ConnectionEvent): void {
    this.owners.get(conn)?.onConnectionEvent(conn, event);
  }
}

/**
 * The network side of a client process (an application holding producers and consumers): everything that arrives is
 * an answer to one of its clients' requests, or a notice about one of their connections.
 */
export function clientProcess(ctx: ActorContext): { onMessage(from: string, msg: unknown, conn: ConnectionId): void; onConnection(conn: ConnectionId, peer: string, event: ConnectionEvent): void } {
  const router = ConnectionRouter.of(ctx);
  return {
    onMessage: (_from, msg, conn) => void router.onMessage(conn, msg),
    onConnection: (conn, _peer, event) => router.onConnection(conn, event),
  };
}
