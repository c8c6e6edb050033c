import type { FinalReplicaLog, LogRecord } from "./input.js";

/** What a consumer would read of one partition at the end: the leader's log below its high watermark. */
export interface CommittedPartition {
  topic: string;
  partition: number;
  /** The replica judged: the leader, or (partition offline) the replica with the highest HW. */
  broker: string;
  offline: boolean;
  highWatermark: number;
  /** The judged replica's log start: records below it were deleted (retention, DeleteRecords), not lost. */
  logStartOffset: number;
  records: LogRecord[];
  /** value → offsets where it appears below the HW. */
  offsetsOf: Map<string, number[]>;
  /** Every value in the judged replica's log, committed or not (a record above the HW is not lost yet). */
  inLog: Set<string>;
}

/** Several checkers judge the same final logs: the view is built once per logs array. */
const views = new WeakMap<readonly FinalReplicaLog[], ReadonlyMap<string, CommittedPartition>>();

export function committedPartitions(logs: readonly FinalReplicaLog[]): ReadonlyMap<string, CommittedPartition> {
  let view = views.get(logs);
  if (!view) views.set(logs, (view = buildView(logs)));
  return view;
}

function buildView(logs: readonly FinalReplicaLog[]): Map<string, CommittedPartition> {
  const byTp = new Map<string, FinalReplicaLog[]>();
  for (const l of logs) {
    const k = `${l.topic}-${l.partition}`;
    byTp.set(k, [...(byTp.get(k) ?? []), l]);
  }
  const out = new Map<string, CommittedPartition>();
  for (const [k, replicas] of byTp) {
    const leader = replicas.find((r) => r.leader);
    const judged = leader ?? [...replicas].sort((a, b) => b.highWatermark - a.highWatermark)[0];
    const records = judged.records.filter((r) => r.offset < judged.highWatermark);
    const offsetsOf = new Map<string, number[]>();
    for (const r of records) {
      const at = offsetsOf.get(r.value);
      if (at) at.push(r.offset);
      else offsetsOf.set(r.value, [r.offset]);
    }
    const inLog = new Set(judged.records.map((r) => r.value));
    out.set(k, { topic: judged.topic, partition: judged.partition, broker: judged.broker, offline: !leader, highWatermark: judged.highWatermark, logStartOffset: judged.logStartOffset, records, offsetsOf, inLog });
  }
  return out;
}
