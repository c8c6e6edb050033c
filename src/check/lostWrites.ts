import { judgedReplicas } from "./committedView.js";
import { type LatestWrite, latestAcknowledgedWrites, sendIsTombstone } from "./compaction.js";
import { at, type Checker, type FinalReplicaLog, type Finding } from "./input.js";
import { runAnalysis } from "./kafkasim/runAnalysis.js";

/**
 * An acknowledged write is lost when its value is not in the final log of its partition's leader (or, if the
 * partition ended offline, of the replica with the highest HW). A record still above the HW when the run ends
 * (acks=1 replication in progress) is not lost yet, so it is not reported. acks=0 sends are never acknowledged
 * (the broker sends no response): they are `unconfirmedSends`, not losses. A record acknowledged at an offset below
 * the final log start offset was deleted by retention or DeleteRecords: not a loss either. On a compacted topic the
 * cleaner removes, on purpose, a record a newer acknowledged write of its key superseded, and a tombstone once
 * delete.retention.ms passed: neither is lost (whether the latest value of each key survived is `compactedKeyLost`).
 *
 * One pass over the history's columns: an acknowledged send is found at the offset it was acknowledged at in the
 * judged replica's log (`valueAt`, no records built); only when it is not there is the replica's whole log searched
 * (it may sit at another offset after a retry), and only when something is lost is the run's Jepsen analysis built,
 * to give each finding the key Jepsen files it under: `lost-write` (a later record was read, this one never) or
 * `unseen` (acknowledged, never read by anyone, final read included). A value a consumer read before it vanished
 * from the log is neither in Jepsen's terms (Jepsen has no final log): it is reported here without a Jepsen key.
 */
export const lostAcknowledgedWrites: Checker = {
  name: "lostAcknowledgedWrites",
  description: "an acknowledged send is not in the final committed log of its partition",
  run(input) {
    const { history, logs } = input;
    const judged = judgedReplicas(logs);
    const lookups = new Map<FinalReplicaLog, ValueLookup>();
    const lookupOf = (l: FinalReplicaLog) => {
      let v = lookups.get(l);
      // Stryker disable next-line ConditionalExpression: a cache; a fresh lookup of the same log answers the same
      if (!v) lookups.set(l, (v = new ValueLookup(l)));
      return v;
    };
    let latest: Map<string, Map<string, LatestWrite>> | null = null;
    const cleanedOnPurpose = (i: number, tp: string, offset: number | undefined): boolean => {
      if (sendIsTombstone(history, i)) return true;
      const k = history.sendKeyAt(i);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut; latestAcknowledgedWrites holds no keyless or offsetless write, so w below would be undefined too
      if (k === null || offset === undefined) return false;
      // Stryker disable next-line ConditionalExpression: a cache; recomputing it gives the same map
      if (!latest) {
        const compacted = new Set<string>();
        // Stryker disable next-line ConditionalExpression: only compacted partitions are ever looked up in it, so more partitions change nothing
        for (const [p, j] of judged) if (j.replica.compacted) compacted.add(p);
        latest = latestAcknowledgedWrites(history, compacted);
      }
      const w = latest.get(tp)?.get(k);
      return w !== undefined && w.offset > offset;
    };
    const lost: { invoke: number; done: number; key: string }[] = [];
    // Stryker disable next-line EqualityOperator: the row past the end is no op (not an "ok" send), so it is skipped
    for (let i = 0; i < history.length; i++) {
      const inv = history.invokeAt(i);
      if (inv < 0 || history.typeAt(i) !== "ok" || history.fAt(i) !== "send") continue;
      if (history.sendAcks0At(i)) continue; // unconfirmed, not acknowledged
      const key = `${history.sendTopicAt(i)}-${history.sendPartitionAt(i)}`;
      const j = judged.get(key);
      const offset = history.sendOffsetAt(i);
      if (j) {
        const value = history.sendValueAt(i);
        const look = lookupOf(j.replica);
        // Stryker disable next-line ConditionalExpression: at(undefined) finds no value (no record has an undefined offset)
        if (offset !== undefined && look.at(offset) === value) continue;
        if (look.has(value)) continue;
        // Below the final log start the record was deleted on purpose (retention.ms/bytes, DeleteRecords), not lost.
        // Stryker disable next-line ConditionalExpression: `undefined < n` is false
        if (offset !== undefined && offset < j.replica.logStartOffset) continue;
        if (j.replica.compacted && cleanedOnPurpose(i, key, offset)) continue;
      }
      lost.push({ invoke: inv, done: i, key });
    }
    // Stryker disable next-line ConditionalExpression: a shortcut that skips building the Jepsen analysis; with nothing lost the map below is empty anyway
    if (lost.length === 0) return [];
    const ra = runAnalysis(input);
    const lostCases = ra.valueCases("lost-write");
    const unseen = ra.valueCases("unseen");
    return lost.map(({ invoke, done, key }): Finding => {
      const j = judged.get(key);
      const p = j?.replica;
      const value = history.sendValueAt(done);
      const k = history.sendKeyAt(done);
      const offset = history.sendOffsetAt(done);
      const doneAt = history.timeAt(done);
      const id = `${key}\u0000${value}`;
      const jepsenKey = lostCases.has(id) ? "lost-write" : unseen.has(id) ? "unseen" : undefined;
      return {
        message: `${value} (key ${k}) acknowledged at ${at(doneAt)} at ${key} offset ${offset} is not in the final log of ${key}${p ? ` on ${p.broker} (HW ${p.highWatermark}${j.offline ? ", partition offline at the end" : ""})` : " (no replica)"}${jepsenKey ? "" : " (a consumer had read it before it vanished)"}`,
        atUs: doneAt,
        ...(jepsenKey ? { jepsenKey } : {}),
        evidence: { value, key: k, partition: key, offset, invokedAt: history.timeAt(invoke), ackedAt: doneAt, finalHighWatermark: p?.highWatermark },
      };
    });
  },
};

/**
 * A replica's values by offset (`valueAt` when the log offers it, else its records) and, built only when first
 * asked, the set of every value in it (committed or not: a record above the HW is not lost yet).
 */
class ValueLookup {
  private all: Set<string> | null = null;
  private byOffset: Map<number, string> | null = null;

  constructor(private readonly log: FinalReplicaLog) {}

  at(offset: number): string | undefined {
    if (this.log.valueAt) return this.log.valueAt(offset);
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: a fast path (a cache by offset); a miss falls back to has(), which searches every value
    if (!this.byOffset) this.byOffset = new Map(this.log.records.map((r) => [r.offset, r.value]));
    return this.byOffset.get(offset);
  }

  has(value: string): boolean {
    // Stryker disable next-line ConditionalExpression: a cache; rebuilding the set gives the same answer
    if (!this.all) this.all = new Set(this.log.records.map((r) => r.value));
    return this.all.has(value);
  }
}
