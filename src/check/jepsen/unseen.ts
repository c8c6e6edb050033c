import type { UnseenCase } from "./cases.js";
import type { AnalysisContext } from "./context.js";
import { E_POLL, F_POLL, F_SEND, F_TXN, type IndexedHistory, OK } from "./indexedHistory.js";

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

/** One point of kafka.clj `unseen`'s series: after an ok op, per key, how many acknowledged values nobody had polled. */
export interface UnseenPoint {
  /** The op's time (ns); undefined when it has none. */
  time: number | undefined;
  /** Key (as the file wrote it, in text) → count, zeros included once a key was sent to. */
  unseen: Record<string, number>;
  /** On the last point only: key → the values still unseen. */
  messages?: Record<string, unknown[]>;
}

/**
 * kafka.clj `unseen`, the whole series Jepsen plots (`plot-unseen!`): walking the ok send, poll and txn ops in order,
 * the acknowledged values of each key not yet polled by any ok op, after each op. The final point carries the values
 * themselves. As in unseenCases, a key only polled (never sent to by an ok op) is not listed, where kafka.clj's
 * bifurcan `merge` would keep its polled values (README "Checking").
 */
export function unseenSeries(h: IndexedHistory): UnseenPoint[] {
  const keyCount = h.keys.count;
  const unseen: (Set<number> | undefined)[] = new Array(keyCount);
  const polled: Set<number>[] = Array.from({ length: keyCount }, () => new Set<number>());
  const out: UnseenPoint[] = [];
  for (let i = 0; i < h.n; i++) {
    if (h.type[i] !== OK || (h.f[i] !== F_SEND && h.f[i] !== F_POLL && h.f[i] !== F_TXN)) continue;
    for (let e = h.opStart[i]; e < h.opStart[i + 1]; e++) {
      if (h.eKind[e] === E_POLL) polled[h.eKey[e]].add(h.eVal[e]);
      else (unseen[h.eKey[e]] ??= new Set()).add(h.eVal[e]);
    }
    const counts: Record<string, number> = {};
    for (let k = 0; k < keyCount; k++) {
      const s = unseen[k];
      if (s === undefined) continue;
      for (const v of s) if (polled[k].has(v)) s.delete(v);
      counts[String(h.keys.shown[k])] = s.size;
    }
    out.push({ time: h.time[i] === h.time[i] ? h.time[i] : undefined, unseen: counts });
  }
  if (out.length > 0) {
    const messages: Record<string, unknown[]> = {};
    for (let k = 0; k < keyCount; k++) if (unseen[k] !== undefined) messages[String(h.keys.shown[k])] = [...unseen[k]!].sort((a, b) => a - b).map((v) => h.keys.values[k][v]);
    out[out.length - 1].messages = messages;
  }
  return out;
}
