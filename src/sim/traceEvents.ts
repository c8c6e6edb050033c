/**
 * Trace event registries. Every layer that emits trace records declares its event types once, with the kind of each
 * field, as data: a scenario's event-triggered fault (`on: { event, where }`) is checked against these tables, and
 * a test runs the shipped scenarios and checks that every record they trace is declared (so a table cannot drift
 * from the code without a failing test).
 */

/**
 * How a field is written: its JSON type (`|null` when it may be null), a trailing `?` when it may be absent. Lists
 * and maps are recorded but a trigger's `where:` cannot match them.
 */
export type TraceFieldKind = `${"string" | "number" | "boolean" | "null" | "string|null" | "number|null" | "list" | "map"}${"" | "?"}`;

/** Event type → field → kind. */
export type TraceEventSpecs = Readonly<Record<string, Readonly<Record<string, TraceFieldKind>>>>;

/** Whether a field of this kind may be matched by a trigger's `where:` (scalars only). */
export function matchableKind(kind: TraceFieldKind): boolean {
  const base = kind.replace(/\?$/, "");
  return base !== "list" && base !== "map";
}

/** Whether a value fits a field's kind (`where:` values and the registry's conformance test). */
export function fitsKind(kind: TraceFieldKind, value: unknown): boolean {
  const base = kind.replace(/\?$/, "");
  if (value === undefined) return kind.endsWith("?");
  if (value === null) return base === "null" || base.endsWith("|null");
  if (Array.isArray(value)) return base === "list";
  const t = typeof value;
  if (t === "object") return base === "map";
  return base === t || base === `${t}|null`;
}

/** What the engine itself traces (actor "sim" for faults, or the process concerned). */
export const ENGINE_TRACE_EVENTS = {
  "sim.start": { incarnation: "number" },
  "sim.crash": { loseUnflushed: "boolean" },
  "sim.exit": { status: "number" },
  "sim.replace-disk": { residents: "number" },
  "sim.shutdown": {},
  "sim.stopped": { after: "string", tookMs: "number" },
  "sim.pause": {},
  "sim.resume": { parked: "number" },
  "sim.partition": { groups: "list?", from: "list?", to: "list?", oneWay: "boolean?" },
  "sim.heal": { groups: "list?", from: "list?", to: "list?", oneWay: "boolean?", all: "boolean?" },
  "sim.slow-link": { between: "list", oneWay: "boolean" },
  "sim.restore-link": { between: "list?", oneWay: "boolean?", all: "boolean?" },
  "sim.hold": { from: "string", to: "string", type: "string", count: "number?" },
  "sim.release": { from: "string", to: "string", type: "string" },
  "sim.trigger": { event: "string", actor: "string", nth: "number", fault: "string" },
  "sim.fault-skipped": { fault: "string", role: "string", reason: "string" },
  "sim.event-limit": { maxEvents: "number" },
  "net.deliver": { from: "string", msg: "string", conn: "number?" },
  "net.drop": { to: "string", msg: "string", reason: "string" },
  "net.duplicate": { to: "string", msg: "string" },
  "net.refused": { peer: "string", conn: "number" },
  "net.reset": { peer: "string", conn: "number" },
  "net.closed": { peer: "string", conn: "number" },
  "net.timeout": { peer: "string", conn: "number" },
  "net.stall": { to: "string", conn: "number", msg: "string" },
  "net.hold": { to: "string", conn: "number", msg: "string" },
  "net.retransmit": { to: "string", conn: "number", segments: "number", stalledMs: "number" },
} as const satisfies TraceEventSpecs;
