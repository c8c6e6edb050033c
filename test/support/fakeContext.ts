import { ConnectionRouter } from "../../src/kafka/network/connectionRouter.js";
import { type ActorContext, type ConnectionId, Disk, RandomStream, type Timer, type TimerId } from "../../src/sim/index.js";

/** A message the component under test sent, with the simulated time it sent it (µs). */
export interface SentMessage {
  atUs: number;
  to: string;
  msg: unknown;
  /** The connection it was written on (undefined: a connectionless `send`). */
  conn?: ConnectionId;
}

/** A trace record the component wrote. */
export interface TraceEntry {
  atUs: number;
  type: string;
  data: Record<string, unknown>;
}

interface PendingTimer {
  id: TimerId;
  dueUs: number;
  fire: () => void;
}

/**
 * An `ActorContext` for unit tests of one model component (a Partition, a purgatory) without an engine: the clock
 * moves only when the test calls `advance`, which fires the timers that come due in (due time, set order), as the
 * engine does. Messages and trace records are kept for the test to read. No network, no other actors: a connection
 * the component opens (`connect`) is established at once, its "connected" notice delivered to the process's
 * ConnectionRouter by a zero-delay timer (so on the next `advance`, `advance(0)` included); `conn(peer)` stands for
 * a connection a peer opened to the component (its requests' answers are written on it).
 */
export class FakeContext implements ActorContext {
  nowUs = 0;
  readonly incarnation = 1;
  readonly random: RandomStream;
  readonly sent: SentMessage[] = [];
  readonly traces: TraceEntry[] = [];
  private pending: PendingTimer[] = [];
  private nextTimerId = 1;
  private nextConn = 1;
  private readonly peers = new Map<ConnectionId, string>();
  private readonly accepted = new Map<string, ConnectionId>();

  /** `disk` is the actor's durable state: pass the disk of an earlier context to model a restart. */
  constructor(
    readonly name: string,
    readonly disk: Disk = new Disk(),
  ) {
    this.random = new RandomStream(`test:${name}`);
  }

  get nowMs(): number {
    return this.nowUs / 1000;
  }

  send(to: string, msg: unknown): void {
    this.sent.push({ atUs: this.nowUs, to, msg });
  }

  connect(to: string): ConnectionId {
    const conn = this.nextConn++;
    this.peers.set(conn, to);
    this.schedule(0, () => ConnectionRouter.of(this).onConnection(conn, "connected"));
    return conn;
  }

  write(conn: ConnectionId, msg: unknown): void {
    this.sent.push({ atUs: this.nowUs, to: this.peers.get(conn) ?? `conn-${conn}`, msg, conn });
  }

  close(conn: ConnectionId): void {
    this.peers.delete(conn);
  }

  /** The status the component's process exited with (`exit`); null while it runs. The fake only records it. */
  exitStatus: number | null = null;

  exit(status: number): void {
    this.exitStatus ??= status;
  }

  /** Whether the process listens (`listen`); the fake has no network, so it only records it. */
  listening = true;

  listen(on: boolean): void {
    this.listening = on;
  }

  /** The connection `peer` opened to this process (one per peer): pass it where a handler takes the request's connection. */
  conn(peer: string): ConnectionId {
    let c = this.accepted.get(peer);
    if (c === undefined) {
      c = this.nextConn++;
      this.accepted.set(peer, c);
      this.peers.set(c, peer);
    }
    return c;
  }

  /** An answer arriving on a connection this process opened (routed to the NetworkClient that opened it). */
  receive(conn: ConnectionId, msg: unknown): void {
    ConnectionRouter.of(this).onMessage(conn, msg);
  }

  timer<Payload = void>(onFire: (payload: Payload) => void): Timer<Payload> {
    return {
      set: (delayMs, payload) => this.schedule(delayMs, () => onFire(payload)),
      cancel: (id) => this.cancelTimer(id),
    };
  }

  setTimer(delayMs: number, _tag: unknown): TimerId {
    return this.schedule(delayMs, () => {});
  }

  cancelTimer(id: TimerId): void {
    this.pending = this.pending.filter((t) => t.id !== id);
  }

  stream(purpose: string): RandomStream {
    return new RandomStream(`test:${this.name}:${purpose}`);
  }

  trace(type: string, data: Record<string, unknown> = {}): void {
    this.traces.push({ atUs: this.nowUs, type, data });
  }

  knows(_name: string): boolean {
    return true;
  }

  reconnect(_peer: string): void {}

  /** Moves the clock `ms` forward, firing every timer that comes due on the way (at its own due time). */
  advance(ms: number): void {
    const until = this.nowUs + Math.round(ms * 1000);
    for (;;) {
      const due = this.pending.filter((t) => t.dueUs <= until).sort((a, b) => a.dueUs - b.dueUs || a.id - b.id)[0];
      if (!due) break;
      this.pending = this.pending.filter((t) => t !== due);
      this.nowUs = due.dueUs;
      due.fire();
    }
    this.nowUs = until;
  }

  /** How many timers are set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.pending.length;
  }

  /** The trace records of one type, in order. */
  tracesOf(type: string): TraceEntry[] {
    return this.traces.filter((t) => t.type === type);
  }

  /** Messages sent since the last call, and forgets them. */
  takeSent(): SentMessage[] {
    return this.sent.splice(0, this.sent.length);
  }

  private schedule(delayMs: number, fire: () => void): TimerId {
    const id = this.nextTimerId++;
    this.pending.push({ id, dueUs: this.nowUs + Math.round(delayMs * 1000), fire });
    return id;
  }
}

/** A message as the coordinator and replica-manager harnesses read it: its type, correlation id and error. */
export interface Sent {
  atUs: number;
  to: string;
  msg: { type: string; correlationId?: number; error?: string } & Record<string, unknown>;
  conn?: ConnectionId;
}

/**
 * The same context in the shape the coordinator and replica-manager harnesses use: the context, what it sent and
 * traced, `advance(ms)`, and the last message of a type sent to a destination.
 */
export function fakeContext(name = "broker-1") {
  const ctx = new FakeContext(name);
  return {
    ctx: ctx as ActorContext,
    fake: ctx,
    /** The connection `peer` opened to this process (see FakeContext.conn). */
    conn: (peer: string) => ctx.conn(peer),
    sent: ctx.sent as Sent[],
    traces: ctx.traces,
    advance: (ms: number) => ctx.advance(ms),
    last(to: string, type: string): Sent["msg"] | undefined {
      return [...(ctx.sent as Sent[])].reverse().find((s) => s.to === to && s.msg.type === type)?.msg;
    },
  };
}
