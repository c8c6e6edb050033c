import { EVENT_RETRANSMIT, EVENT_SEGMENT, type EventQueue } from "./eventQueue.js";
import { nextLatencyUs } from "./latency.js";
import type { Links } from "./links.js";
import type { Nics } from "./nics.js";
import type { ProcessView } from "./process.js";
import type { RandomStream } from "./random.js";

/**
 * One end of a connection, as its process knows it: unique in a run and never reused. The client end of connection
 * n is 2n, the server end 2n + 1, so a process connected to itself tells its two ends apart.
 */
export type ConnectionId = number;

/**
 * What an actor is told about one of its connections (`Actor.onConnection`):
 * - `connected`: the handshake completed (the client end; one round trip after `connect`);
 * - `refused`: the peer's host answered the SYN with a reset (no process listening there: down, or not listening
 *   yet, see `ActorContext.listen`);
 * - `reset`: a reset arrived on the connection (the peer's process died, or it had closed its end, or a loss broke
 *   the connection);
 * - `closed`: the peer closed its end (FIN, after every byte it had sent); this end is closed too, as Kafka's
 *   Selector closes a channel at end of stream;
 * - `timeout`: this end's TCP gave up (unacknowledged data past the user timeout, or a SYN never answered).
 * Every event but `connected` leaves this end closed.
 */
export type ConnectionEvent = "connected" | "refused" | "reset" | "closed" | "timeout";


/** TCP control segments (engine-private: an actor never sees them). */
const SYN = Object.freeze({ type: "tcp.SYN" });
const SYN_ACK = Object.freeze({ type: "tcp.SYN-ACK" });
const FIN = Object.freeze({ type: "tcp.FIN" });
const RST = Object.freeze({ type: "tcp.RST" });

/** RFC 6298 §2.1 and Linux's TCP_TIMEOUT_INIT: the first retransmission of a SYN after 1 s. */
const SYN_RTO_US = 1_000_000;
/** Linux's TCP_RTO_MIN: data is retransmitted first after 200 ms (RFC 6298 §2.4 allows a lower minimum than 1 s). */
const DATA_RTO_US = 200_000;
/** Linux's TCP_RTO_MAX: the retransmission timeout doubles (RFC 6298 §5.5) up to 120 s. */
const MAX_RTO_US = 120_000_000;
/** Linux tcp_syn_retries = 6: SYNs at 0, 1, 3, 7, 15, 31, 63 s, given up at 127 s. */
const SYN_GIVE_UP_US = 127_000_000;
/**
 * Linux tcp_retries2 = 15 with RTOs from 200 ms doubling to 120 s: data unacknowledged for 924.6 s resets the
 * connection (ip-sysctl.rst, "tcp_retries2"). A scenario may set its own (`simulator.tcpUserTimeout`, as
 * TCP_USER_TIMEOUT of RFC 5482 would).
 */
export const DEFAULT_TCP_USER_TIMEOUT_US = 924_600_000;

const NONE = 0;
const OPEN = 1;
const CLOSED = 2;

/** What the connection layer reads of one process's end of the network (the network's `Endpoint`). */
export interface TcpEndpoint {
  readonly process: ProcessView;
  /** The draws of what this process sends (latency, loss, duplication, reordering). */
  readonly random: RandomStream;
  /** Its connections with an end still open or data still to retransmit. */
  readonly conns: Set<Connection>;
}

type Endpoint = TcpEndpoint;

/** A segment waiting: lost on the way (the sender's retransmission queue) or arrived early (the receiver's). */
interface Segment {
  seq: number;
  msg: unknown;
}

/**
 * One direction of a connection: the sender's sequence numbers and retransmission state, the receiver's next
 * expected sequence and out-of-order queue (RFC 9293 §3.4, §3.10.7.4: data is delivered in sequence order only).
 */
class Direction {
  nextSeq = 0;
  expected = 0;
  /** FIFO: no segment is scheduled to arrive before an earlier one (arrival times only grow). */
  lastArrivalUs = 0;
  /** Segments the network lost (a cut, a host down, a hold), in sequence order, for the sender to retransmit. */
  lost: Segment[] | null = null;
  /** Segments that arrived ahead of a lost one: kept by the receiver's TCP until the gap is filled. */
  early: Segment[] | null = null;
  firstLostUs = 0;
  rtoUs = DATA_RTO_US;
  /** Bumped whenever the retransmission timer is cancelled: an older timer event does nothing. */
  gen = 0;
  timerArmed = false;
  /** Hold rules pinning this direction: nothing is retransmitted until each has released it. */
  pinned = 0;
  /** The sender's end was reset, crashed or gave up: what it had not delivered is gone for good. */
  aborted = false;
  /** A loss broke the connection: segments from this sequence on are lost (`lossRate`). */
  brokenFrom = Infinity;
}

/**
 * A TCP connection between two processes: the client end (side 0) that connected and the server end (side 1) that
 * accepted. Direction 0 carries client→server bytes, direction 1 server→client, so side `s` sends on direction `s`
 * and receives on `1 - s`. Each end is bound to one life of its process: a restarted process has none of its old
 * connections.
 */
export class Connection {
  readonly state = [OPEN, NONE];
  readonly life: [number, number];
  established = false;
  /** A loss broke the connection (`lossRate`): both ends are being told by a reset. */
  broken = false;
  readonly dirs = [new Direction(), new Direction()];

  constructor(
    readonly id: ConnectionId,
    readonly ends: [Endpoint, Endpoint],
    clientLife: number,
  ) {
    this.life = [clientLife, -1];
  }
}

/** A hold rule: messages of some types from one process to another are kept by the network until released. */
interface HoldRule {
  from: number;
  to: number;
  types: readonly string[];
  /** How many more messages it may catch (each pins its connection's direction); Infinity for all of them. */
  remaining: number;
  pinned: { c: Connection; dir: number }[];
}

/** What the connection layer needs from the network and the runtime around it. */
export interface TcpHost {
  readonly nowUs: number;
  readonly links: Links;
  readonly queue: EventQueue;
  /** NICs with a bandwidth (`nics.ts`); while none is set (`active` false) delivery ignores message sizes. */
  readonly nics?: Nics;
  trace(actor: string, type: string, data?: Record<string, unknown>): void;
  /** Hand a message to the process behind an endpoint (it may be paused: then it waits). */
  deliver(to: Endpoint, from: Endpoint, conn: ConnectionId, msg: unknown): void;
  /** Tell the process behind an endpoint what happened to one of its connections. */
  notify(to: Endpoint, peer: Endpoint, conn: ConnectionId, event: ConnectionEvent): void;
  /** A message written (`send`) or lost for good (`drop`), for reports; never traced (see Network.messageObserver). */
  message?(event: "send" | "drop", from: Endpoint, to: Endpoint, msg: unknown): void;
}

/**
 * The connections of the virtual network, as TCP (RFC 9293) makes them. A connection opens with a handshake (SYN,
 * SYN-ACK: one round trip); a SYN reaching a host whose process is down is answered with a reset (refused); one
 * reaching a host that is down, or crossing a cut, is lost and sent again (after 1 s, doubling) until the client gives
 * up. Bytes arrive in order. A segment the network loses (a cut, a host that is down, a hold) is kept by its sender
 * and retransmitted with a timeout from 200 ms doubling to 120 s (RFC 6298): it arrives at the first retransmission
 * after the path heals, and what was sent after it waits for it at the receiver. Data unacknowledged for the user
 * timeout resets the connection. Closing an end sends FIN after everything written before, and the kernel keeps
 * retransmitting that data after the close; a process crash resets its connections (RST, after what is already on
 * the wire); a power loss sends nothing, so peers learn only from their own timeouts, or from the reset the rebooted
 * host answers with. A message on an old connection can so arrive after messages on a newer one.
 * Simplified: acknowledgements are not modelled (a segment that arrives counts as acknowledged even if the way back
 * is cut); a lost segment is retransmitted one RTO after it was lost rather than after it was sent; no windows,
 * congestion control or Nagle; loss (`lossRate`) resets the connection rather than dropping one segment.
 */
export class Tcp {
  private readonly conns: (Connection | undefined)[] = [];
  private readonly holds: HoldRule[] = [];
  userTimeoutUs = DEFAULT_TCP_USER_TIMEOUT_US;

  constructor(private readonly host: TcpHost) {}

  /** Opens a connection from `client` to `server`: the SYN leaves now. Returns the client's end. */
  connect(client: Endpoint, server: Endpoint): ConnectionId {
    const id = this.conns.length;
    const c = new Connection(id, [client, server], client.process.life);
    this.conns.push(c);
    client.conns.add(c);
    this.transmit(c, 0, SYN);
    return id * 2;
  }

  /** The process behind `e` writes `msg` on its end `end`. False if that end is not open (nothing is sent). */
  write(e: Endpoint, end: ConnectionId, msg: unknown): boolean {
    const c = this.conns[end >> 1];
    if (c === undefined) return false;
    const side = end & 1;
    if (c.state[side] !== OPEN || c.ends[side] !== e) return false;
    this.host.message?.("send", e, c.ends[1 - side], msg);
    if (c.broken) {
      this.dropped(c, side, msg);
      return true; // lost with the connection; the reset is on its way
    }
    const links = this.host.links;
    if (links.pristine) {
      this.transmit(c, side, msg);
      return true;
    }
    const b = links.behaviour(e.process.index, c.ends[1 - side].process.index);
    const rnd = e.random;
    if (b.lossRate > 0 && rnd.chance(b.lossRate)) {
      this.breakConnection(c, side, msg);
      return true;
    }
    if (b.reorderRate > 0 && rnd.chance(b.reorderRate)) this.transmitRaw(c, side, msg, false);
    else this.transmit(c, side, msg);
    if (b.duplicateRate > 0 && rnd.chance(b.duplicateRate)) this.transmitRaw(c, side, msg, true);
    return true;
  }

  /** The process behind `e` closes its end `end`: FIN follows everything it wrote (nothing if never connected). */
  close(e: Endpoint, end: ConnectionId): void {
    const c = this.conns[end >> 1];
    if (c === undefined) return;
    const side = end & 1;
    if (c.state[side] !== OPEN || c.ends[side] !== e) return;
    this.closeEnd(c, side);
    this.collect(c);
  }

  /**
   * The process behind `e` is gone. A crash (its host still up) resets each open connection (RST after what is on
   * the wire); a power loss (its host down) says nothing; a clean stop closes each (FIN after the data).
   */
  processStopped(e: Endpoint, how: "crash" | "power-loss" | "shutdown"): void {
    if (e.conns.size === 0) return;
    for (const c of [...e.conns]) {
      // Both ends, for a process connected to itself.
      for (let side = 0; side < 2; side++) {
        if (c.ends[side] !== e || c.state[side] !== OPEN) continue;
        if (how === "shutdown") this.closeEnd(c, side);
        else {
          this.abortEnd(c, side);
          if (how === "crash") this.sendReset(c, side);
        }
      }
      this.collect(c);
    }
  }

  /**
   * Holds messages of `types` from one process to another (and what follows them on their connection) until
   * released; with `count`, only the first `count` such messages (a retry on another connection then passes).
   */
  hold(from: number, to: number, types: readonly string[], count = Infinity): () => void {
    const rule: HoldRule = { from, to, types, remaining: count, pinned: [] };
    this.holds.push(rule);
    return () => {
      const i = this.holds.indexOf(rule);
      if (i < 0) return;
      this.holds.splice(i, 1);
      for (const { c, dir } of rule.pinned) {
        const d = c.dirs[dir];
        if (--d.pinned > 0 || d.lost === null) continue;
        if (this.pathBlocked(c, dir)) {
          if (!d.timerArmed) this.armTimer(c, dir);
        } else this.flush(c, dir);
      }
    };
  }

  // ---- segments on their way ----

  /** A segment's arrival time came (EVENT_SEGMENT): `aux2` is (sequence << 1) | direction, sequence -1 if unsequenced. */
  arrive(conn: ConnectionId, aux2: number, msg: unknown): void {
    const c = this.conns[conn];
    if (c === undefined) return;
    const dir = aux2 & 1;
    const seq = aux2 >> 1;
    const to = c.ends[1 - dir];
    const tp = to.process;
    const links = this.host.links;
    const cut = !links.pristine && links.isCut(c.ends[dir].process.index, tp.index);
    if (msg === RST) {
      if (!cut && !tp.hostDown) this.onReset(c, 1 - dir);
      return;
    }
    const d = c.dirs[dir];
    if (seq >= d.brokenFrom) return;
    if (cut || tp.hostDown || (this.holds.length > 0 && this.held(c, dir, msg))) {
      if (seq >= 0) this.lose(c, dir, seq, msg);
      return;
    }
    const side = 1 - dir;
    if (c.state[side] !== OPEN || tp.life !== c.life[side]) {
      if (c.state[1] === NONE && side === 1) {
        if (msg === SYN) this.accept(c);
        else if (tp.status !== "down") {
          if (seq >= 0) this.keepEarly(d, seq, msg); // ahead of a lost SYN, which is on its way again
        }
        else {
          this.dropped(c, dir, msg);
          this.answerReset(c, dir);
        }
      } else {
        this.dropped(c, dir, msg);
        this.answerReset(c, dir); // an end that is gone (closed, crashed, restarted): its host resets
      }
      return;
    }
    if (seq < 0) return this.take(c, dir, msg); // a raw copy (the duplicate / reorder options): as it comes
    if (seq !== d.expected) {
      if (seq > d.expected) this.keepEarly(d, seq, msg);
      return; // below: a retransmitted duplicate, which TCP discards
    }
    d.expected++;
    this.take(c, dir, msg);
    this.takeEarly(c, dir);
  }

  /** The retransmission timer of one direction fired (EVENT_RETRANSMIT): `aux2` is (generation << 1) | direction. */
  retransmit(conn: ConnectionId, aux2: number): void {
    const c = this.conns[conn];
    if (c === undefined) return;
    const dir = aux2 & 1;
    const d = c.dirs[dir];
    if (d.gen !== aux2 >> 1 || !d.timerArmed) return;
    d.timerArmed = false;
    if (d.lost === null || d.pinned > 0) return;
    const giveUpUs = d.lost[0].msg === SYN ? SYN_GIVE_UP_US : this.userTimeoutUs;
    if (this.host.nowUs - d.firstLostUs >= giveUpUs) return this.giveUp(c, dir);
    if (this.pathBlocked(c, dir)) {
      d.rtoUs = Math.min(d.rtoUs * 2, MAX_RTO_US);
      return this.armTimer(c, dir);
    }
    this.flush(c, dir);
  }

  // ---- internals ----

  /** Sends a sequenced segment. */
  private transmit(c: Connection, dir: number, msg: unknown): void {
    const d = c.dirs[dir];
    this.schedule(c, dir, d, d.nextSeq++, msg);
  }

  /**
   * A segment arrives after the link's latency, never before an earlier one of its direction (FIFO). With NICs
   * (`Nics`), it first waits its turn on the sender's transmit queue and is then taken at the receiver's rate.
   */
  private schedule(c: Connection, dir: number, d: Direction, seq: number, msg: unknown): void {
    const from = c.ends[dir];
    const to = c.ends[1 - dir].process.index;
    const links = this.host.links;
    const b = links.pristine ? links.defaults : links.behaviour(from.process.index, to);
    const nics = this.host.nics;
    if (nics !== undefined && nics.active) {
      let when = nics.transmitDoneUs(from.process.index, this.host.nowUs, msg) + nextLatencyUs(b.latency, from.random);
      if (when < d.lastArrivalUs) when = d.lastArrivalUs;
      when = Math.ceil(nics.receiveDoneUs(to, when, msg)); // the queue keeps whole µs
      d.lastArrivalUs = when;
      this.host.queue.push(when, EVENT_SEGMENT, to, c.id, (seq << 1) | dir, msg);
      return;
    }
    let when = this.host.nowUs + nextLatencyUs(b.latency, from.random);
    if (when < d.lastArrivalUs) when = d.lastArrivalUs;
    d.lastArrivalUs = when;
    this.host.queue.push(when, EVENT_SEGMENT, to, c.id, (seq << 1) | dir, msg);
  }

  /** A copy outside the sequence (the scenario's non-TCP duplicate / reorder options): delivered as it comes. */
  private transmitRaw(c: Connection, dir: number, msg: unknown, duplicate: boolean): void {
    const from = c.ends[dir];
    const to = c.ends[1 - dir];
    const b = this.host.links.behaviour(from.process.index, to.process.index);
    if (duplicate) this.host.trace(from.process.name, "net.duplicate", { to: to.process.name, msg: messageType(msg) });
    this.host.queue.push(this.host.nowUs + nextLatencyUs(b.latency, from.random), EVENT_SEGMENT, to.process.index, c.id, -2 | dir, msg);
  }

  /** A segment arrived in order at an open end. */
  private take(c: Connection, dir: number, msg: unknown): void {
    const side = 1 - dir;
    const to = c.ends[side];
    const from = c.ends[dir];
    if (msg === SYN_ACK) {
      c.established = true;
      this.host.notify(to, from, c.id * 2 + side, "connected");
    } else if (msg === FIN) {
      // End of stream: Kafka's Selector closes the channel; what this end still has to send is sent, then dropped.
      c.state[side] = CLOSED;
      c.dirs[dir].early = null;
      this.host.trace(to.process.name, "net.closed", { peer: from.process.name, conn: c.id });
      this.host.notify(to, from, c.id * 2 + side, "closed");
      this.collect(c);
    } else if (msg !== SYN) this.host.deliver(to, from, c.id * 2 + side, msg);
  }

  /** Segments kept because they came early, now next in sequence. */
  private takeEarly(c: Connection, dir: number): void {
    const d = c.dirs[dir];
    while (d.early !== null && d.early[0].seq === d.expected && c.state[1 - dir] === OPEN) {
      const next = d.early.shift()!;
      if (d.early.length === 0) d.early = null;
      d.expected++;
      this.take(c, dir, next.msg);
    }
  }

  /**
   * A SYN reached the server's host: accepted if its process is up and listening, refused (reset) if not: a port
   * nobody listens on is answered with a reset, whether the process is down or has not opened its socket yet.
   */
  private accept(c: Connection): void {
    const server = c.ends[1];
    const p = server.process;
    if (p.status === "down" || !p.listening) return this.answerReset(c, 0);
    c.state[1] = OPEN;
    c.life[1] = p.life;
    c.dirs[0].expected = 1;
    server.conns.add(c);
    this.transmit(c, 1, SYN_ACK);
    this.takeEarly(c, 0);
  }

  /** A reset reached the end `side`: it closes, and whatever it still had to send is dropped. */
  private onReset(c: Connection, side: number): void {
    const e = c.ends[side];
    if (c.state[side] !== OPEN || e.process.life !== c.life[side]) return;
    this.abortEnd(c, side);
    const refused = side === 0 && !c.established;
    this.host.trace(e.process.name, refused ? "net.refused" : "net.reset", { peer: c.ends[1 - side].process.name, conn: c.id });
    this.host.notify(e, c.ends[1 - side], c.id * 2 + side, refused ? "refused" : "reset");
    this.collect(c);
  }

  /** A segment on direction `dir` reached an end that is gone: that end's host answers the sender with a reset. */
  private answerReset(c: Connection, dir: number): void {
    if (c.state[dir] === OPEN) this.sendReset(c, 1 - dir);
    this.collect(c);
  }

  /** The host of end `side` sends a reset to the other end, after what is already on the wire from it. */
  private sendReset(c: Connection, side: number): void {
    const from = c.ends[side];
    const to = c.ends[1 - side];
    if (from.process.hostDown) return;
    const links = this.host.links;
    if (!links.pristine && links.isCut(from.process.index, to.process.index)) return; // a reset is never retransmitted
    const d = c.dirs[side];
    const b = links.pristine ? links.defaults : links.behaviour(from.process.index, to.process.index);
    let when = this.host.nowUs + nextLatencyUs(b.latency, from.random);
    if (when < d.lastArrivalUs) when = d.lastArrivalUs;
    d.lastArrivalUs = when;
    this.host.queue.push(when, EVENT_SEGMENT, to.process.index, c.id, -2 | side, RST);
  }

  /** The end `side` closes: FIN after its data, or, if it never connected, its SYN is abandoned. */
  private closeEnd(c: Connection, side: number): void {
    c.state[side] = CLOSED;
    c.dirs[1 - side].early = null;
    if (side === 0 && !c.established) this.abort(c.dirs[0]);
    else this.transmit(c, side, FIN);
  }

  /** The end `side` is gone without a close (crash, power loss, reset, give-up): nothing more leaves it. */
  private abortEnd(c: Connection, side: number): void {
    c.state[side] = CLOSED;
    for (const seg of c.dirs[side].lost ?? []) this.dropped(c, side, seg.msg);
    this.abort(c.dirs[side]);
    c.dirs[1 - side].early = null;
  }

  /** Whether an active hold keeps this segment: its direction is pinned until the hold is released. */
  private held(c: Connection, dir: number, msg: unknown): boolean {
    const from = c.ends[dir].process.index;
    const to = c.ends[1 - dir].process.index;
    const type = messageType(msg);
    for (const h of this.holds) {
      if (h.from !== from || h.to !== to || !h.types.includes(type)) continue;
      if (!h.pinned.some((p) => p.c === c && p.dir === dir)) {
        if (h.remaining <= 0) continue;
        h.remaining--;
        h.pinned.push({ c, dir });
        c.dirs[dir].pinned++;
      }
      this.host.trace(c.ends[dir].process.name, "net.hold", { to: c.ends[1 - dir].process.name, conn: c.id, msg: type });
      return true;
    }
    return false;
  }

  /** The network lost a sequenced segment: its sender keeps it to retransmit (unless the sender is gone). */
  private lose(c: Connection, dir: number, seq: number, msg: unknown): void {
    const d = c.dirs[dir];
    const sender = c.ends[dir].process;
    if (d.aborted || sender.hostDown) return;
    const s: Segment = { seq, msg };
    if (d.lost === null) {
      d.lost = [s];
      d.firstLostUs = this.host.nowUs;
      d.rtoUs = msg === SYN ? SYN_RTO_US : DATA_RTO_US;
      this.host.trace(sender.name, "net.stall", { to: c.ends[1 - dir].process.name, conn: c.id, msg: messageType(msg) });
    } else {
      let i = d.lost.length;
      while (i > 0 && d.lost[i - 1].seq > seq) i--;
      d.lost.splice(i, 0, s);
    }
    if (d.pinned === 0 && !d.timerArmed) this.armTimer(c, dir);
  }

  private keepEarly(d: Direction, seq: number, msg: unknown): void {
    const s: Segment = { seq, msg };
    if (d.early === null) {
      d.early = [s];
      return;
    }
    let i = d.early.length;
    while (i > 0 && d.early[i - 1].seq > seq) i--;
    if (i > 0 && d.early[i - 1].seq === seq) return; // already here
    d.early.splice(i, 0, s);
  }

  private armTimer(c: Connection, dir: number): void {
    const d = c.dirs[dir];
    d.timerArmed = true;
    this.host.queue.push(this.host.nowUs + d.rtoUs, EVENT_RETRANSMIT, c.ends[dir].process.index, c.id, (d.gen << 1) | dir, undefined);
  }

  private pathBlocked(c: Connection, dir: number): boolean {
    const from = c.ends[dir].process;
    const to = c.ends[1 - dir].process;
    const links = this.host.links;
    return to.hostDown || (!links.pristine && links.isCut(from.index, to.index));
  }

  /** Retransmits every lost segment of a direction, in order: they arrive one latency from now. */
  private flush(c: Connection, dir: number): void {
    const d = c.dirs[dir];
    const lost = d.lost!;
    d.lost = null;
    this.cancelTimer(d);
    this.host.trace(c.ends[dir].process.name, "net.retransmit", { to: c.ends[1 - dir].process.name, conn: c.id, segments: lost.length, stalledMs: (this.host.nowUs - d.firstLostUs) / 1000 });
    for (const s of lost) this.schedule(c, dir, d, s.seq, s.msg);
    this.collect(c);
  }

  /** The sender's TCP gave up on a direction: its end is reset (a reset is sent, in case it gets through). */
  private giveUp(c: Connection, dir: number): void {
    const e = c.ends[dir];
    this.host.trace(e.process.name, "net.timeout", { peer: c.ends[1 - dir].process.name, conn: c.id });
    const open = c.state[dir] === OPEN && e.process.life === c.life[dir];
    const reset = c.established || dir === 1;
    this.abortEnd(c, dir);
    if (open) {
      if (reset) this.sendReset(c, dir);
      this.host.notify(e, c.ends[1 - dir], c.id * 2 + dir, "timeout");
    }
    this.collect(c);
  }

  /** A loss breaks the connection (the scenario's `loss`): both ends are reset, each told after one latency. */
  private breakConnection(c: Connection, side: number, msg: unknown): void {
    const from = c.ends[side];
    const to = c.ends[1 - side];
    this.host.trace(from.process.name, "net.drop", { to: to.process.name, msg: messageType(msg), reason: "loss" });
    this.dropped(c, side, msg);
    c.broken = true;
    for (const s of [side, 1 - side]) {
      const d = c.dirs[s];
      d.brokenFrom = d.nextSeq; // what was sent before the loss still arrives
      if (c.state[s] !== OPEN) continue;
      const e = c.ends[s];
      const other = c.ends[1 - s];
      const b = this.host.links.behaviour(other.process.index, e.process.index);
      this.host.queue.push(this.host.nowUs + Math.max(1, nextLatencyUs(b.latency, other.random)), EVENT_SEGMENT, e.process.index, c.id, -2 | (1 - s), RST);
    }
  }

  /** A message on direction `dir` is lost for good (told to the report's observer; the connection's own segments are not messages). */
  private dropped(c: Connection, dir: number, msg: unknown): void {
    if (this.host.message === undefined || msg === SYN || msg === SYN_ACK || msg === FIN || msg === RST) return;
    this.host.message("drop", c.ends[dir], c.ends[1 - dir], msg);
  }

  private abort(d: Direction): void {
    d.aborted = true;
    d.lost = null;
    this.cancelTimer(d);
  }

  private cancelTimer(d: Direction): void {
    if (!d.timerArmed) return;
    d.gen = (d.gen + 1) & 0x3fffffff;
    d.timerArmed = false;
  }

  /** A connection both of whose ends are closed and which has nothing left to retransmit is forgotten. */
  private collect(c: Connection): void {
    if (c.state[0] === OPEN || c.state[1] === OPEN) return;
    if (c.dirs[0].lost !== null || c.dirs[1].lost !== null) return;
    this.conns[c.id] = undefined;
    c.ends[0].conns.delete(c);
    c.ends[1].conns.delete(c);
  }
}

export function messageType(msg: unknown): string {
  if (msg !== null && typeof msg === "object" && "type" in msg) return String((msg as { type: unknown }).type);
  return typeof msg;
}
