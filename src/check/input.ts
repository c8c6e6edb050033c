import type { History } from "../workload/history.js";
import type { ParamSpec } from "./params.js";

/** One record as it sits in a replica's log at the end of a run. */
export interface LogRecord {
  offset: number;
  leaderEpoch: number;
  key: string | null;
  value: string;
  /** A tombstone (a null value: the delete of `key` on a compacted topic); `value` names the send that wrote it. */
  tombstone?: true;
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
  /**
   * The topic is compacted (`cleanup.policy` has `compact`, as `kafka-configs --describe` would say): records
   * superseded by a newer record of their key, and tombstones past delete.retention.ms, may be gone on purpose.
   */
  compacted?: true;
  /** Whether this replica was the partition's leader at the end (a real cluster's metadata would say). */
  leader: boolean;
  records: LogRecord[];
  /** Transactions open at the end (no commit or abort marker yet): producer id and first offset. */
  openTransactions?: { producerId: number; firstOffset: number }[];
  /**
   * The value of the data record at `offset` (undefined for a gap, a marker or below the log start), answered
   * without building `records` (a simulated run's logs give it; a log read from elsewhere may not, and checkers
   * then read `records`).
   */
  valueAt?: (offset: number) => string | undefined;
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
  /** The key Jepsen's Kafka analysis files the same anomaly under (lost-write, G1a, poll-skip, …), where one exists. */
  jepsenKey?: string;
  evidence?: Record<string, unknown>;
}

/**
 * A check over a run (or a real cluster's) history and final logs. `P` is its parsed parameter: scenario files
 * give it after the check's name, and it is parsed and checked when the scenario loads (`param.schema`), so `run`
 * gets it typed.
 */
export interface Checker<P = unknown> {
  name: string;
  /** One line: what it finds. */
  description: string;
  /** Its parameter, if it takes one (e.g. `noUnavailability: 15s`). */
  param?: ParamSpec<P>;
  /** `params` is the parsed parameter, or null/undefined when the scenario gives none. */
  run(input: CheckInput, params: P | null | undefined): Finding[];
  /**
   * What it measured, one line each, shown under its verdict whether it held or not (a `performance:` bound's
   * figures, so a passing check still says how close it came). Most checks have nothing to add.
   */
  measured?(input: CheckInput, params: P | null | undefined): string[];
}

/** Any checker, whatever its parameter (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyChecker = Checker<any>;

/** Renders µs as seconds with ms precision, as shown in verdicts. */
export function at(us: number): string {
  return `${(us / 1e6).toFixed(3)}s`;
}
