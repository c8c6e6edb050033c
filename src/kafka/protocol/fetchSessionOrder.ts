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
export class FetchSessionOrder {
  private order: string[] = [];

  /**
   * The read order for a Fetch of `keys` (in the request's order): indices into `keys`, the session's partitions
   * first in its order, then those new to it in the request's order; a key not in `keys` leaves the session.
   */
  readOrder(keys: readonly string[]): number[] {
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

  /** The partitions whose answer carried records, in the order they were read: each moves to the session's end. */
  moveToEnd(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const moved = new Set(keys);
    this.order = this.order.filter((k) => !moved.has(k));
    for (const k of keys) this.order.push(k);
  }

  /** FetchSessionHandler.handleError: the session is gone; the next Fetch reads in its own order. */
  reset(): void {
    this.order = [];
  }
}
