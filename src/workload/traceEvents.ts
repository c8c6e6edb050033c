import type { TraceEventSpecs } from "../sim/traceEvents.js";

/** What the workloads trace (the applications' own steps around the clients), by type, with their fields. */
export const WORKLOAD_TRACE_EVENTS = {
  "workload.fenced": { transactionalId: "string", error: "string" },
  "workload.rewind": { group: "string", why: "string" },
  "workload.send-offsets-failed": { txn: "string", error: "string" },
} as const satisfies TraceEventSpecs;
