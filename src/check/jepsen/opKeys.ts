import { E_POLL, E_SEND, type IndexedHistory } from "./indexedHistory.js";

/**
 * Per op, the keys it read (or sent to) with each key's values in micro-op order: kafka.clj's `op-reads` and
 * `op-writes`, as a reusable scratch (no allocation per op) over the entry rows.
 */
export class OpKeys {
  /** Keys in order of first appearance in the op. */
  // Stryker disable next-line ArrayDeclaration: load() empties it before anything reads it
  readonly keys: number[] = [];
  /** Per key: the load that last saw it (a key is new to a load while its stamp is older). */
  private readonly stamp: Int32Array;
  /** Loads so far: each load stamps with its own number, so reloading an op loaded before starts afresh too. */
  private loads = 0;
  private readonly slot: Int32Array;
  /** Per key slot: value ids in order. */
  readonly values: number[][] = [];

  constructor(keyCount: number) {
    this.stamp = new Int32Array(keyCount).fill(-1);
    this.slot = new Int32Array(keyCount);
  }

  /** Loads op i's polled (E_POLL) or sent (E_SEND) values; returns the number of keys. */
  load(h: IndexedHistory, i: number, kind: typeof E_POLL | typeof E_SEND): number {
    this.keys.length = 0;
    const stamp = ++this.loads;
    for (let e = h.opStart[i]; e < h.opStart[i + 1]; e++) {
      if (h.eKind[e] !== kind) continue;
      const k = h.eKey[e];
      if (this.stamp[k] !== stamp) {
        this.stamp[k] = stamp;
        this.slot[k] = this.keys.length;
        // Stryker disable next-line ConditionalExpression,ArrayDeclaration: a spare array pushed when one is there leaves values[keys.length] as it was, and the next line empties that slot
        if (this.values.length === this.keys.length) this.values.push([]);
        this.values[this.keys.length].length = 0;
        this.keys.push(k);
      }
      this.values[this.slot[k]].push(h.eVal[e]);
    }
    return this.keys.length;
  }

  valuesOf(j: number): number[] {
    return this.values[j];
  }
}
