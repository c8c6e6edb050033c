import type { Disk } from "./disk.js";
import type { RandomStream } from "./random.js";

/**
 * An actor is a state machine driven by the engine. It never owns time or chance: it acts only through its
 * context. Volatile state lives in the object; durable state lives on `ctx.disk`.
 */
export interface Actor<Message = unknown> {
  onStart?(): void;
  /** A message delivered from `from`; an actor's message type is its side of the protocol it speaks. */
  onMessage(from: string, msg: Message): void;
  /** Timers set with `ctx.setTimer` (a component with its own timers uses `ctx.timer` instead). */
  onTimer?(tag: unknown): void;
  /** Called on a clean shutdown before the actor stops (e.g. a broker's controlled shutdown). */
  onShutdown?(): void;
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
  send(to: string, msg: unknown): void;
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
   * This actor closed its connection to `peer` and will open a new one: later messages are not held behind
   * messages still in flight on the old one (which may still arrive, late).
   */
  reconnect(peer: string): void;
}

export type ActorFactory<Message = unknown> = (ctx: ActorContext) => Actor<Message>;

export type ActorStatus = "down" | "running" | "paused";
