import type { LostWriteCase } from "./cases.js";
import type { AnalysisContext } from "./context.js";

/**
 * kafka.clj `lost-write-cases`: for each key, the highest index any ok poll observed (the latest of the earliest
 * indices of the values read: `log->value->first-index`) bounds what must have been read; every value whose *last*
 * appearance in the version order is at or below it (`log->last-index->values`) and that no ok op read is lost,
 * if its writer must have committed (ok, or info proven by a read). `max-read` is the first reader of the value
 * at the bound, to show that someone read that far.
 */
export function lostWriteCases({ h, facts, vo }: AnalysisContext): LostWriteCase[] {
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
    // Jepsen takes the first value (in hash order) whose last index is the bound; one someone read shows more.
    let maxRead = -1;
    for (let j = order.valStart[bound]; j < order.valStart[bound + 1] && maxRead < 0; j++) {
      const v = order.vals[j];
      if (order.lastIndex[v] === bound) maxRead = firstReader[base + v];
    }
    for (let d = 0; d <= bound; d++)
      for (let j = order.valStart[d]; j < order.valStart[d + 1]; j++) {
        const v = order.vals[j];
        if (order.lastIndex[v] !== d || readOk[base + v]) continue;
        const w = writer[base + v];
        if (w < 0 || !committed[w]) continue; // Jepsen throws :no-writer-of for a value nobody sent
        out.push({ key: k, value: v, index: order.firstIndex[v], "max-read-index": bound, writer: w, "max-read": maxRead });
      }
  }
  return out;
}
