import type { MessageObserver } from "../../sim/index.js";

/** What became of a message: still in flight at the end (or its receiver was never reached), delivered, dropped. */
export const FATE_IN_FLIGHT = 0;
export const FATE_DELIVERED = 1;
export const FATE_DROPPED = 2;

/**
 * Every message of a run in columns (about 24 bytes each), for the report's space-time diagram: send time, delivery
 * or drop time (µs), sender, receiver, message type, and the topic-partition a request names (Produce: its first, and
 * how many more; Fetch of one partition), if any. Filled by the engine's message observer, which is outside the trace, so collecting it
 * leaves the digest alone. Holds at most `capacity` messages; later ones are only counted.
 */
export class MessageLog {
  count = 0;
  /** Messages sent after the log was full. */
  overflow = 0;
  sendUs = new Float64Array(1 << 14);
  endUs = new Float64Array(1 << 14);
  from = new Uint16Array(1 << 14);
  to = new Uint16Array(1 << 14);
  type = new Uint16Array(1 << 14);
  /** 1 + index into `tps`, or 0. */
  tp = new Uint16Array(1 << 14);
  fate = new Uint8Array(1 << 14);
  readonly actors: string[] = [];
  readonly types: string[] = [];
  readonly tps: string[] = [];
  private readonly actorIndex = new Map<string, number>();
  private readonly typeIndex = new Map<string, number>();
  private readonly tpIndex = new Map<string, number>();
  /** A message object → the log entries sent with it and not yet delivered (one object may go to several peers). */
  private readonly pending = new WeakMap<object, number | number[]>();

  /** `nowUs` reads the simulation's clock. */
  constructor(
    private readonly nowUs: () => number,
    private readonly capacity = 3_000_000,
  ) {}

  readonly observer: MessageObserver = (event, from, to, msg) => {
    if (event === "send") this.sent(from, to, msg);
    else this.ended(to, msg, event === "deliver" ? FATE_DELIVERED : FATE_DROPPED);
  };

  private index(map: Map<string, number>, list: string[], key: string): number {
    let i = map.get(key);
    if (i === undefined) {
      i = list.length;
      list.push(key);
      map.set(key, i);
    }
    return i;
  }

  private grow(): void {
    const n = this.sendUs.length * 2;
    const grow = <T extends Float64Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.sendUs = grow(this.sendUs, (k) => new Float64Array(k));
    this.endUs = grow(this.endUs, (k) => new Float64Array(k));
    this.from = grow(this.from, (k) => new Uint16Array(k));
    this.to = grow(this.to, (k) => new Uint16Array(k));
    this.type = grow(this.type, (k) => new Uint16Array(k));
    this.tp = grow(this.tp, (k) => new Uint16Array(k));
    this.fate = grow(this.fate, (k) => new Uint8Array(k));
  }

  private sent(from: string, to: string, msg: unknown): void {
    if (this.count >= this.capacity) {
      this.overflow++;
      return;
    }
    if (this.count === this.sendUs.length) this.grow();
    const i = this.count++;
    this.sendUs[i] = this.nowUs();
    this.endUs[i] = -1;
    this.fate[i] = FATE_IN_FLIGHT;
    this.from[i] = this.index(this.actorIndex, this.actors, from);
    this.to[i] = this.index(this.actorIndex, this.actors, to);
    let type = typeof msg;
    let tp = 0;
    if (msg !== null && typeof msg === "object") {
      const m = msg as { type?: unknown; topic?: unknown; partition?: unknown; partitions?: unknown };
      if (typeof m.type === "string") type = m.type as typeof type;
      if (typeof m.topic === "string" && typeof m.partition === "number") tp = 1 + this.index(this.tpIndex, this.tps, `${m.topic}-${m.partition}`);
      else if (m.type === "Produce" && Array.isArray(m.partitions) && m.partitions.length > 0) {
        // A ProduceRequest carries a batch per partition: named by its first, with how many more.
        const first = m.partitions[0] as { topic: string; partition: number };
        const more = m.partitions.length > 1 ? ` +${m.partitions.length - 1}` : "";
        tp = 1 + this.index(this.tpIndex, this.tps, `${first.topic}-${first.partition}${more}`);
      }
      const before = this.pending.get(msg);
      if (before === undefined) this.pending.set(msg, i);
      else if (typeof before === "number") this.pending.set(msg, [before, i]);
      else before.push(i);
    }
    this.type[i] = this.index(this.typeIndex, this.types, type);
    this.tp[i] = tp;
  }

  private ended(to: string, msg: unknown, fate: number): void {
    if (msg === null || typeof msg !== "object") return;
    const p = this.pending.get(msg);
    if (p === undefined) return;
    const receiver = this.actorIndex.get(to);
    let i = -1;
    if (typeof p === "number") {
      if (this.to[p] === receiver) {
        i = p;
        this.pending.delete(msg);
      }
    } else {
      const k = p.findIndex((j) => this.to[j] === receiver);
      if (k >= 0) {
        i = p[k];
        p.splice(k, 1);
        if (p.length === 0) this.pending.delete(msg);
      }
    }
    if (i < 0) return;
    this.endUs[i] = this.nowUs();
    this.fate[i] = fate;
  }
}
