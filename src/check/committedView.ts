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
  // Stryker disable next-line ConditionalExpression: a cache per logs array; rebuilding gives an equal view
  if (!view) views.set(logs, (view = buildView(logs)));
  return view;
}

/** The replica a partition is judged by at the end: its leader, or (offline) the first replica with the highest HW. */
export interface JudgedReplica {
  replica: FinalReplicaLog;
  offline: boolean;
}

const judgedViews = new WeakMap<readonly FinalReplicaLog[], ReadonlyMap<string, JudgedReplica>>();

/** Each partition's judged replica (`topic-partition` → replica), without reading any records; built once per logs array. */
export function judgedReplicas(logs: readonly FinalReplicaLog[]): ReadonlyMap<string, JudgedReplica> {
  let view = judgedViews.get(logs);
  // Stryker disable next-line ConditionalExpression: a cache per logs array; rebuilding gives an equal view
  if (view) return view;
  const out = new Map<string, JudgedReplica>();
  for (const l of logs) {
    const k = `${l.topic}-${l.partition}`;
    const j = out.get(k);
    if (!j) out.set(k, { replica: l, offline: !l.leader });
    else if (j.offline && (l.leader || l.highWatermark > j.replica.highWatermark)) out.set(k, { replica: l, offline: !l.leader });
  }
  judgedViews.set(logs, (view = out));
  return view;
}

function buildView(logs: readonly FinalReplicaLog[]): Map<string, CommittedPartition> {
  const out = new Map<string, CommittedPartition>();
  for (const [k, { replica: judged, offline }] of judgedReplicas(logs)) {
    const records = judged.records.filter((r) => r.offset < judged.highWatermark);
    const offsetsOf = new Map<string, number[]>();
    for (const r of records) {
      const at = offsetsOf.get(r.value);
      if (at) at.push(r.offset);
      else offsetsOf.set(r.value, [r.offset]);
    }
    const inLog = new Set(judged.records.map((r) => r.value));
    out.set(k, { topic: judged.topic, partition: judged.partition, broker: judged.broker, offline, highWatermark: judged.highWatermark, logStartOffset: judged.logStartOffset, records, offsetsOf, inLog });
  }
  return out;
}
