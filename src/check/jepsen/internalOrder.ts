import type { IntNonmonotonicCase, IntSkipCase } from "./cases.js";
import type { AnalysisContext } from "./context.js";
import { E_POLL, E_SEND, F_POLL, F_SEND, F_TXN, INVOKE } from "./indexedHistory.js";
import { OpKeys } from "./opKeys.js";
import type { KeyOrder } from "./versionOrders.js";

/**
 * kafka.clj `int-poll-skip+nonmonotonic-cases`: within one op, successive values polled from a key must be
 * neighbours in the version order. A gap is `int-poll-skip` (the op skipped values that exist), going back or
 * repeating is `int-nonmonotonic-poll`. Keys in the op's rebalance-log are exempt: a rebalance during the poll
 * invalidates any assumption of contiguity. A pair whose index is unknown counts as a step of 1.
 */
export function intPollCases(ctx: AnalysisContext): { skip: IntSkipCase[]; nonmonotonic: IntNonmonotonicCase[] } {
  const { h, vo } = ctx;
  const skip: IntSkipCase[] = [];
  const nonmonotonic: IntNonmonotonicCase[] = [];
  const reads = new OpKeys(h.keys.count);
  for (let i = 0; i < h.n; i++) {
    if (h.type[i] === INVOKE || (h.f[i] !== F_POLL && h.f[i] !== F_TXN)) continue;
    const n = reads.load(h, i, E_POLL);
    if (n === 0) continue;
    const exempt = h.rebalanceKeys.get(i);
    for (let j = 0; j < n; j++) {
      const k = reads.keys[j];
      if (exempt?.includes(k)) continue;
      contiguity(vo.orders[k], k, reads.valuesOf(j), i, skip, nonmonotonic);
    }
  }
  return { skip, nonmonotonic };
}

/**
 * kafka.clj `int-send-skip+nonmonotonic-cases`: within one op, successive sends to a key must land next to each
 * other in the version order. A gap (`int-send-skip`: other writes interleaved) is normal in Kafka's transaction
 * model and allowed by default; going back (`int-nonmonotonic-send`) is not.
 */
export function intSendCases(ctx: AnalysisContext): { skip: IntSkipCase[]; nonmonotonic: IntNonmonotonicCase[] } {
  const { h, vo } = ctx;
  const skip: IntSkipCase[] = [];
  const nonmonotonic: IntNonmonotonicCase[] = [];
  const sends = new OpKeys(h.keys.count);
  for (let i = 0; i < h.n; i++) {
    if (h.type[i] === INVOKE || (h.f[i] !== F_SEND && h.f[i] !== F_TXN)) continue;
    const n = sends.load(h, i, E_SEND);
    for (let j = 0; j < n; j++) contiguity(vo.orders[sends.keys[j]], sends.keys[j], sends.valuesOf(j), i, skip, nonmonotonic);
  }
  return { skip, nonmonotonic };
}

/**
 * Zips successive values: delta = index(v2) - index(v1) when both are known, else 1 (kafka.clj assumes a step
 * of one when it cannot tell).
 */
function contiguity(order: KeyOrder, k: number, vs: number[], op: number, skip: IntSkipCase[], nonmonotonic: IntNonmonotonicCase[]): void {
  const { byValue, byIndex } = order;
  for (let x = 1; x < vs.length; x++) {
    const v1 = vs[x - 1];
    const v2 = vs[x];
    const i1 = byValue[v1];
    const i2 = byValue[v2];
    const delta = i1 >= 0 && i2 >= 0 ? i2 - i1 : 1;
    if (delta > 1) skip.push({ key: k, values: [v1, v2], delta, skipped: Array.from(byIndex.subarray(i1 + 1, i2)), op });
    else if (delta < 1) nonmonotonic.push({ key: k, values: [v1, v2], delta, op });
  }
}
