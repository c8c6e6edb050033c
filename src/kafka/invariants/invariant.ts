import type { TraceRecord } from "../../sim/index.js";

/**
 * Invariants over the model's own state changes, checked after every event that changes them (the pattern of
 * Kafka's `RaftEventSimulationTest`). They read trace records, not actor internals. Failures read "old -> new".
 */
export interface Invariant {
  name: string;
  /** The trace record types it reads (so no record is built for the others). */
  types: string[];
  observe(record: TraceRecord, violations: string[]): void;
}
