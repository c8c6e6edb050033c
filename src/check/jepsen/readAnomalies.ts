import type { G1aCase, PrecommittedReadCase } from "./cases.js";
import type { AnalysisContext } from "./context.js";
import { E_POLL, E_SEND, F_POLL, F_TXN, OK } from "./indexedHistory.js";

/**
 * kafka.clj `g1a-cases`: an aborted read. An ok poll or txn returned a value that some :fail send or txn wrote
 * (a failed write is one the broker refused, or a transaction that aborted). `writer` is `writer-of` the value.
 */
export function g1aCases({ h, facts }: AnalysisContext): G1aCase[] {
  const out: G1aCase[] = [];
  const { kvBase, failed, writer } = facts;
  for (let i = 0; i < h.n; i++) {
    if (h.type[i] !== OK || (h.f[i] !== F_POLL && h.f[i] !== F_TXN)) continue;
    for (let e = h.opStart[i]; e < h.opStart[i + 1]; e++) {
      if (h.eKind[e] !== E_POLL) continue;
      const kv = kvBase[h.eKey[e]] + h.eVal[e];
      if (failed[kv]) out.push({ key: h.eKey[e], value: h.eVal[e], writer: writer[kv], reader: i });
    }
  }
  return out;
}

/**
 * kafka.clj `precommitted-read-cases`: an op read a value it wrote itself. Legal in most databases, but in
 * Kafka's model a sent record is invisible to every read_committed poller until its transaction commits. One case
 * per op: the first key (in send order) whose written and read values meet, and the first such value.
 */
export function precommittedReadCases({ h, facts }: AnalysisContext): PrecommittedReadCase[] {
  const out: PrecommittedReadCase[] = [];
  const read = new Set<number>();
  for (let i = 0; i < h.n; i++) {
    if (h.f[i] !== F_TXN) continue; // op-reads is nil for :send ops and op-writes for :poll ops
    const from = h.opStart[i];
    const to = h.opStart[i + 1];
    read.clear();
    for (let e = from; e < to; e++) if (h.eKind[e] === E_POLL) read.add(facts.kvBase[h.eKey[e]] + h.eVal[e]);
    if (read.size === 0) continue;
    for (let e = from; e < to; e++)
      if (h.eKind[e] === E_SEND && read.has(facts.kvBase[h.eKey[e]] + h.eVal[e])) {
        out.push({ op: i, key: h.eKey[e], value: h.eVal[e] });
        break;
      }
  }
  return out;
}
