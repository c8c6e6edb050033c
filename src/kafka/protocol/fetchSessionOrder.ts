/**
 * The order in which a leader reads the partitions of one fetcher's Fetch, as Kafka's fetch sessions (KIP-227) keep
 * it at the broker: a session's partitions are a linked map (`FetchSession.partitionMap`); a partition new to the
 * session is added at its end, one the fetcher no longer asks for is forgotten, and a partition whose answer carried
 * records moves to the end (`IncrementalFetchContext`'s `PartitionIterator`: `partitionMap.remove` then `mustAdd`).
 * `ReplicaManager.readFromLog` reads in that order, so when a response's `max_bytes` runs out the partitions read
 * last go without, and next time they are read first: partitions take turns (KIP-74's round robin).
 *
 * The model keeps no sessions at the broker: the fetcher (a consumer's per node, a replica fetcher thread) keeps
 * this order and sends it with the Fetch (`FetchLimits.readOrder`). A failed Fetch resets it, as
 * `FetchSessionHandler.handleError` closes the session and the next full Fetch starts a new one in the request's
 * order. Keys are `topic-partition` strings (`tpKey`).
 */
/** Up to this many keys, `readOrder` scans arrays (a bit set of placed keys fits an int32). */
const SMALL = 16;

export class FetchSessionOrder {
  private order: string[] = [];

  /**
   * The read order for a Fetch of `keys` (in the request's order): indices into `keys`, the session's partitions
   * first in its order, then those new to it in the request's order; a key not in `keys` leaves the session.
   */
  readOrder(keys: readonly string[]): number[] {
    if (keys.length <= SMALL) return this.readOrderSmall(keys);
    const index = new Map<string, number>();
    for (let i = 0; i < keys.length; i++) index.set(keys[i], i);
    const kept: string[] = [];
    const out: number[] = [];
    for (const k of this.order) {
      const i = index.get(k);
      if (i === undefined) continue;
      kept.push(k);
      out.push(i);
      index.delete(k);
    }
    for (const [k, i] of index) {
      kept.push(k);
      out.push(i);
    }
    this.order = kept;
    return out;
  }

  /** `readOrder` for a few keys (a fetcher's usual Fetch): the same order, by linear scans instead of a map. */
  private readOrderSmall(keys: readonly string[]): number[] {
    const n = keys.length;
    const kept: string[] = [];
    const out: number[] = [];
    let taken = 0; // bit i: keys[i] is placed
    for (const k of this.order) {
      // The last index of k, as a map built in the request's order would give.
      const i = keys.lastIndexOf(k);
      if (i < 0 || (taken & (1 << i)) !== 0) continue;
      kept.push(k);
      out.push(i);
      taken |= 1 << i;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      // A key given twice sits where it first came, with its last index (Map.set keeps the first place).
      if (keys.indexOf(k) !== i) continue;
      const j = keys.lastIndexOf(k);
      if ((taken & (1 << j)) !== 0) continue;
      kept.push(k);
      out.push(j);
    }
    this.order = kept;
    return out;
  }

  /** The partitions whose answer carried records, in the order they were read: each moves to the session's end. */
  moveToEnd(keys: readonly string[]): void {
    if (keys.length === 0) return;
    if (keys.length <= SMALL) this.order = this.order.filter((k) => !keys.includes(k));
    else {
      const moved = new Set(keys);
      this.order = this.order.filter((k) => !moved.has(k));
    }
    for (const k of keys) this.order.push(k);
  }

  /** FetchSessionHandler.handleError: the session is gone; the next Fetch reads in its own order. */
  reset(): void {
    this.order = [];
  }
}
