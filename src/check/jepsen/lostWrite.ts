import type { LostWriteCase } from "./cases.js";
import type { AnalysisContext } from "./context.js";
import { inHashOrder } from "./versionOrders.js";

/**
 * kafka.clj `lost-write-cases`: for each key, the highest index any ok poll observed (the latest of the earliest
 * indices of the values read: `log->value->first-index`) bounds what must have been read; every value whose *last*
 * appearance in the version order is at or below it (`log->last-index->values`) and that no ok op read is lost,
 * if its writer must have committed (ok, or info proven by a read), listed index by index and, within one, in
 * Clojure hash-set order (`(mapcat identity)` over the sets). `max-read` is the first reader of the value at the
 * bound (`first` of that set), to show that someone read that far.
 */
export function lostWriteCases({ h, facts, vo, hashOrder }: AnalysisContext): LostWriteCase[] {
  const out: LostWriteCase[] = [];
  const { kvBase, readOk, writer, committed, firstReader } = facts;
  for (let k = 0; k < h.keys.count; k++) {
    const base = kvBase[k];
    const nv = kvBase[k + 1] - base;
    const order = vo.orders[k];
    let anyRead = false;
    let bound = -1;
    for (let v = 0; v < nv; v++) {
      if (!readOk[base + v]) continue;
      anyRead = true;
      const fi = order.firstIndex[v];
      if (fi > bound) bound = fi;
    }
    if (!anyRead || bound < 0) continue;
    // max-read: `first` of the (hash) set of values whose last index is the bound, then its first reader of any
    // outcome (readers-of); none when that value was only sent.
    const values = h.keys.values[k];
    const atIndex = (d: number) => {
      const ids: number[] = [];
      for (let j = order.valStart[d]; j < order.valStart[d + 1]; j++) if (order.lastIndex[order.vals[j]] === d) ids.push(order.vals[j]);
      return hashOrder ? inHashOrder(values, ids) : ids;
    };
    const atBound = atIndex(bound);
    // Without hash order (kafkasim's views), the first value at the bound someone read: it shows more.
    const maxRead = atBound.length === 0 ? -1 : hashOrder ? firstReader[base + atBound[0]] : (atBound.map((v) => firstReader[base + v]).find((r) => r >= 0) ?? -1);
    for (let d = 0; d <= bound; d++)
      for (const v of atIndex(d)) {
        if (readOk[base + v]) continue;
        const w = writer[base + v];
        if (w < 0 || !committed[w]) continue; // Jepsen throws :no-writer-of for a value nobody sent
        out.push({ key: k, value: v, index: order.firstIndex[v], "max-read-index": bound, writer: w, "max-read": maxRead });
      }
  }
  return out;
}
