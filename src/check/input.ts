import type { History } from "../workload/history.js";

/** One record as it sits in a replica's log at the end of a run. */
export interface LogRecord {
  offset: number;
  leaderEpoch: number;
  key: string | null;
  value: string;
  /** In a transaction that was aborted (true) or has no marker yet ("open"): invisible to read_committed readers. */
  aborted?: true | "open";
}

/** A replica's final log, as a real cluster's `kafka-dump-log` would show it. */
export interface FinalReplicaLog {
  broker: string;
  topic: string;
  partition: number;
  highWatermark: number;
  logEndOffset: number;
  logStartOffset: number;
  /** Whether this replica was the partition's leader at the end (a real cluster's metadata would say). */
  leader: boolean;
  records: LogRecord[];
  /** Transactions open at the end (no commit or abort marker yet): producer id and first offset. */
  openTransactions?: { producerId: number; firstOffset: number }[];
}

/** A group's committed offset for one partition at the end, as OffsetFetch would answer. */
export interface GroupOffset {
  group: string;
  topic: string;
  partition: number;
  /** Committed: replayed from the group's `__consumer_offsets` partition below its HW. */
  offset: number | null;
  /** Replayed over the leader's whole log: differs while a commit (or its marker) is not yet replicated. */
  atLogEnd: number | null;
}

/** What every checker may read: the history and the final logs. Nothing from live actors. */
export interface CheckInput {
  history: History;
  logs: FinalReplicaLog[];
  /** Committed consumer-group offsets at the end (what kafka-consumer-groups --describe would show). */
  groupOffsets?: GroupOffset[];
}

/** One anomaly, with the evidence a user needs to find it in the trace. */
export interface Finding {
  message: string;
  /** Simulated µs of the most relevant moment, if any. */
  atUs?: number;
  evidence?: Record<string, unknown>;
}

export interface Checker {
  name: string;
  /** One line: what it finds. */
  description: string;
  /** What its parameter is, if it takes one (e.g. `noUnavailability: 15s`); checked when a scenario loads. */
  param?: { kind: "duration" | "name"; example: string; required?: boolean };
  run(input: CheckInput, params: unknown): Finding[];
}

/** Renders µs as seconds with ms precision, as shown in verdicts. */
export function at(us: number): string {
  return `${(us / 1e6).toFixed(3)}s`;
}
