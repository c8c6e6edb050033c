import type { Disk } from "./disk.js";
import type { RandomStream } from "./random.js";

/**
 * An actor is a state machine driven by the engine. It never owns time or chance: it acts only through its
 * context. Volatile state lives in the object; durable state lives on `ctx.disk`.
 */
export interface Actor {
  onStart?(): void;
  onMessage(from: string, msg: unknown): void;
  onTimer(tag: unknown): void;
  /** Called on a clean shutdown before the actor stops (e.g. a broker's controlled shutdown). */
  onShutdown?(): void;
}

export type TimerId = number;

export interface ActorContext {
  readonly name: string;
  /** Simulated time in milliseconds (may be fractional, µs resolution). */
  readonly nowMs: number;
  readonly nowUs: number;
  /** How many times this actor has been (re)started; 1 on the first start. */
  readonly incarnation: number;
  send(to: string, msg: unknown): void;
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

export type ActorFactory = (ctx: ActorContext) => Actor;

export type ActorStatus = "down" | "running" | "paused";
