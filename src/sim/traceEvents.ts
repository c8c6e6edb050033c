/**
 * Trace event registries. Every layer that emits trace records declares its event types once, with the kind of each
 * field, as data: that table is what a scenario's event-triggered fault (`on: { event, where }`) is checked against,
 * and the compiler derives from it the type every `ctx.trace(type, data)` call must match (see `TraceEvents`), so
 * the table and the code cannot drift apart.
 */

/**
 * How a field is written: its JSON type, `|null` when it may be null, a trailing `?` when it may be absent.
 * Lists and maps are recorded but cannot be matched by a trigger's `where:`.
 */
export type TraceFieldKind =
  | "string"
  | "number"
  | "boolean"
  | "string|null"
  | "number|null"
  | "string[]"
  | "map"
  | "string?"
  | "number?"
  | "boolean?"
  | "string|null?"
  | "number|null?"
  | "string[]?"
  | "map?";

/** Event type → field → kind. */
export type TraceEventSpecs = Readonly<Record<string, Readonly<Record<string, TraceFieldKind>>>>;

type Base<K> = K extends `${infer B}?` ? B : K;
type FieldType<K> =
  Base<K> extends "string"
    ? string
    : Base<K> extends "number"
      ? number
      : Base<K> extends "boolean"
        ? boolean
        : Base<K> extends "string|null"
          ? string | null
          : Base<K> extends "number|null"
            ? number | null
            : Base<K> extends "string[]"
              ? readonly string[]
              : Readonly<Record<string, unknown>>;
type RequiredFields<S> = { [F in keyof S as S[F] extends `${string}?` ? never : F]: FieldType<S[F]> };
type OptionalFields<S> = { [F in keyof S as S[F] extends `${string}?` ? F : never]?: FieldType<S[F]> };
type Flatten<T> = { [K in keyof T]: T[K] };

/** The data of one event type, typed from its spec. */
export type TraceData<S> = Flatten<RequiredFields<S> & OptionalFields<S>>;

/** The typed event map of a registry. */
export type TraceEventMap<R extends TraceEventSpecs> = { [E in keyof R]: TraceData<R[E]> };

/**
 * Every event an actor may trace (`ActorContext.trace`), by type. The engine knows none: each layer adds its
 * registry's map here by declaration merging (`declare module ".../sim/traceEvents.js" { interface TraceEvents
 * extends TraceEventMap<typeof ITS_EVENTS> {} }`), so a call with an unregistered type or a wrong field does not
 * compile.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface TraceEvents {}

/** What the engine itself traces (actor "sim" for faults, or the process concerned). */
export const ENGINE_TRACE_EVENTS = {
  "sim.start": { incarnation: "number" },
  "sim.crash": { loseUnflushed: "boolean" },
  "sim.shutdown": {},
  "sim.stopped": { after: "string", tookMs: "number" },
  "sim.pause": {},
  "sim.resume": { parked: "number" },
  "sim.partition": { groups: "string[]?", from: "string[]?", to: "string[]?", oneWay: "boolean?" },
  "sim.heal": { groups: "string[]?", from: "string[]?", to: "string[]?", oneWay: "boolean?", all: "boolean?" },
  "sim.slow-link": { between: "string[]", oneWay: "boolean" },
  "sim.restore-link": { between: "string[]", oneWay: "boolean" },
  "sim.hold": { from: "string", to: "string", type: "string" },
  "sim.release": { from: "string", to: "string", type: "string" },
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

/** The engine's own events, typed. */
export type EngineTraceEvents = TraceEventMap<typeof ENGINE_TRACE_EVENTS>;
