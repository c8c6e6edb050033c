import type { NonmonotonicSendCase } from "./cases.js";
import type { AnalysisContext } from "./context.js";
import { E_SEND, F_ASSIGN, F_SEND, F_SUBSCRIBE, F_TXN, INFO, OK } from "./indexedHistory.js";
import { OpKeys } from "./opKeys.js";

/**
 * kafka.clj `nonmonotonic-send-cases`: per process, over its ok and info ops in order, the first value an op sends
 * to a key must come after the last value the process's previous send to that key landed at, in the version order.
 * An ok or info assign/subscribe keeps only the keys it names. With kafkasim's pipelined producers the process is
 * the client and the order is the order of send() calls (IndexOptions.sessionOf), which is Kafka's per-partition
 * ordering promise.
 */
export function nonmonotonicSendCases(ctx: AnalysisContext): NonmonotonicSendCase[] {
  const { h, vo } = ctx;
  const out: NonmonotonicSendCase[] = [];
  const sends = new OpKeys(h.keys.count);
  for (const ops of h.completionsBySession()) {
    const lastOp = new Map<number, number>();
    const lastVal = new Map<number, number>();
    for (const i of ops) {
      const t = h.type[i];
      if (t !== OK && t !== INFO) continue;
      const f = h.f[i];
      if (f === F_ASSIGN || f === F_SUBSCRIBE) {
        const keep = new Set(h.subKeys.get(i));
        for (const k of [...lastOp.keys()])
          if (!keep.has(k)) {
            lastOp.delete(k);
            lastVal.delete(k);
          }
        continue;
      }
      if (f !== F_SEND && f !== F_TXN) continue;
      const n = sends.load(h, i, E_SEND);
      for (let j = 0; j < n; j++) {
        const k = sends.keys[j];
        const vs = sends.valuesOf(j);
        const prev = lastOp.get(k);
        if (prev !== undefined) {
          const { byValue } = vo.orders[k];
          const v = lastVal.get(k)!;
          const i1 = byValue[v];
          const i2 = byValue[vs[0]];
          if (i1 >= 0 && i2 >= 0 && i2 - i1 < 1) out.push({ key: k, values: [v, vs[0]], delta: i2 - i1, ops: [prev, i] });
        }
        lastOp.set(k, i);
        lastVal.set(k, vs[vs.length - 1]);
      }
    }
  }
  return out;
}
