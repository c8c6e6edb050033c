import type { Disk } from "./disk.js";
import type { RandomStream } from "./random.js";
import type { ActorStatus } from "./process.js";
import type { ConnectionEvent, ConnectionId } from "./tcp.js";

export type { ActorStatus, ConnectionEvent, ConnectionId };

/**
 * An actor is a state machine driven by the engine. It never owns time or chance: it acts only through its
 * context. Volatile state lives in the object; durable state lives on `ctx.disk`.
 */
export interface Actor<Message = unknown> {
  onStart?(): void;
  /**
   * A message delivered from `from`; an actor's message type is its side of the protocol it speaks. `conn` is the
   * connection it came on (-1 for `ctx.send`'s connectionless messages).
   */
  onMessage(from: string, msg: Message, conn: ConnectionId): void;
  /** Something happened to one of this actor's connections (see `ConnectionEvent`). */
  onConnection?(conn: ConnectionId, peer: string, event: ConnectionEvent): void;
  /** Timers set with `ctx.setTimer` (a component with its own timers uses `ctx.timer` instead). */
  onTimer?(tag: unknown): void;
  /**
   * Called on a clean shutdown. An actor with work to finish first (a broker's controlled shutdown) calls `done`
   * when it has finished and returns the longest the engine should wait for it (ms; Kafka's own bound); meanwhile it
   * runs as usual. Returning nothing stops it at once. Then its disk is flushed and its connections closed.
   */
  onShutdown?(done: () => void): number | void;
}

export type TimerId = number;

/**
 * A timer owned by one component (from `ctx.timer(onFire)`): `set` schedules a call of `onFire(payload)` after
 * `delayMs`, `cancel` forgets one. A cancelled timer's event still comes due (it is an event like any other) but
 * calls nothing. The payload is the component's own, typed; nobody else parses it.
 */
export interface Timer<Payload = void> {
  set(delayMs: number, payload: Payload): TimerId;
  cancel(id: TimerId): void;
}

export interface ActorContext {
  readonly name: string;
  /** Simulated time in milliseconds (may be fractional, µs resolution). */
  readonly nowMs: number;
  readonly nowUs: number;
  /** How many times this actor has been (re)started; 1 on the first start. */
  readonly incarnation: number;
  /**
   * A connectionless message to `to` (the engine demos' way): FIFO per pair of actors, dropped across a cut, and
   * the peers of a process that stops are told (`Disconnected`). Kafka's processes use connections instead.
   */
  send(to: string, msg: unknown): void;
  /**
   * Opens a TCP connection to `to` (see `Tcp`): `onConnection(conn, to, "connected")` one round trip later, or
   * `refused` / `timeout`. Messages written on it arrive in order, each as `onMessage(from, msg, conn)`.
   */
  connect(to: string): ConnectionId;
  /** Writes a message on one of this actor's connections (nothing is sent if its end is closed). */
  write(conn: ConnectionId, msg: unknown): void;
  /** Closes this actor's end of a connection: the peer gets FIN after everything written before. */
  close(conn: ConnectionId): void;
  /**
   * Opens (true) or closes (false) this process's listening socket. While closed, a connection to it is refused (its
   * host answers the SYN with a reset, as for a port nobody listens on); connections already open and the ones this
   * process opens are not affected. Open from every start until the actor closes it.
   */
  listen(on: boolean): void;
  /** A timer owned by the caller: it calls `onFire` with the payload each `set` gave (see `Timer`). */
  timer<Payload = void>(onFire: (payload: Payload) => void): Timer<Payload>;
  /** The actor's own timer: `onTimer(tag)` after `delayMs`. */
  setTimer(delayMs: number, tag: unknown): TimerId;
  cancelTimer(id: TimerId): void;
  /** The actor's default random stream. */
  readonly random: RandomStream;
  /** A named random stream of this actor, stable across restarts' draws of other purposes. */
  stream(purpose: string): RandomStream;
  readonly disk: Disk;
  trace(type: string, data?: Record<string, unknown>): void;
  /** Whether an actor of that name exists (the model may not invent addresses). */
  knows(name: string): boolean;
  /**
   * The process ends itself (a program's exit after a fatal error, as `System.exit(status)`): it stops as in a crash
   * (volatile state and timers gone, connections closed, nothing of the disk lost) and stays down until something
   * starts it again. Traced as sim.exit. Call it last: nothing the actor does afterwards has any effect.
   */
  exit(status: number): void;
}

export type ActorFactory<Message = unknown> = (ctx: ActorContext) => Actor<Message>;

