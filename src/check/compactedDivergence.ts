import type { FinalReplicaLog, LogRecord } from "./input.js";

/** One replica's side of a key's disagreement: the record it holds last for the key (undefined: none below its HW). */
export interface KeyStateSide {
  broker: string;
  record: LogRecord | undefined;
}

/** A key whose latest state below the common HW differs between two replicas of a compacted partition. */
export interface CompactedKeyDivergence {
  key: string;
  /** The replica holding a live value the other does not agree with. */
  live: { broker: string; record: LogRecord };
  /** The other replica: its latest record of the key (a tombstone, another value) or none. */
  other: KeyStateSide;
}

/**
 * Keys whose state differs between replicas `a` and `b` of one compacted partition, by the offset of the stale
 * live value (deterministic, no hash order). Kafka's replicas are meant to hold the same committed prefix; each broker's
 * cleaner (`LogCleaner`, per replica, unsynchronised) may then remove, on its own schedule, a value a newer record of
 * its key supersedes and a tombstone past its delete horizon (delete.retention.ms, KIP-534). So offsets alone cannot
 * be compared, but each key's latest state can: the record of the key with the highest offset in a replica's log,
 * read as "deleted" when it is a tombstone or when there is none. Two replicas disagree on a key when both latest
 * records lie below `common` (the lower HW: committed on both) and one is a live value while the other says deleted
 * or holds a value at another offset. Not judged: a key whose latest record on either side is at or past `common`
 * (still in flight: the replica behind may be about to get it), a value below the log start of a replica that has
 * no record of the key (retention of `compact,delete`, or DeleteRecords, removed it there), a key whose latest record on either side is in
 * a transaction still open there (no marker of it in that replica's log yet: the other may already have it),
 * aborted transactions' records (the cleaner drops them, each replica on its own schedule), and keyless records. What this finds is the lasting kind: a replica that missed a
 * tombstone (it was away while the tombstone lived, and the leader had cleaned it past its delete horizon before the
 * replica fetched that range) keeps the deleted key's value for good, since nothing in Kafka's replication
 * compares logs below the HW.
 */
export function compactedKeyDivergences(a: FinalReplicaLog, b: FinalReplicaLog, common: number): CompactedKeyDivergence[] {
  const la = latestByKey(a.records);
  const lb = latestByKey(b.records);
  const out: CompactedKeyDivergence[] = [];
  const seen = new Set<string>();
  for (const key of [...la.keys(), ...lb.keys()]) {
    if (seen.has(key)) continue;
    seen.add(key);
    const ra = la.get(key);
    const rb = lb.get(key);
    if ((ra && ra.offset >= common) || (rb && rb.offset >= common)) continue;
    // A transaction whose marker one replica has not got yet (it lies at or past the common HW): still in flight.
    if (ra?.aborted === "open" || rb?.aborted === "open") continue;
    const liveA = ra && !ra.tombstone ? ra : undefined;
    const liveB = rb && !rb.tombstone ? rb : undefined;
    if (!liveA && !liveB) continue; // deleted on both (a tombstone, or nothing left of the key)
    if (liveA && liveB && liveA.offset === liveB.offset) continue; // the same record (a value clash is an offset divergence)
    // The older live value is the one the other replica moved past (a newer value, a tombstone, or nothing left).
    const [live, liveBroker, other, otherLog] = !liveB || (liveA && liveA.offset < liveB.offset) ? [liveA!, a.broker, { broker: b.broker, record: rb }, b] : [liveB, b.broker, { broker: a.broker, record: ra }, a];
    // Retention removed the value there, on purpose — but only excuses it when the other replica has no record of the
    // key: a newer value or tombstone there is one the live replica lacks, wherever the other's log now starts.
    if (other.record === undefined && live.offset < otherLog.logStartOffset) continue;
    out.push({ key, live: { broker: liveBroker, record: live }, other });
  }
  // The earliest stale value first (log order); the sort is stable, so ties keep their order above.
  return out.sort((x, y) => x.live.record.offset - y.live.record.offset);
}

/** Each key's record at the highest offset (aborted transactions' records and keyless ones left out; open ones kept). */
function latestByKey(records: readonly LogRecord[]): Map<string, LogRecord> {
  const out = new Map<string, LogRecord>();
  for (const r of records) if (r.key !== null && r.aborted !== true) out.set(r.key, r);
  return out;
}
