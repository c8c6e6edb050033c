import type { UnseenCase } from "./cases.js";
import type { AnalysisContext } from "./context.js";
import { F_POLL, F_SEND, F_TXN, OK } from "./indexedHistory.js";

/**
 * kafka.clj `unseen`, its final state (the error it reports): per key, the values ok sends wrote that no ok poll
 * ever returned. Jepsen calls it a liveness problem: every acknowledged write should be read by the end (its final
 * generator polls every key from the start). `time` is that of the last ok send, poll or txn op (ns; kafka.clj
 * walks only those), 0 when it has none.
 */
export function unseenCases({ h, facts }: AnalysisContext): UnseenCase[] {
  const { kvBase, sentOk, readOk } = facts;
  let time = 0;
  for (let i = h.n - 1; i >= 0; i--)
    if (h.type[i] === OK && (h.f[i] === F_SEND || h.f[i] === F_POLL || h.f[i] === F_TXN)) {
      time = h.time[i] === h.time[i] ? h.time[i] : 0;
      break;
    }
  const out: UnseenCase[] = [];
  for (let k = 0; k < h.keys.count; k++) {
    const values: number[] = [];
    for (let kv = kvBase[k]; kv < kvBase[k + 1]; kv++) if (sentOk[kv] && !readOk[kv]) values.push(kv - kvBase[k]);
    if (values.length > 0) out.push({ key: k, count: values.length, messages: values, time });
  }
  return out;
}
