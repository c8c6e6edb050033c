/**
 * The anomaly cases the analysis returns, one type per Jepsen error key, with Jepsen's own field names
 * (kafka.clj `analysis`). Internally ops are positions in the indexed history, keys are key ids and values are
 * value ids local to their key; `render.ts` turns them into the ops, keys and values of the file.
 */
export interface DuplicateCase { key: number; value: number; count: number; offsets: number[] }
export interface InconsistentOffsetsCase { key: number; offset: number; index: number; values: number[] }
export interface G1aCase { key: number; value: number; writer: number; reader: number }
export interface PrecommittedReadCase { op: number; key: number; value: number }
export interface LostWriteCase { key: number; value: number; index: number; "max-read-index": number; writer: number; "max-read": number }
export interface PollSkipCase { key: number; delta: number; skipped: number[]; ops: [number, number] }
export interface NonmonotonicPollCase { key: number; values: [number, number]; delta: number; ops: [number, number] }
export interface NonmonotonicSendCase { key: number; values: [number, number]; delta: number; ops: [number, number] }
export interface IntSkipCase { key: number; values: [number, number]; delta: number; skipped: number[]; op: number }
export interface IntNonmonotonicCase { key: number; values: [number, number]; delta: number; op: number }
/** kafka.clj `unseen`, final state, one case per key: acknowledged values no ok poll ever returned. */
export interface UnseenCase { key: number; count: number; messages: number[]; time: number }

/** A step of a cycle, as Elle's explainers describe a dependency (elle.core `explain-cycle`). */
export type CycleStep =
  | { type: "ww"; key: number; value: number; "value'": number; "a-mop-index": number; "b-mop-index": number }
  | { type: "wr"; key: number; value: number; "a-mop-index": number; "b-mop-index": number }
  | { type: "realtime"; "a'": number; b: number };

/** A dependency cycle (G0, G1c, G0-realtime, G1c-realtime): ops in order, the first repeated at the end. */
export interface CycleCase { type: string; cycle: number[]; steps: CycleStep[] }

/** Elle's `cycle-exists-cases`: some cycle violating `not` exists in this strongly connected component. */
export interface CycleExistsCase { type: string; not: string; subgraph: unknown[]; "scc-size": number; scc: number[] }

/** Elle's `:cycle-search-timeout`: the search for one kind of cycle ran out of its step budget. */
export interface CycleSearchTimeoutCase { type: "cycle-search-timeout"; "anomaly-spec-type": string; "does-not-contain": string[]; "scc-size": number }

export interface Anomalies {
  duplicate?: DuplicateCase[];
  "inconsistent-offsets"?: InconsistentOffsetsCase[];
  G1a?: G1aCase[];
  "precommitted-read"?: PrecommittedReadCase[];
  "lost-write"?: LostWriteCase[];
  "poll-skip"?: PollSkipCase[];
  "nonmonotonic-poll"?: NonmonotonicPollCase[];
  "int-poll-skip"?: IntSkipCase[];
  "int-nonmonotonic-poll"?: IntNonmonotonicCase[];
  "nonmonotonic-send"?: NonmonotonicSendCase[];
  "int-send-skip"?: IntSkipCase[];
  "int-nonmonotonic-send"?: IntNonmonotonicCase[];
  unseen?: UnseenCase[];
  "empty-transaction-graph"?: true[];
  /** Cycle anomalies (G0, G1c, G0-realtime, ...), cycle-exists cases and search timeouts, by Elle's type. */
  [cycleType: string]: unknown[] | undefined;
}
