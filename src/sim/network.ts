import { type EventQueue, EVENT_DELIVER } from "./eventQueue.js";
import { nextLatencyUs } from "./latency.js";
import { type LinkBehaviour, Links } from "./links.js";
import { Nics } from "./nics.js";
import type { ProcessView } from "./process.js";
import type { RandomStream } from "./random.js";
import { type Connection, type ConnectionEvent, type ConnectionId, messageType, Tcp, type TcpEndpoint } from "./tcp.js";

/** What a peer receives when an actor it was connected to stops: its connection was closed or reset. */
export interface Disconnected {
  type: "Disconnected";
}
export const DISCONNECTED_MESSAGE: Disconnected = Object.freeze({ type: "Disconnected" as const });

/**
 * One process's end of the network. It survives the process's restarts, as a host's network stack does.
 * - The FIFO table: for each peer with a message possibly still in flight, the latest delivery time scheduled (a
 *   TCP connection delivers in order). A small table scanned in full (keys in a cache line or two); entries whose
 *   time has passed are dropped as a scan meets them, so it holds the links busy at once, not all peers ever used.
 */
export class Endpoint implements TcpEndpoint {
  /** (peer, latest delivery µs) pairs in `[0, fifoLength)`; four pairs fit the 64 bytes V8 keeps inline. */
  fifo = new Float64Array(8);
  /** How many numbers of `fifo` are in use (twice the pairs). */
  fifoLength = 0;
  /** Its TCP connections with an end still open or data still to retransmit (see `Tcp`). */
  readonly conns = new Set<Connection>();
  /** The process behind this end. */
  readonly process: ProcessView;

  /**
   * `process` "self": the endpoint is the process's own object (the runtime's actor slot extends this class), so a
   * delivery reads one object where a separate endpoint made it read two (the engine is bound by memory reads).
   */
  constructor(
    process: ProcessView | "self",
    /** This endpoint's draws: latency, loss, duplication, reordering of what it sends. */
    readonly random: RandomStream,
  ) {
    this.process = process === "self" ? (this as unknown as ProcessView) : process;
  }
}

/**
 * A message's life outside the trace: `send` when an actor sends it (before any drop), `deliver` when the receiver
 * takes it (after a pause, when the receiver resumes), `drop` when a cut, a broken connection or a receiver that is
 * gone loses it. The same message object may be sent to several receivers. Read the time from the simulation.
 */
export type MessageObserver = (event: "send" | "deliver" | "drop", from: string, to: string, msg: unknown) => void;

/** Where the network reads the time, writes its trace records and hands over what arrives (the simulation). */
export interface NetworkHost {
  readonly nowUs: number;
  trace(actor: string, type: string, data?: Record<string, unknown>): void;
  /** A message arrived on a connection for the process behind `to`. */
  deliverOn(to: TcpEndpoint, from: TcpEndpoint, conn: ConnectionId, msg: unknown): void;
  /** Something happened to one of the connections of the process behind `to`. */
  notify(to: TcpEndpoint, peer: TcpEndpoint, conn: ConnectionId, event: ConnectionEvent): void;
}

/**
 * The virtual network: it owns delivery. A message is scheduled for `now + latency(link)`; per directed pair it
 * keeps FIFO order like one TCP connection (unless a reorder rate says otherwise); it drops across cuts, loses and
 * duplicates where the link says so, and resets connections: a loss breaks the connection both ways until both
 * ends are told (DISCONNECTED), a message to a process that is gone is refused, and a process that stops closes
 * its connections. The simulation schedules what the network hands it and runs the actors; the links' settings
 * and cuts (`links`) are what configuration and faults change.
 */
export type { ProcessView };

export class Network {
  readonly links: Links;
  /** TCP connections (`connect`, `write`, `close`): how the Kafka model's processes talk. */
  readonly tcp: Tcp;
  /** Bandwidth per process's host (off until a NIC is set): what TCP connections' segments wait for. */
  readonly nics = new Nics();
  /** Trace every delivery as `net.deliver` (for trace files that follow messages; off by default). */
  traceMessages = false;
  /**
   * Sees every message sent, taken or dropped, without tracing it: the digest stays as it is, so a run with a report
   * keeps the digest and replay line of the same run without one. Only reports set it.
   */
  messageObserver: MessageObserver | null = null;
  private readonly endpoints: Endpoint[] = [];
  /**
   * Which peers sent each process a message in its current life: a bit matrix, row = receiver, `openStride` words a
   * row. Those are its open connections, closed (the peers told) when it stops. One array for all processes, so a
   * delivery's check touches one word, not a per-process array.
   */
  private openFrom = new Uint32Array(0);
  private openStride = 1;
  /** Unordered endpoint pair → time (µs) until which their connection is broken after a loss. */
  private readonly brokenUntilUs = new Map<number, number>();

  constructor(
    defaults: LinkBehaviour,
    private readonly queue: EventQueue,
    private readonly host: NetworkHost,
  ) {
    this.links = new Links(defaults);
    const links = this.links;
    this.tcp = new Tcp({
      get nowUs() {
        return host.nowUs;
      },
      links,
      queue,
      nics: this.nics,
      trace: (actor, type, data) => host.trace(actor, type, data),
      deliver: (to, from, conn, msg) => {
        if (this.traceMessages) host.trace(to.process.name, "net.deliver", { from: from.process.name, msg: messageType(msg), conn });
        host.deliverOn(to, from, conn, msg);
      },
      notify: (to, peer, conn, event) => host.notify(to, peer, conn, event),
      message: (event, from, to, msg) => this.messageObserver?.(event, from.process.name, to.process.name, msg),
    });
  }

  /** Connects a process's endpoint to the network; it lives as long as the simulation. */
  attach(e: Endpoint): Endpoint {
    const process = e.process;
    this.endpoints[process.index] = e;
    const n = this.endpoints.length;
    if (n > this.openStride * 32 || n * this.openStride > this.openFrom.length) {
      // Room for twice as many processes, rows copied to their new stride.
      const stride = Math.max(this.openStride, Math.ceil((2 * n) / 32));
      const grown = new Uint32Array(2 * n * stride);
      for (let r = 0; r * this.openStride < this.openFrom.length; r++)
        grown.set(this.openFrom.subarray(r * this.openStride, (r + 1) * this.openStride), r * stride);
      this.openFrom = grown;
      this.openStride = stride;
    }
    return e;
  }

  /** Sends `msg` from one endpoint to another: dropped, lost, or scheduled for delivery (possibly twice). */
  send(from: Endpoint, to: Endpoint, msg: unknown): void {
    const links = this.links;
    const f = from.process.index;
    const t = to.process.index;
    this.messageObserver?.("send", from.process.name, to.process.name, msg);
    if (links.pristine && links.plainDefaults && this.brokenUntilUs.size === 0) {
      // The common case, in one step: no cut, override, loss, duplication or reordering anywhere.
      const when = this.fifoDeliveryTime(from, t, this.host.nowUs + nextLatencyUs(links.defaults.latency, from.random));
      this.queue.push(when, EVENT_DELIVER, t, f, to.process.life, msg);
      return;
    }
    const b = links.pristine ? links.defaults : links.behaviour(f, t);
    if (!links.pristine && links.isCut(f, t)) {
      this.traceDrop(from, to, msg, "partition");
      return;
    }
    const rnd = from.random;
    if (this.isBroken(f, t)) {
      this.traceDrop(from, to, msg, "connection reset");
      return;
    }
    if (b.lossRate > 0 && rnd.chance(b.lossRate)) {
      this.breakConnection(from, to, msg);
      return;
    }
    const now = this.host.nowUs;
    const copies = b.duplicateRate > 0 && rnd.chance(b.duplicateRate) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      let when = now + nextLatencyUs(b.latency, rnd);
      const reorder = b.reorderRate > 0 && rnd.chance(b.reorderRate);
      if (!reorder) when = this.fifoDeliveryTime(from, t, when);
      if (c === 1) this.host.trace(from.process.name, "net.duplicate", { to: to.process.name, msg: messageType(msg) });
      this.queue.push(when, EVENT_DELIVER, t, f, to.process.life, msg);
    }
  }

  /**
   * A delivery came due: whether the receiver may have it. A message addressed to a process that is gone (another
   * life, or down) is refused: if its machine is up, the sender is told its connection was reset. A partition that
   * started while the message was in flight drops it too.
   */
  admit(to: Endpoint, from: number, life: number, msg: unknown): boolean {
    const p = to.process;
    const links = this.links;
    if (p.life !== life || p.status === "down") {
      if (msg !== DISCONNECTED_MESSAGE) this.messageObserver?.("drop", this.endpoints[from].process.name, p.name, msg);
      if (!p.hostDown && msg !== DISCONNECTED_MESSAGE && (links.pristine || !links.isCut(p.index, from))) {
        const sender = this.endpoints[from];
        const b = links.behaviour(p.index, from);
        this.queue.push(this.host.nowUs + nextLatencyUs(b.latency, to.random), EVENT_DELIVER, from, p.index, sender.process.life, DISCONNECTED_MESSAGE);
      }
      return false;
    }
    if (!links.pristine && links.isCut(from, p.index)) {
      this.messageObserver?.("drop", this.endpoints[from].process.name, p.name, msg);
      this.host.trace(this.endpoints[from].process.name, "net.drop", { to: p.name, msg: messageType(msg), reason: "partition" });
      return false;
    }
    return true;
  }

  /** The receiver takes the message: the sender's connection to it is open from now on. */
  received(to: Endpoint, from: number, msg: unknown): void {
    const at = to.process.index * this.openStride + (from >>> 5);
    const bit = 1 << (from & 31);
    const open = this.openFrom;
    if ((open[at] & bit) === 0) open[at] |= bit;
    if (this.traceMessages) this.host.trace(to.process.name, "net.deliver", { from: this.endpoints[from].process.name, msg: messageType(msg) });
    this.messageObserver?.("deliver", this.endpoints[from].process.name, to.process.name, msg);
  }

  /**
   * The process behind `e` stopped (crash or shutdown): every peer with an open connection to it is sent
   * DISCONNECTED over the network (so cuts apply), as a TCP reset or FIN would tell it.
   */
  closeConnections(e: Endpoint): void {
    const from = e.process.index;
    const open = this.openFrom;
    const row = from * this.openStride;
    const links = this.links;
    for (let i = 0; i < this.openStride * 32; i++) {
      if ((open[row + (i >>> 5)] & (1 << (i & 31))) === 0) continue;
      const peer = this.endpoints[i].process;
      if (peer.status === "down" || (!links.pristine && links.isCut(from, i))) continue;
      const b = links.behaviour(from, i);
      this.queue.push(this.host.nowUs + nextLatencyUs(b.latency, e.random), EVENT_DELIVER, i, from, peer.life, DISCONNECTED_MESSAGE);
    }
    open.fill(0, row, row + this.openStride);
  }

  private pairKey(a: number, b: number): number {
    return a < b ? a * 65536 + b : b * 65536 + a;
  }

  /** Whether the connection between a and b is broken now (a loss happened and not both ends know yet). */
  private isBroken(a: number, b: number): boolean {
    if (this.brokenUntilUs.size === 0) return false;
    const until = this.brokenUntilUs.get(this.pairKey(a, b));
    if (until === undefined) return false;
    if (this.host.nowUs < until) return true;
    this.brokenUntilUs.delete(this.pairKey(a, b));
    return false;
  }

  /**
   * A loss breaks the connection: this message is lost, and so is everything either end sends the other until each
   * has been told (DISCONNECTED after one link latency), as with a TCP reset; then they reconnect.
   */
  private breakConnection(from: Endpoint, to: Endpoint, msg: unknown): void {
    this.traceDrop(from, to, msg, "loss");
    const f = from.process.index;
    const t = to.process.index;
    const now = this.host.nowUs;
    const toFrom = nextLatencyUs(this.links.behaviour(f, t).latency, from.random);
    const toTo = nextLatencyUs(this.links.behaviour(t, f).latency, to.random);
    const until = now + Math.max(toFrom, toTo, 1);
    this.brokenUntilUs.set(this.pairKey(f, t), until);
    this.queue.push(now + toFrom, EVENT_DELIVER, f, t, from.process.life, DISCONNECTED_MESSAGE);
    if (to.process.status !== "down") this.queue.push(now + toTo, EVENT_DELIVER, t, f, to.process.life, DISCONNECTED_MESSAGE);
  }

  /**
   * Never deliver before an earlier message on the same link (see `Endpoint`). Entries whose time has passed are
   * removed as the scan meets them (the last entry fills the hole), so the scan covers only the links busy now: a
   * passed entry bounds nothing, since `when` is never before now.
   */
  private fifoDeliveryTime(from: Endpoint, to: number, when: number): number {
    let fifo = from.fifo;
    const now = this.host.nowUs;
    let end = from.fifoLength;
    let i = 0;
    while (i < end) {
      const until = fifo[i + 1];
      if (until <= now) {
        end -= 2;
        fifo[i] = fifo[end];
        fifo[i + 1] = fifo[end + 1];
        continue;
      }
      if (fifo[i] === to) {
        if (when < until) when = until;
        fifo[i + 1] = when;
        from.fifoLength = end;
        return when;
      }
      i += 2;
    }
    if (end === fifo.length) {
      const table = new Float64Array(fifo.length * 2);
      table.set(fifo);
      from.fifo = fifo = table;
    }
    fifo[end] = to;
    fifo[end + 1] = when;
    from.fifoLength = end + 2;
    return when;
  }

  private traceDrop(from: Endpoint, to: Endpoint, msg: unknown, reason: string): void {
    this.messageObserver?.("drop", from.process.name, to.process.name, msg);
    this.host.trace(from.process.name, "net.drop", { to: to.process.name, msg: messageType(msg), reason });
  }
}
