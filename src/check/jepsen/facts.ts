import { type Arena, NO_ARENA } from "./arena.js";
import { E_SEND, F_POLL, F_SEND, F_TXN, FAIL, INFO, INVOKE, OK, type IndexedHistory } from "./indexedHistory.js";

/**
 * What the history says about each (key, value) pair, over flat arrays indexed by `kv = kvBase[key] + value`:
 * who wrote it, whether a failed op wrote it, whether an ok op read it, and per op whether it must have committed.
 * These are kafka.clj's `writer-of`, `writes-by-type`, `reads-by-type`, `readers-of` (first reader only) and
 * `must-have-committed?`, each one pass over the entry rows.
 */
export interface Facts {
  /** First kv id of each key. */
  kvBase: Int32Array;
  kvCount: number;
  /** writer-of: the last non-invoke send/txn op that sent the value (op position), -1 if none. */
  writer: Int32Array;
  /** writes-by-type :fail: sent by a failed send/txn op. */
  failed: Uint8Array;
  /** writes-by-type :ok: sent by an ok send/txn op. */
  sentOk: Uint8Array;
  /** reads-by-type :ok: read by an ok poll/txn op. */
  readOk: Uint8Array;
  /** readers-of, first one: the first non-invoke poll/txn op that read it, -1 if none. */
  firstReader: Int32Array;
  /** must-have-committed? per op: ok, or info with one of its sends read by an ok op. */
  committed: Uint8Array;
}

/** Builds the facts in two passes over the entries. */
export function buildFacts(h: IndexedHistory, arena: Arena = NO_ARENA): Facts {
  const keys = h.keys;
  const kvBase = arena.int32(keys.count + 1);
  for (let k = 0; k < keys.count; k++) kvBase[k + 1] = kvBase[k] + keys.values[k].length;
  const kvCount = kvBase[keys.count];
  const writer = arena.int32(kvCount).fill(-1);
  const firstReader = arena.int32(kvCount).fill(-1);
  const failed = arena.uint8(kvCount);
  const sentOk = arena.uint8(kvCount);
  const readOk = arena.uint8(kvCount);
  const committed = arena.uint8(h.n);
  const { opStart, eKind, eKey, eVal } = h;
  // Stryker disable next-line EqualityOperator: one op past the last has no entry rows (opStart[n + 1] is undefined), so nothing is read
  for (let i = 0; i < h.n; i++) {
    const t = h.type[i];
    // Stryker disable next-line ConditionalExpression: an invocation has no entry rows (HistoryBuilder keeps none); skipping it only spares the loop
    if (t === INVOKE) continue;
    const f = h.f[i];
    for (let e = opStart[i]; e < opStart[i + 1]; e++) {
      const kv = kvBase[eKey[e]] + eVal[e];
      if (eKind[e] === E_SEND) {
        // Stryker disable next-line ConditionalExpression: send rows exist only in send and txn ops (HistoryBuilder.send keeps no other, as op-writes reads no other)
        if (f !== F_SEND && f !== F_TXN) continue;
        writer[kv] = i;
        if (t === FAIL) failed[kv] = 1;
        else if (t === OK) sentOk[kv] = 1;
      } else {
        // Stryker disable next-line ConditionalExpression: poll rows exist only in poll and txn ops (HistoryBuilder.polled keeps no other, as op-reads reads no other)
        if (f !== F_POLL && f !== F_TXN) continue;
        if (firstReader[kv] < 0) firstReader[kv] = i;
        if (t === OK) readOk[kv] = 1;
      }
    }
  }
  // Stryker disable next-line EqualityOperator: one op past the last has type undefined, neither ok nor info
  for (let i = 0; i < h.n; i++) {
    const t = h.type[i];
    if (t === OK) committed[i] = 1;
    else if (t === INFO)
      for (let e = opStart[i]; e < opStart[i + 1]; e++)
        if (eKind[e] === E_SEND && readOk[kvBase[eKey[e]] + eVal[e]]) {
          committed[i] = 1;
          break;
        }
  }
  return { kvBase, kvCount, writer, failed, sentOk, readOk, firstReader, committed };
}
