import type { History, SendValue } from "../workload/history.js";
import { judgedReplicas } from "./committedView.js";
import { at, type Checker, type Finding } from "./input.js";

/** The latest acknowledged write of one key in one partition, from the history. */
export interface LatestWrite {
  offset: number;
  value: string;
  tombstone: boolean;
  ackedAtUs: number;
}

/** Whether send op `i` was a tombstone (a null value): such sends are held as objects, never in the send columns. */
export function sendIsTombstone(history: History, i: number): boolean {
  return !history.isColumnarSend(i) && (history.valueAt(i) as SendValue).tombstone === true;
}

/**
 * Per partition (`topic-partition`) and key, the acknowledged send at the highest offset (the write a compacted log
 * must keep), over the non-transactional acknowledged sends (acks=0 sends are never acknowledged; a transactional
 * send's fate is its transaction's, which the transaction checks judge).
 */
export function latestAcknowledgedWrites(history: History, partitions: ReadonlySet<string>): Map<string, Map<string, LatestWrite>> {
  const out = new Map<string, Map<string, LatestWrite>>();
  for (let i = 0; i < history.length; i++) {
    if (history.invokeAt(i) < 0 || history.typeAt(i) !== "ok" || history.fAt(i) !== "send" || history.sendAcks0At(i)) continue;
    if (!history.isColumnarSend(i) && (history.valueAt(i) as SendValue).txn !== undefined) continue;
    const key = history.sendKeyAt(i);
    const offset = history.sendOffsetAt(i);
    if (key === null || offset === undefined || offset < 0) continue;
    const tp = `${history.sendTopicAt(i)}-${history.sendPartitionAt(i)}`;
    if (!partitions.has(tp)) continue;
    let byKey = out.get(tp);
    if (!byKey) out.set(tp, (byKey = new Map()));
    const prev = byKey.get(key);
    if (!prev || offset > prev.offset) byKey.set(key, { offset, value: history.sendValueAt(i), tombstone: sendIsTombstone(history, i), ackedAtUs: history.timeAt(i) });
  }
  return out;
}

/**
 * A compacted topic's promise to a reader from the start (Kafka's "log compaction guarantees": "any consumer that
 * stays caught-up ... will see every message"; one that reads from the start sees at least the final state of every
 * key): for every key whose latest acknowledged write is a value (no newer tombstone), the final committed log of
 * its partition (the judged replica below its HW, read_committed: aborted records are not seen) holds that record
 * or a newer one of the key. A key whose latest write sits below the final log start was deleted by retention
 * (`compact,delete`) or DeleteRecords, on purpose. Jepsen's Kafka workload has no compaction, so no Jepsen key.
 */
export const compactedKeyLost: Checker = {
  name: "compactedKeyLost",
  description: "a compacted partition's final log lacks the latest acknowledged value of a key that was not deleted",
  run({ history, logs }) {
    const judged = judgedReplicas(logs);
    const compacted = new Set<string>();
    for (const [tp, j] of judged) if (j.replica.compacted) compacted.add(tp);
    if (compacted.size === 0) return [];
    const out: Finding[] = [];
    for (const [tp, byKey] of latestAcknowledgedWrites(history, compacted)) {
      const { replica } = judged.get(tp)!;
      const newest = new Map<string, number>();
      for (const r of replica.records) {
        if (r.offset >= replica.highWatermark) break;
        if (r.key === null || r.aborted) continue;
        newest.set(r.key, r.offset);
      }
      for (const [key, w] of byKey) {
        if (w.tombstone || w.offset < replica.logStartOffset) continue;
        if (w.offset >= replica.highWatermark && replica.leader) continue; // not committed yet: not owed yet
        const found = newest.get(key);
        if (found !== undefined && found >= w.offset) continue;
        out.push({
          message: `key ${key} of ${tp}: its latest write ${w.value} (offset ${w.offset}, acknowledged at ${at(w.ackedAtUs)}) is not in the final log on ${replica.broker}${found !== undefined ? `, whose newest record of the key is at offset ${found}` : ", which has no record of the key"} (HW ${replica.highWatermark}, log start ${replica.logStartOffset})`,
          atUs: w.ackedAtUs,
          evidence: { partition: tp, key, value: w.value, offset: w.offset, newestOffsetInLog: found ?? null, broker: replica.broker },
        });
      }
    }
    return out;
  },
};

/**
 * A reader of a compacted partition passed a delete without seeing it (the `delete.retention.ms` hazard: "a consumer
 * must complete a read from offset 0 within delete.retention.ms, otherwise delete tombstones may be collected before
 * it completes its scan", Kafka's topic config doc). Each consumer's polls are replayed as the table a changelog
 * reader builds (key → its latest value; a tombstone removes the key); at the end, a key it still holds from offset
 * `o` whose latest acknowledged write is a tombstone at an offset `t`, o < t, below the reader's last offset read
 * means the reader went past `t` and never got the delete: it resurrects a deleted key. Compacted partitions only.
 */
export const missedTombstone: Checker = {
  name: "missedTombstone",
  description: "a reader of a compacted partition went past a key's tombstone without seeing it and still holds the deleted key",
  run({ history, logs }) {
    const compacted = new Set<string>();
    for (const [tp, j] of judgedReplicas(logs)) if (j.replica.compacted) compacted.add(tp);
    if (compacted.size === 0) return [];
    // Every send: its value → its key (poll records carry offset and value only, as Jepsen's do).
    const keyOf = new Map<string, string>();
    for (let i = 0; i < history.length; i++) {
      if (history.fAt(i) !== "send" || history.invokeAt(i) >= 0) continue; // invocations carry key and value
      const tp = `${history.sendTopicAt(i)}`;
      const key = history.sendKeyAt(i);
      if (key !== null) keyOf.set(`${tp}\u0000${history.sendValueAt(i)}`, key);
    }
    const tombstoneValues = new Set<string>();
    for (let i = 0; i < history.length; i++) if (history.fAt(i) === "send" && history.invokeAt(i) < 0 && sendIsTombstone(history, i)) tombstoneValues.add(history.sendValueAt(i));
    // Each reader's table, per partition: key → offset of the value it holds.
    const tables = new Map<string, Map<string, Map<string, { offset: number; value: string; atUs: number }>>>();
    const lastRead = new Map<string, number>();
    // When each reader's furthest offset read moved on (per partition, in history order): a finding is placed where
    // the reader first read past the tombstone it never saw.
    const progress = new Map<string, { offset: number; atUs: number }[]>();
    for (let i = 0; i < history.length; i++) {
      if (history.invokeAt(i) < 0 || history.typeAt(i) !== "ok" || history.fAt(i) !== "poll") continue;
      const polled = history.valueAt(i) as Record<string, unknown>;
      const reader = history.processAt(i);
      for (const [tp, recs] of Object.entries(polled)) {
        if (!compacted.has(tp) || !Array.isArray(recs)) continue;
        const topic = tp.slice(0, tp.lastIndexOf("-"));
        let byTp = tables.get(reader);
        if (!byTp) tables.set(reader, (byTp = new Map()));
        let table = byTp.get(tp);
        if (!table) byTp.set(tp, (table = new Map()));
        for (const [offset, value] of recs as [number, string][]) {
          const key = keyOf.get(`${topic}\u0000${value}`);
          const rk = `${reader}\u0000${tp}`;
          if (offset > (lastRead.get(rk) ?? -1)) {
            lastRead.set(rk, offset);
            let steps = progress.get(rk);
            if (!steps) progress.set(rk, (steps = []));
            steps.push({ offset, atUs: history.timeAt(i) });
          }
          if (key === undefined) continue;
          if (tombstoneValues.has(value)) table.delete(key);
          else table.set(key, { offset, value, atUs: history.timeAt(i) });
        }
      }
    }
    const latestWrites = latestAcknowledgedWrites(history, compacted);
    const out: Finding[] = [];
    for (const [reader, byTp] of tables)
      for (const [tp, table] of byTp) {
        const last = lastRead.get(`${reader}\u0000${tp}`) ?? -1;
        for (const [key, held] of table) {
          // Only a tombstone that is the key's latest write: one superseded by a newer write may go with it, and a
          // reader that has not reached that write yet is not wrong yet.
          const latest = latestWrites.get(tp)?.get(key);
          if (!latest || !latest.tombstone || latest.offset <= held.offset || latest.offset >= last) continue;
          const t = latest.offset;
          const passed = progress.get(`${reader}\u0000${tp}`)?.find((p) => p.offset > t);
          out.push({
            message: `${reader} still holds key ${key} of ${tp} (${held.value} from offset ${held.offset}, read at ${at(held.atUs)}): it read past offset ${t}${passed ? ` at ${at(passed.atUs)}` : ""} (up to ${last}) without seeing the key's tombstone there, cleaned before it got there (delete.retention.ms)`,
            atUs: passed?.atUs ?? held.atUs,
            evidence: { reader, partition: tp, key, heldValue: held.value, heldOffset: held.offset, tombstoneOffset: t, lastOffsetRead: last },
          });
        }
      }
    return out;
  },
};
