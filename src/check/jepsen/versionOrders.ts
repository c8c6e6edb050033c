import type { Facts } from "./facts.js";
import { type Arena, NO_ARENA } from "./arena.js";
import { clojureHash, hashSetBefore } from "./clojureHash.js";
import { FloatColumn, IntColumn } from "./growable.js";
import { E_POLL, E_SEND, F_POLL, F_SEND, F_TXN, INVOKE, type IndexedHistory } from "./indexedHistory.js";

/**
 * One key's version order (kafka.clj `version-orders`): the offsets at which any value was observed, in offset
 * order, each with the set of values seen there. "Indices" are dense offsets: the n-th offset that holds anything
 * (transaction markers leave holes in a Kafka log).
 */
export interface KeyOrder {
  /** Distinct observed offsets, ascending (D of them). */
  offsets: Float64Array;
  /** Values at dense index d: vals[valStart[d] .. valStart[d+1]), local value ids, first seen first. */
  valStart: Int32Array;
  vals: Int32Array;
  /**
   * :by-index: the value chosen for each dense index. Where an offset holds several values, kafka.clj takes `first`
   * of their Clojure hash set: the one first in hash-set order (see clojureHash.ts); the first observed when their
   * hashes are not known (maps) or equal.
   */
  byIndex: Int32Array;
  /** :by-value: per local value, the last dense index where it is the chosen value; -1 if never chosen. */
  byValue: Int32Array;
  /** log->value->first-index: per local value, the first dense index where it appears; -1 if never. */
  firstIndex: Int32Array;
  /** The last dense index where it appears (log->last-index->values, inverted); -1 if never. */
  lastIndex: Int32Array;
}

/** kafka.clj's :inconsistent-offsets error: two different values at one offset of one key. */
export interface OffsetConflict {
  key: number;
  offset: number;
  index: number;
  values: number[];
}

export interface VersionOrders {
  orders: KeyOrder[];
  conflicts: OffsetConflict[];
}

/**
 * Builds every key's version order. As kafka.clj does, sends count only when their op must have committed (ok, or
 * info and proven by a read), while polls count from every completed op, :fail and :info included ("pollers in
 * Kafka's transaction design are *always* supposed to emit safe data"). O(entries) plus a sort per key whose
 * offsets arrive out of order (a counting sort when the key's offsets are dense). `hashOrder` false picks the first
 * observed value of an offset instead of Clojure's hash-set `first` (see AnalysisOptions.hashOrder).
 */
export function buildVersionOrders(h: IndexedHistory, facts: Facts, arena: Arena = NO_ARENA, hashOrder = true): VersionOrders {
  const pk = new IntColumn(h.entries, arena);
  const po = new FloatColumn(h.entries, arena);
  const pv = new IntColumn(h.entries, arena);
  const { opStart, eKind, eKey, eVal, eOff } = h;
  // Stryker disable next-line EqualityOperator: one op past the last has no entry rows (opStart[n + 1] is undefined)
  for (let i = 0; i < h.n; i++) {
    // Stryker disable next-line ConditionalExpression: an invocation has no entry rows (HistoryBuilder keeps none)
    if (h.type[i] === INVOKE) continue;
    const f = h.f[i];
    // The f tests follow kafka.clj (op-writes reads :send and :txn ops, op-reads :poll and :txn ones); HistoryBuilder
    // already keeps send rows only in send/txn ops and poll rows only in poll/txn ops, so they never decide here.
    // Stryker disable next-line ConditionalExpression: see above (only send/txn ops have send rows)
    const sendsCount = facts.committed[i] === 1 && (f === F_SEND || f === F_TXN);
    // Stryker disable next-line ConditionalExpression: see above (only poll/txn ops have poll rows)
    const pollsCount = f === F_POLL || f === F_TXN;
    for (let e = opStart[i]; e < opStart[i + 1]; e++) {
      const o = eOff[e];
      if (o !== o) continue; // NaN: offset unknown
      // Stryker disable next-line ConditionalExpression,LogicalOperator: a row that is not a send is a poll row, in a poll or txn op (see above)
      if (eKind[e] === E_SEND ? !sendsCount : eKind[e] !== E_POLL || !pollsCount) continue;
      pk.push(eKey[e]);
      po.push(o);
      pv.push(eVal[e]);
    }
  }
  const keyCount = h.keys.count;
  const pairs = pk.length;
  const keyOf = pk.view();
  const offOf = po.view();
  const valOf = pv.view();
  // Bucket pair ids by key, keeping history order within a key.
  const start = arena.int32(keyCount + 1);
  // Stryker disable next-line EqualityOperator: one past the end reads keyOf[pairs], undefined: start[NaN]++ changes nothing
  for (let p = 0; p < pairs; p++) start[keyOf[p] + 1]++;
  // Stryker disable next-line EqualityOperator: one past the end writes start[keyCount + 1], outside the array: ignored
  for (let k = 0; k < keyCount; k++) start[k + 1] += start[k];
  const fill = arena.int32(keyCount);
  fill.set(start.subarray(0, keyCount));
  const byKey = arena.int32(pairs);
  // Stryker disable next-line EqualityOperator: one past the end reads keyOf[pairs], undefined: byKey[NaN] = p changes nothing
  for (let p = 0; p < pairs; p++) byKey[fill[keyOf[p]]++] = p;

  const orders: KeyOrder[] = [];
  const conflicts: OffsetConflict[] = [];
  for (let k = 0; k < keyCount; k++) {
    const ids = sortByOffset(byKey.subarray(start[k], start[k + 1]), offOf, arena);
    const nv = h.keys.values[k].length;
    const stamp = arena.int32(nv).fill(-1);
    // Sized for the worst case (every pair its own offset), no growing.
    const offsetsAll = arena.float64(ids.length);
    const vStartAll = arena.int32(ids.length + 1);
    const valsAll = arena.int32(ids.length);
    let d = -1;
    let nv2 = 0;
    let lastOff = NaN;
    for (let j = 0; j < ids.length; j++) {
      const p = ids[j];
      const o = offOf[p];
      if (o !== lastOff) {
        d++;
        lastOff = o;
        offsetsAll[d] = o;
        vStartAll[d] = nv2;
      }
      const v = valOf[p];
      if (stamp[v] !== d) {
        stamp[v] = d;
        valsAll[nv2++] = v;
      }
    }
    const D = d + 1;
    vStartAll[D] = nv2;
    const offsets = offsetsAll.subarray(0, D);
    const vs = valsAll.subarray(0, nv2);
    const vStart = vStartAll.subarray(0, D + 1);
    const byIndex = arena.int32(D);
    const byValue = arena.int32(nv).fill(-1);
    const firstIndex = arena.int32(nv).fill(-1);
    const lastIndex = arena.int32(nv).fill(-1);
    // Stryker disable next-line EqualityOperator: at x = D the value read is vs[nv2], undefined: no index is set and no conflict counted
    const values = h.keys.values[k];
    for (let x = 0; x < D; x++) {
      const chosen = hashOrder && vStart[x + 1] - vStart[x] > 1 ? firstInHashOrder(values, vs.subarray(vStart[x], vStart[x + 1])) : vs[vStart[x]];
      byIndex[x] = chosen;
      byValue[chosen] = x;
      for (let j = vStart[x]; j < vStart[x + 1]; j++) {
        const v = vs[j];
        if (firstIndex[v] < 0) firstIndex[v] = x;
        lastIndex[v] = x;
      }
      if (vStart[x + 1] - vStart[x] > 1) conflicts.push({ key: k, offset: offsets[x], index: x, values: Array.from(vs.subarray(vStart[x], vStart[x + 1])) });
    }
    orders.push({ offsets, valStart: vStart, vals: vs, byIndex, byValue, firstIndex, lastIndex });
  }
  return { orders, conflicts };
}

/**
 * The value of `ids` (local value ids of one key, `values` their values) that `first` of a Clojure hash set of them
 * returns; ties (unknown or equal hashes) go to the earlier id in `ids`.
 */
export function firstInHashOrder(values: readonly unknown[], ids: ArrayLike<number>): number {
  let best = ids[0];
  let bestHash = clojureHash(values[best]);
  for (let j = 1; j < ids.length; j++) {
    const hv = clojureHash(values[ids[j]]);
    if (hashSetBefore(hv, bestHash)) {
      best = ids[j];
      bestHash = hv;
    }
  }
  return best;
}

/** `ids` in Clojure hash-set order (what `(mapcat identity)` over a set yields), stable where hashes do not decide. */
export function inHashOrder(values: readonly unknown[], ids: readonly number[]): number[] {
  if (ids.length < 2) return [...ids];
  const hashes = new Map(ids.map((v) => [v, clojureHash(values[v])]));
  return [...ids].sort((a, b) => (hashSetBefore(hashes.get(a)!, hashes.get(b)!) ? -1 : hashSetBefore(hashes.get(b)!, hashes.get(a)!) ? 1 : 0));
}

/** Pair ids ordered by offset, stable (history order within an offset). */
function sortByOffset(ids: Int32Array, off: Float64Array, arena: Arena): Int32Array {
  let sorted = true;
  let min = Infinity;
  let max = -Infinity;
  // Stryker disable next-line EqualityOperator: one past the end reads offset undefined, which compares false with everything
  for (let j = 0; j < ids.length; j++) {
    const o = off[ids[j]];
    if (j > 0 && o < off[ids[j - 1]]) sorted = false;
    if (o < min) min = o;
    if (o > max) max = o;
  }
  if (sorted) return ids;
  const range = max - min + 1;
  if (range <= 4 * ids.length + 1024) {
    // Counting sort over the offset range: Kafka offsets are dense.
    const count = arena.int32(range + 1);
    // Stryker disable next-line EqualityOperator: one past the end reads offset undefined: count[NaN]++ changes nothing
    for (let j = 0; j < ids.length; j++) count[off[ids[j]] - min + 1]++;
    // Stryker disable next-line EqualityOperator: one past the end writes count[range + 1], outside the table: ignored
    for (let r = 0; r < range; r++) count[r + 1] += count[r];
    const out = arena.int32(ids.length);
    // Stryker disable next-line EqualityOperator: one past the end reads offset undefined: out[NaN] = undefined changes nothing
    for (let j = 0; j < ids.length; j++) out[count[off[ids[j]] - min]++] = ids[j];
    return out;
  }
  return Int32Array.from(ids).sort((a, b) => off[a] - off[b] || a - b);
}
