import type { LatencyModel } from "./latency.js";

/** Per-link behaviour beyond latency. Rates are probabilities per message. */
export interface LinkBehaviour {
  latency: LatencyModel;
  /**
   * Probability that sending a message breaks the connection it travels on (as a TCP reset would): that message
   * and every later one between the two actors, either way, are lost until both ends have been told (DISCONNECTED).
   * Loss on a TCP connection never leaves a hole with later data delivered.
   */
  lossRate: number;
  duplicateRate: number;
  /** Probability that a message ignores FIFO order (is not held behind earlier messages on the link). */
  reorderRate: number;
}

/**
 * The links of the virtual network: their settings, cuts (partitions) and slow-link overrides, keyed by directed
 * (from, to) actor indices. This is what configuration and faults change; the `Network` reads it to deliver.
 */
export class Links {
  private readonly linkOverrides = new Map<number, Partial<LinkBehaviour>>();
  private readonly slowOverrides = new Map<number, LatencyModel[]>();
  /** Directed cut → number of active partitions that cut it (partitions may overlap and heal separately). */
  private readonly cuts = new Map<number, number>();

  /** True while no cut, override or slow link exists: the send path can skip every lookup. */
  pristine = true;

  /**
   * The defaults lose, duplicate and reorder nothing: with `pristine`, a send draws only its latency. Kept in step
   * with `defaults` (set it through the property).
   */
  plainDefaults = true;
  private defaultsValue!: LinkBehaviour;

  constructor(defaults: LinkBehaviour) {
    this.defaults = defaults;
  }

  get defaults(): LinkBehaviour {
    return this.defaultsValue;
  }

  set defaults(b: LinkBehaviour) {
    this.defaultsValue = b;
    this.plainDefaults = !(b.lossRate > 0) && !(b.duplicateRate > 0) && !(b.reorderRate > 0);
  }

  key(from: number, to: number): number {
    return from * 65536 + to;
  }

  setLink(from: number, to: number, behaviour: Partial<LinkBehaviour>): void {
    const k = this.key(from, to);
    this.linkOverrides.set(k, { ...this.linkOverrides.get(k), ...behaviour });
    this.pristine = false;
  }

  /** The behaviour in force on a directed link now (slow-link override beats the configured latency). */
  behaviour(from: number, to: number): LinkBehaviour {
    if (this.linkOverrides.size === 0 && this.slowOverrides.size === 0) return this.defaults;
    const k = this.key(from, to);
    const o = this.linkOverrides.get(k);
    const slow = this.slowOverrides.get(k);
    if (!o && !slow) return this.defaults;
    const b = { ...this.defaults, ...o };
    if (slow && slow.length > 0) b.latency = slow[slow.length - 1];
    return b;
  }

  isCut(from: number, to: number): boolean {
    return this.cuts.size > 0 && (this.cuts.get(this.key(from, to)) ?? 0) > 0;
  }

  /** Cuts every directed link from a node in `from` to a node in `to`. Returns the cut keys, for healing. */
  cut(from: number[], to: number[]): number[] {
    const keys: number[] = [];
    for (const f of from)
      for (const t of to) {
        if (f === t) continue;
        const k = this.key(f, t);
        this.cuts.set(k, (this.cuts.get(k) ?? 0) + 1);
        this.pristine = false;
        keys.push(k);
      }
    return keys;
  }

  uncut(keys: number[]): void {
    for (const k of keys) {
      const n = (this.cuts.get(k) ?? 0) - 1;
      if (n <= 0) this.cuts.delete(k);
      else this.cuts.set(k, n);
    }
    this.recomputePristine();
  }

  healAll(): void {
    this.cuts.clear();
    this.recomputePristine();
  }

  /** Ends every slow-link override (the configured latencies apply again). */
  unslowAll(): void {
    this.slowOverrides.clear();
    this.recomputePristine();
  }

  private recomputePristine(): void {
    this.pristine = this.cuts.size === 0 && this.linkOverrides.size === 0 && this.slowOverrides.size === 0;
  }

  slow(from: number, to: number, latency: LatencyModel): void {
    const k = this.key(from, to);
    const list = this.slowOverrides.get(k) ?? [];
    list.push(latency);
    this.slowOverrides.set(k, list);
    this.pristine = false;
  }

  unslow(from: number, to: number, latency: LatencyModel): void {
    const k = this.key(from, to);
    const list = this.slowOverrides.get(k);
    if (!list) return;
    const i = list.lastIndexOf(latency);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.slowOverrides.delete(k);
    this.recomputePristine();
  }
}
