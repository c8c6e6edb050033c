import type { TraceEventSpecs } from "../sim/traceEvents.js";

/** The engine demos' trace records (heartbeat failure detector, leases), by type, with their fields. */
export const DEMO_TRACE_EVENTS = {
  "demo.grant": { node: "string", token: "number" },
  "demo.suspect": { node: "string", silentMs: "number" },
  "demo.trust": { node: "string", incarnation: "number" },
  "demo.write-accepted": { node: "string", token: "number", newestToken: "number" },
  "demo.write-fenced": { node: "string", token: "number", newestToken: "number" },
} as const satisfies TraceEventSpecs;
