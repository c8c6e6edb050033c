import type { DuplicateCase } from "./cases.js";
import type { AnalysisContext } from "./context.js";

/**
 * kafka.clj `duplicate-cases`: one value at more than one offset of a key's version order (acknowledged, polled,
 * or both). Reading the same offset twice is not a duplicate; that is a nonmonotonic poll. Offsets are real
 * offsets; cases come in the order of each value's first offset.
 */
export function duplicateCases({ h, vo }: AnalysisContext): DuplicateCase[] {
  const out: DuplicateCase[] = [];
  for (let k = 0; k < h.keys.count; k++) {
    const order = vo.orders[k];
    const count = new Int32Array(h.keys.values[k].length);
    let any = false;
    for (let j = 0; j < order.vals.length; j++) if (++count[order.vals[j]] > 1) any = true;
    if (!any) continue;
    const at = new Map<number, number[]>();
    for (let d = 0; d < order.offsets.length; d++)
      for (let j = order.valStart[d]; j < order.valStart[d + 1]; j++) {
        const v = order.vals[j];
        if (count[v] < 2) continue;
        const list = at.get(v);
        if (list) list.push(order.offsets[d]);
        else at.set(v, [order.offsets[d]]);
      }
    for (const [value, offsets] of at) out.push({ key: k, value, count: offsets.length, offsets });
  }
  return out;
}
