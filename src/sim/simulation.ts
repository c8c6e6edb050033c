import type { Actor, ActorContext, ActorFactory, ActorStatus, Timer, TimerId } from "./actor.js";
import { Digest } from "./digest.js";
import { Disk } from "./disk.js";
import { EVENT_CALLBACK, EVENT_DELIVER, EVENT_PARKED, EVENT_RETRANSMIT, EVENT_SEGMENT, EVENT_TIMER, EventQueue } from "./eventQueue.js";
import type { LinkBehaviour } from "./links.js";
import type { Nic, NicSettings } from "./nics.js";
import { Endpoint, type MessageObserver, Network } from "./network.js";
import type { ProcessView } from "./process.js";
import type { ConnectionEvent, ConnectionId, TcpEndpoint } from "./tcp.js";
import { RandomStream, streamName } from "./random.js";
import type { TraceObserver, TraceRecord } from "./trace.js";

/** How a run ended. `event-limit` means the event budget ran out first: a long run, or a livelock. */
export interface RunOutcome {
  status: "ok" | "event-limit";
  events: number;
  simulatedUs: number;
  digest: string;
  /** With `event-limit`: what the last events of the budget were, to tell a long run from a livelock. */
  lastEvents?: LastEvents;
  /** The run's `stopWhen` condition held (at `simulatedUs`) before `untilUs`. */
  stopped?: boolean;
}

/**
 * A condition that ends a run early (a liveness phase's convergence): `holds` reads state and changes nothing; it is
 * read before the first event and then after an event once at least `everyUs` of simulated time has passed since
 * the last read (so its cost is bounded per simulated second, not per event).
 */
export interface StopCondition {
  holds(): boolean;
  everyUs: number;
}

/** The last events before the budget ran out: how far simulated time moved over them, and what they were. */
export interface LastEvents {
  count: number;
  /** Simulated time (µs) at the first of them; equal to the end time when time stood still. */
  fromUs: number;
  /** (actor, event) pairs by frequency: a message type, a timer tag, or "callback". */
  repeating: { actor: string; event: string; count: number }[];
}

export interface SimulationOptions {
  seed: string | number;
  /** Maximum number of events one run may process before it is stopped as a possible livelock. */
  maxEvents?: number;
  network?: Partial<LinkBehaviour>;
  /** How long TCP keeps retransmitting unacknowledged data before it resets the connection (µs; see `Tcp`). */
  tcpUserTimeoutUs?: number;
}

/** What a timer calls when it fires: its owner's callback, with the payload its `set` gave. */
type TimerCallback = (payload: unknown) => void;

interface Parked {
  kind: number;
  from: number;
  /** The message, or the timer's callback. */
  ref: unknown;
  timerId: number;
  /** The connection a message came on, or -1. */
  conn: number;
  /** A connection notice instead of a message. */
  event?: ConnectionEvent;
}

/**
 * One actor's slot in the runtime: what survives crashes (disk, streams, its network endpoint) and what does not
 * (actor, timers, parked messages).
 */
class ActorSlot extends Endpoint implements ProcessView {
  status: ActorStatus = "down";
  actor: Actor | undefined;
  /** Bumped on every start and every stop: events scheduled in another life are void. */
  life = 0;
  /** The machine is down (power loss), not just the process: nothing answers for it. */
  hostDown = false;
  /** Its listening socket is open (`ActorContext.listen`); reset at every start. */
  listening = true;
  /** A clean shutdown is under way: the actor finishes its work, then stops (see `Actor.onShutdown`). */
  stopping = false;
  /** A restart asked for while it was still shutting down: it starts again as soon as it has stopped. */
  restartWhenStopped = false;
  incarnation = 0;
  readonly disk = new Disk();
  /** Timers set and not yet fired or cancelled, with their payloads. */
  readonly liveTimers = new Map<number, unknown>();
  /** `ctx.setTimer`'s callback: the actor's own `onTimer`. */
  readonly onTimer: TimerCallback = (tag) => this.actor!.onTimer?.(tag);
  parked: Parked[] = [];
  readonly streams = new Map<string, RandomStream>();
  readonly defaultRandom: RandomStream;
  ctx!: ActorContext;

  constructor(
    readonly name: string,
    readonly index: number,
    readonly factory: ActorFactory,
    seed: string | number,
  ) {
    // The slot is its process's network endpoint (see Endpoint's "self"); its "net" stream draws latencies.
    super("self", new RandomStream(streamName(seed, name, "net")));
    this.defaultRandom = new RandomStream(streamName(seed, name, "default"));
    this.streams.set("default", this.defaultRandom);
  }
}

export const DEFAULT_LINK: LinkBehaviour = {
  latency: { model: "uniform", minUs: 500, maxUs: 1500 },
  lossRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
};

/**
 * The deterministic engine: the virtual clock, the event queue and the actor runtime (start, stop, pause, timers,
 * contexts), with the fault verbs. Delivery is the `Network`'s. It knows nothing of Kafka. Time advances only by
 * events; ties are ordered by insertion.
 */
export class Simulation {
  readonly seed: string | number;
  readonly network: Network;
  private readonly queue = new EventQueue(1024);
  private readonly slots: ActorSlot[] = [];
  /** Actor names by index (a dense array of strings, read on every delivery). */
  private readonly names: string[] = [];
  /**
   * Slots by actor name: a prototype-less object, not a Map (a keyed load on it is ~5 % of the engine bench's time
   * less than Map.get for the name every ctx.send looks up). Never iterated: order does not matter.
   */
  private readonly byName: Record<string, ActorSlot | undefined> = Object.create(null);
  private readonly digest = new Digest();
  /** Replaced, never changed in place, when one leaves: a record being handed out goes to the list it started with. */
  /** Releases of the holds in force, in the order they began (Set iteration is insertion order: deterministic). */
  private readonly activeHolds = new Set<() => void>();
  private observers: { fn: TraceObserver; types: ReadonlySet<string> | null }[] = [];
  private readonly maxEvents: number;
  private readonly timerIds = { next: 1 };
  /** Timer id → its event's queue slot while it is queued, so a cancelled timer leaves the queue at once. */
  private readonly timerSlots = new Map<number, number>();
  private nowUsValue = 0;
  private eventCount = 0;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.maxEvents = options.maxEvents ?? 50_000_000;
    this.network = new Network({ ...DEFAULT_LINK, ...options.network }, this.queue, this);
    if (options.tcpUserTimeoutUs !== undefined) this.network.tcp.userTimeoutUs = options.tcpUserTimeoutUs;
  }

  /** Trace every delivery as `net.deliver` (for trace files that follow messages; off by default). */
  get traceMessages(): boolean {
    return this.network.traceMessages;
  }

  set traceMessages(on: boolean) {
    this.network.traceMessages = on;
  }

  /** Sees every message sent, taken or dropped, outside the trace (see Network.messageObserver): for reports. */
  get messageObserver(): MessageObserver | null {
    return this.network.messageObserver;
  }

  set messageObserver(o: MessageObserver | null) {
    this.network.messageObserver = o;
  }

  get nowUs(): number {
    return this.nowUsValue;
  }

  get events(): number {
    return this.eventCount;
  }

  /** A named random stream for engine-level purposes (e.g. a fault generator). */
  stream(...parts: string[]): RandomStream {
    return new RandomStream(streamName(this.seed, ...parts));
  }

  /**
   * Receives trace records; with `types`, only records of those types (no record is built for others). Returns a
   * function that stops the observing (from inside the observer too).
   */
  observe(observer: TraceObserver, types?: Iterable<string>): () => void {
    const entry = { fn: observer, types: types ? new Set(types) : null };
    this.observers = [...this.observers, entry];
    return () => {
      this.observers = this.observers.filter((o) => o !== entry);
    };
  }

  addActor(name: string, factory: ActorFactory, startAtUs: number | null = 0): void {
    if (this.byName[name] !== undefined) throw new Error(`duplicate actor name: ${name}`);
    const slot = new ActorSlot(name, this.slots.length, factory, this.seed);
    this.network.attach(slot);
    slot.ctx = this.makeContext(slot);
    this.slots.push(slot);
    this.names.push(name);
    this.byName[name] = slot;
    if (startAtUs !== null) this.at(startAtUs, () => this.start(name));
  }

  has(name: string): boolean {
    return this.byName[name] !== undefined;
  }

  actorNames(): string[] {
    return this.slots.map((s) => s.name);
  }

  status(name: string): ActorStatus {
    return this.slot(name).status;
  }

  /** The live actor object, for end-of-run inspection and invariants; undefined while down. */
  actorOf<T extends Actor>(name: string): T | undefined {
    return this.slot(name).actor as T | undefined;
  }

  /** Which life of the actor is running or ran last: 1 after its first start, +1 per restart; undefined if unknown. */
  incarnationOf(name: string): number | undefined {
    return this.byName[name]?.incarnation;
  }

  diskOf(name: string): Disk {
    return this.slot(name).disk;
  }

  /** Schedules an engine callback at an absolute time (faults use this). */
  at(timeUs: number, fn: () => void): void {
    this.queue.push(Math.max(timeUs, this.nowUsValue), EVENT_CALLBACK, -1, 0, 0, fn);
  }

  /** Traces an engine-level record (faults, lifecycle, drops). */
  trace(actor: string, type: string, data?: Record<string, unknown>): void {
    const d = this.digest;
    d.foldNumber(this.nowUsValue);
    d.foldString(actor);
    d.foldString(type);
    if (data !== undefined) d.foldValue(data);
    if (this.observers.length > 0) {
      let record: TraceRecord | undefined;
      for (const o of this.observers) {
        if (o.types !== null && !o.types.has(type)) continue;
        record ??= data === undefined ? { t: this.nowUsValue, actor, type } : { t: this.nowUsValue, actor, type, data };
        o.fn(record);
      }
    }
  }

  // ---- fault verbs (design.md §8: faults are verbs with inverses) ----

  start(name: string): void {
    const s = this.slot(name);
    if (s.stopping) s.restartWhenStopped = true;
    if (s.status !== "down") return;
    s.life++;
    s.incarnation++;
    s.status = "running";
    s.hostDown = false;
    s.listening = true;
    this.trace(name, "sim.start", { incarnation: s.incarnation });
    s.actor = s.factory(s.ctx);
    s.actor.onStart?.();
  }

  restart(name: string): void {
    this.start(name);
  }

  /**
   * Unclean stop: volatile state, timers and parked messages are gone. A process crash closes its connections, so
   * every peer connected to it gets a DISCONNECTED notice (as a TCP reset would tell it). With `loseUnflushed` the
   * machine itself went down (power loss): un-fsynced writes are lost and no notice is sent.
   */
  crash(name: string, loseUnflushed = false): void {
    const s = this.slot(name);
    if (s.status === "down") return;
    this.trace(name, "sim.crash", { loseUnflushed });
    if (loseUnflushed) s.disk.loseUnflushed();
    else this.network.closeConnections(s);
    s.hostDown = loseUnflushed;
    this.network.tcp.processStopped(s, loseUnflushed ? "power-loss" : "crash");
    this.stop(s);
  }

  /**
   * @internal `ctx.exit` of the actor in `s`: the process ends itself; it stops as a crash would stop it (its
   * connections closed, its peers told), without losing anything written to its disk, and stays down until a start.
   */
  exitFrom(s: ActorSlot, status: number): void {
    if (s.status === "down") return;
    this.trace(s.name, "sim.exit", { status });
    this.network.closeConnections(s);
    this.network.tcp.processStopped(s, "crash");
    this.stop(s);
  }

  /**
   * The operator replaces the actor's disk: the process stops as in `crash` (if it was up), then everything on its
   * disk is gone, fsynced or not; the next start finds an empty disk. A fault verb, not a machine's own failure:
   * nothing of the old disk comes back. Traced as sim.replace-disk (after the crash's sim.crash).
   */
  replaceDisk(name: string): void {
    const s = this.slot(name);
    this.crash(name);
    this.trace(name, "sim.replace-disk", { residents: s.disk.names().length });
    s.disk.wipe();
  }

  /**
   * Clean stop: the actor runs its shutdown hook and may finish its work first, for as long as the hook says (see
   * `Actor.onShutdown`); then its disk is flushed, its connections are closed (FIN after their data) and it stops.
   */
  shutdown(name: string): void {
    const s = this.slot(name);
    if (s.status === "down" || s.stopping) return;
    this.trace(name, "sim.shutdown");
    const life = s.life;
    const startedUs = this.nowUsValue;
    const finish = (why: string) => {
      if (s.life !== life || !s.stopping) return;
      s.stopping = false;
      if (why !== "at once") this.trace(name, "sim.stopped", { after: why, tookMs: (this.nowUsValue - startedUs) / 1000 });
      const restart = s.restartWhenStopped;
      s.disk.flush();
      this.network.closeConnections(s);
      this.network.tcp.processStopped(s, "shutdown");
      this.stop(s);
      if (restart) this.start(name);
    };
    s.stopping = true;
    const boundMs = s.status === "running" ? s.actor?.onShutdown?.(() => finish("done")) : undefined;
    if (typeof boundMs !== "number" || boundMs <= 0) return finish("at once");
    this.at(this.nowUsValue + Math.round(boundMs * 1000), () => finish("timeout"));
  }

  /** GC pause / SIGSTOP: nothing is processed; messages and timers wait and run (late) after resume. */
  pause(name: string): void {
    const s = this.slot(name);
    if (s.status !== "running") return;
    s.status = "paused";
    this.trace(name, "sim.pause");
  }

  resume(name: string): void {
    const s = this.slot(name);
    if (s.status !== "paused") return;
    s.status = "running";
    this.trace(name, "sim.resume", { parked: s.parked.length });
    const parked = s.parked;
    s.parked = [];
    for (const p of parked) {
      if (p.kind === EVENT_TIMER) {
        if (s.liveTimers.has(p.timerId)) this.timerSlots.set(p.timerId, this.queue.pushRemovable(this.nowUsValue, EVENT_TIMER, s.index, p.timerId, s.life, p.ref));
      } else if (p.kind === EVENT_PARKED) this.queue.push(this.nowUsValue, EVENT_PARKED, s.index, 0, s.life, p);
      else this.queue.push(this.nowUsValue, EVENT_DELIVER, s.index, p.from, s.life, p.ref);
    }
  }

  /**
   * Holds messages of one type (or of any of several) from one actor to another, and what follows them on their
   * connection, until the returned release is called; then they go on in order. With `count`, only the first
   * `count` matching messages are caught. Returns the release.
   */
  hold(from: string, to: string, type: string | readonly string[], count?: number): () => void {
    const types = typeof type === "string" ? [type] : type;
    const release = this.network.tcp.hold(this.slot(from).index, this.slot(to).index, types, count);
    this.trace("sim", "sim.hold", { from, to, type: types.join(","), ...(count !== undefined ? { count } : {}) });
    const undo = () => {
      if (!this.activeHolds.delete(undo)) return;
      this.trace("sim", "sim.release", { from, to, type: types.join(",") });
      release();
    };
    this.activeHolds.add(undo);
    return undo;
  }

  /** Releases every hold still in force, oldest first (a run's liveness phase: faults stop). */
  releaseAllHolds(): void {
    for (const undo of [...this.activeHolds]) undo();
  }

  /** Symmetric partition between groups: every link between two different groups is cut. Returns a heal handle. */
  partition(groups: string[][]): () => void {
    const idx = groups.map((g) => g.map((n) => this.slot(n).index));
    const keys: number[] = [];
    for (let i = 0; i < idx.length; i++)
      for (let j = 0; j < idx.length; j++) if (i !== j) keys.push(...this.network.links.cut(idx[i], idx[j]));
    this.trace("sim", "sim.partition", { groups });
    return () => {
      this.network.links.uncut(keys);
      this.trace("sim", "sim.heal", { groups });
    };
  }

  /** One-way partition: messages from `from` to `to` are dropped; the reverse direction still works. */
  partitionOneWay(from: string[], to: string[]): () => void {
    const keys = this.network.links.cut(
      from.map((n) => this.slot(n).index),
      to.map((n) => this.slot(n).index),
    );
    this.trace("sim", "sim.partition", { from, to, oneWay: true });
    return () => {
      this.network.links.uncut(keys);
      this.trace("sim", "sim.heal", { from, to, oneWay: true });
    };
  }

  /** Overrides a directed link's behaviour (a scenario's per-link latency, loss, duplication or reordering). */
  setLink(from: string, to: string, behaviour: Partial<LinkBehaviour>): void {
    this.network.links.setLink(this.slot(from).index, this.slot(to).index, behaviour);
  }
  /**
   * Gives the host of process `name` a full-duplex NIC (`Nics`): its messages leave at `txBytesPerSec` and arrive at
   * `rxBytesPerSec`, sized by `network.nics.messageBytes` (set that first). Throws for an unknown process.
   */
  setNic(name: string, settings: NicSettings): void {
    this.network.nics.set(this.slot(name).index, settings);
  }

  /** The NIC of process `name`'s host, with what it carried (bytes, busy µs), or undefined if it has none. */
  nicOf(name: string): Nic | undefined {
    return this.network.nics.get(this.slot(name).index);
  }


  healAll(): void {
    this.network.links.healAll();
    this.trace("sim", "sim.heal", { all: true });
  }

  /** Ends every slow-link fault at once (a run's liveness phase: faults stop); per-link settings stay. */
  restoreAllLinks(): void {
    this.network.links.unslowAll();
    this.trace("sim", "sim.restore-link", { all: true });
  }

  /** Overrides the latency of the links between a and b (both directions unless oneWay). Returns the inverse. */
  slowLink(a: string, b: string, latency: LinkBehaviour["latency"], oneWay = false): () => void {
    const ia = this.slot(a).index;
    const ib = this.slot(b).index;
    this.network.links.slow(ia, ib, latency);
    if (!oneWay) this.network.links.slow(ib, ia, latency);
    this.trace("sim", "sim.slow-link", { between: [a, b], oneWay });
    return () => {
      this.network.links.unslow(ia, ib, latency);
      if (!oneWay) this.network.links.unslow(ib, ia, latency);
      this.trace("sim", "sim.restore-link", { between: [a, b], oneWay });
    };
  }

  // ---- running ----

  /**
   * Runs until simulated time `untilUs` (inclusive), the event budget runs out, or `stopWhen` holds (then the clock
   * stays at the moment it held: `stopped` in the outcome).
   */
  run(untilUs: number, stopWhen?: StopCondition): RunOutcome {
    const q = this.queue;
    let nextReadUs = this.nowUsValue;
    if (stopWhen && stopWhen.holds()) return { status: "ok", events: this.eventCount, simulatedUs: this.nowUsValue, digest: this.digest.hex(), stopped: true };
    // The last events of the budget are tallied (only those: no cost before), so running out can say what repeated.
    const tallyFrom = this.maxEvents - Math.min(10_000, Math.ceil(this.maxEvents / 10));
    while (q.size > 0) {
      const t = q.peekTime();
      if (t > untilUs) break;
      if (this.eventCount >= this.maxEvents) {
        this.trace("sim", "sim.event-limit", { maxEvents: this.maxEvents });
        const lastEvents = this.lastEvents ?? undefined;
        return { status: "event-limit", events: this.eventCount, simulatedUs: this.nowUsValue, digest: this.digest.hex(), lastEvents: tallied(lastEvents) };
      }
      const slot = q.pop();
      this.nowUsValue = t;
      this.eventCount++;
      const kind = q.kind[slot];
      const target = q.target[slot];
      const aux = q.aux[slot];
      const aux2 = q.aux2[slot];
      const ref = q.refs[slot];
      q.release(slot);
      if (this.eventCount > tallyFrom) this.tally(t, kind, target, aux, ref);
      // Time folds modulo 2^32 (wrapping is fine for a hash) to keep the hot path on int32 arithmetic.
      this.digest.foldPair(t | 0, kind * 65536 + target);
      if (kind === EVENT_SEGMENT) this.network.tcp.arrive(aux, aux2, ref);
      else if (kind === EVENT_TIMER) this.fireTimer(target, aux, aux2, ref as TimerCallback);
      else if (kind === EVENT_DELIVER) this.deliver(target, aux, aux2, ref);
      else if (kind === EVENT_RETRANSMIT) this.network.tcp.retransmit(aux, aux2);
      else if (kind === EVENT_PARKED) this.unpark(target, aux2, ref as Parked);
      else (ref as () => void)();
      if (stopWhen && t >= nextReadUs) {
        nextReadUs = t + stopWhen.everyUs;
        if (stopWhen.holds()) return { status: "ok", events: this.eventCount, simulatedUs: t, digest: this.digest.hex(), stopped: true };
      }
    }
    if (untilUs > this.nowUsValue) this.nowUsValue = untilUs;
    return { status: "ok", events: this.eventCount, simulatedUs: this.nowUsValue, digest: this.digest.hex() };
  }

  digestHex(): string {
    return this.digest.hex();
  }

  // ---- internals ----

  private lastEvents: { count: number; fromUs: number; byKey: Map<string, { actor: string; event: string; count: number }> } | null = null;

  /** Counts one of the budget's last events by actor and what it was (a message type, a timer tag, a callback). */
  private tally(t: number, kind: number, target: number, aux: number, ref: unknown): void {
    this.lastEvents ??= { count: 0, fromUs: t, byKey: new Map() };
    const actor = kind === EVENT_CALLBACK ? "sim" : this.names[target];
    const payload = kind === EVENT_TIMER ? this.slots[target].liveTimers.get(aux) : undefined;
    const event =
      kind === EVENT_DELIVER || kind === EVENT_SEGMENT
        ? messageType(ref)
        : kind === EVENT_TIMER
          ? `timer ${typeof payload === "string" ? payload : messageType(payload)}`
          : kind === EVENT_RETRANSMIT
            ? "tcp retransmission"
            : kind === EVENT_PARKED
              ? ((ref as Parked).event ?? messageType((ref as Parked).ref))
              : "callback";
    const key = `${actor}\u0000${event}`;
    const e = this.lastEvents.byKey.get(key);
    if (e) e.count++;
    else this.lastEvents.byKey.set(key, { actor, event, count: 1 });
    this.lastEvents.count++;
  }

  private slot(name: string): ActorSlot {
    const s = this.byName[name];
    if (!s) throw new Error(`unknown actor: ${name}`);
    return s;
  }

  private stop(s: ActorSlot): void {
    s.status = "down";
    s.stopping = false;
    s.restartWhenStopped = false;
    s.actor = undefined;
    s.life++;
    for (const id of s.liveTimers.keys()) this.unqueueTimer(id);
    s.liveTimers.clear();
    s.parked = [];
  }

  private deliver(target: number, from: number, life: number, msg: unknown): void {
    const s = this.slots[target];
    if (!this.network.admit(s, from, life, msg)) return;
    if (s.status === "paused") {
      s.parked.push({ kind: EVENT_DELIVER, from, ref: msg, timerId: 0, conn: -1 });
      return;
    }
    this.network.received(s, from, msg);
    s.actor!.onMessage(this.names[from], msg, -1);
  }

  /** A message arrived on a connection (from the network's TCP): to the actor, or parked while it is paused. */
  deliverOn(to: TcpEndpoint, from: TcpEndpoint, conn: ConnectionId, msg: unknown): void {
    const s = this.slots[to.process.index];
    if (s.status === "down") return;
    if (s.status === "paused") {
      s.parked.push({ kind: EVENT_PARKED, from: from.process.index, ref: msg, timerId: 0, conn });
      return;
    }
    this.network.messageObserver?.("deliver", this.names[from.process.index], s.name, msg);
    s.actor!.onMessage(this.names[from.process.index], msg, conn);
  }

  /** Something happened to a connection of an actor (from the network's TCP): told now, or after a pause. */
  notify(to: TcpEndpoint, peer: TcpEndpoint, conn: ConnectionId, event: ConnectionEvent): void {
    const s = this.slots[to.process.index];
    if (s.status === "down") return;
    if (s.status === "paused") {
      s.parked.push({ kind: EVENT_PARKED, from: peer.process.index, ref: undefined, timerId: 0, conn, event });
      return;
    }
    s.actor!.onConnection?.(conn, this.names[peer.process.index], event);
  }

  private unpark(target: number, life: number, p: Parked): void {
    const s = this.slots[target];
    if (s.life !== life || s.status === "down") return;
    if (s.status === "paused") {
      s.parked.push(p);
      return;
    }
    if (p.event !== undefined) s.actor!.onConnection?.(p.conn, this.names[p.from], p.event);
    else {
      this.network.messageObserver?.("deliver", this.names[p.from], s.name, p.ref);
      s.actor!.onMessage(this.names[p.from], p.ref, p.conn);
    }
  }

  /** @internal `ctx.setTimer` / a component timer's `set` of the actor in `s` (SlotContext). */
  setTimer(s: ActorSlot, delayMs: number, payload: unknown, onFire: TimerCallback): TimerId {
    const id = this.timerIds.next++;
    s.liveTimers.set(id, payload);
    // A positive delay never rounds down to zero: a "wait a little" loop must let time move.
    const delayUs = delayMs > 0 ? Math.max(1, Math.round(delayMs * 1000)) : 0;
    this.timerSlots.set(id, this.queue.pushRemovable(this.nowUsValue + delayUs, EVENT_TIMER, s.index, id, s.life, onFire));
    return id;
  }

  /** @internal A timer cancelled (or its process stopped) before it fired: its event leaves the queue, costing nothing. */
  cancelTimer(s: ActorSlot, id: number): void {
    if (s.liveTimers.delete(id)) this.unqueueTimer(id);
  }

  private unqueueTimer(id: number): void {
    const slot = this.timerSlots.get(id);
    if (slot === undefined) return; // parked by a pause: it is dropped when the process resumes
    this.timerSlots.delete(id);
    this.queue.remove(slot);
  }

  private fireTimer(target: number, timerId: number, life: number, onFire: TimerCallback): void {
    this.timerSlots.delete(timerId);
    const s = this.slots[target];
    if (s.life !== life || s.status === "down") return;
    if (!s.liveTimers.has(timerId)) return; // cancelled
    if (s.status === "paused") {
      s.parked.push({ kind: EVENT_TIMER, from: -1, ref: onFire, timerId, conn: -1 });
      return;
    }
    const payload = s.liveTimers.get(timerId);
    s.liveTimers.delete(timerId);
    onFire(payload);
  }

  private makeContext(s: ActorSlot): ActorContext {
    return new SlotContext(this, s);
  }

  // ---- what an actor's context calls (SlotContext); not for other callers ----

  /** @internal `ctx.send` of the actor in `s`. */
  sendFrom(s: ActorSlot, to: string, msg: unknown): void {
    if (s.status !== "running") return; // a stopped or paused process sends nothing
    const peer = this.byName[to];
    if (!peer) throw new Error(`${s.name} sent to unknown actor ${to}`);
    this.network.send(s, peer, msg);
  }

  /** @internal `ctx.connect` of the actor in `s`. */
  connectFrom(s: ActorSlot, to: string): ConnectionId {
    const peer = this.byName[to];
    if (!peer) throw new Error(`${s.name} connected to unknown actor ${to}`);
    return this.network.tcp.connect(s, peer);
  }

  /** @internal `ctx.stream` of the actor in `s`. */
  streamOf(s: ActorSlot, purpose: string): RandomStream {
    let r = s.streams.get(purpose);
    if (!r) {
      r = new RandomStream(streamName(this.seed, s.name, purpose));
      s.streams.set(purpose, r);
    }
    return r;
  }
}

/**
 * An actor's context: a class, not an object of closures, so every actor's context has one shape and its methods
 * one code (the engine's per-event cost: issue 14 measured closures per actor slower on the delivery path).
 */
class SlotContext implements ActorContext {
  readonly name: string;
  readonly random: RandomStream;
  readonly disk: Disk;

  constructor(
    private readonly sim: Simulation,
    private readonly s: ActorSlot,
  ) {
    this.name = s.name;
    this.random = s.defaultRandom;
    this.disk = s.disk;
  }

  get nowMs(): number {
    return this.sim.nowUs / 1000;
  }

  get nowUs(): number {
    return this.sim.nowUs;
  }

  get incarnation(): number {
    return this.s.incarnation;
  }

  send(to: string, msg: unknown): void {
    this.sim.sendFrom(this.s, to, msg);
  }

  connect(to: string): ConnectionId {
    return this.sim.connectFrom(this.s, to);
  }

  write(conn: ConnectionId, msg: unknown): void {
    if (this.s.status === "running") this.sim.network.tcp.write(this.s, conn, msg);
  }

  close(conn: ConnectionId): void {
    if (this.s.status !== "down") this.sim.network.tcp.close(this.s, conn);
  }

  listen(on: boolean): void {
    this.s.listening = on;
  }

  exit(status: number): void {
    this.sim.exitFrom(this.s, status);
  }

  timer<P>(onFire: (payload: P) => void): Timer<P> {
    const callback = onFire as TimerCallback;
    const { sim, s } = this;
    return {
      set: (delayMs, payload) => sim.setTimer(s, delayMs, payload, callback),
      cancel: (id) => sim.cancelTimer(s, id),
    };
  }

  setTimer(delayMs: number, tag: unknown): TimerId {
    return this.sim.setTimer(this.s, delayMs, tag, this.s.onTimer);
  }

  cancelTimer(id: TimerId): void {
    this.sim.cancelTimer(this.s, id);
  }

  stream(purpose: string): RandomStream {
    return this.sim.streamOf(this.s, purpose);
  }

  trace(type: string, data?: Record<string, unknown>): void {
    this.sim.trace(this.s.name, type, data);
  }

  knows(name: string): boolean {
    return this.sim.has(name);
  }
}

function tallied(l: { count: number; fromUs: number; byKey: Map<string, { actor: string; event: string; count: number }> } | undefined): LastEvents | undefined {
  if (!l) return undefined;
  const repeating = [...l.byKey.values()].sort((a, b) => b.count - a.count || (a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : a.event < b.event ? -1 : 1));
  return { count: l.count, fromUs: l.fromUs, repeating: repeating.slice(0, 5) };
}

function messageType(msg: unknown): string {
  if (msg !== null && typeof msg === "object" && "type" in msg) return String((msg as { type: unknown }).type);
  return typeof msg;
}
