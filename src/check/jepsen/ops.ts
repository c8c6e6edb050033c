/**
 * Jepsen's Kafka workload history shape (jepsen `jepsen/src/jepsen/tests/kafka.clj`, namespace docstring;
 * kafka-facts §7.2). An operation:
 *
 *   { index, time, process, type: "invoke" | "ok" | "fail" | "info", f, value, ...extras }
 *
 * with `f` one of `send`, `poll`, `txn` (a vector of micro-ops), `assign`, `subscribe` (a vector of keys) or
 * `crash`. Micro-ops: `["send", k, v]` completing as `["send", k, [offset, v]]` (offset null when unknown), and
 * `["poll"]` completing as `["poll", {k: [[offset, v], ...]}]`. A key stands for one topic-partition. `time` is in
 * nanoseconds (Jepsen's unit); extra fields (`error`, `rebalance-log`, kafkasim's `client`) are kept and ignored by
 * the analysis unless named here.
 */
export type JepsenType = "invoke" | "ok" | "fail" | "info";

export interface JepsenOp {
  /** Position in the history (Jepsen's `:index`). */
  index: number;
  /** Nanoseconds since the test began (Jepsen's `:time`). */
  time?: number;
  /** The logical single-threaded client (Jepsen's `:process`); `nemesis` ops are not client ops. */
  process: number | string;
  type: JepsenType;
  f: string;
  value: unknown;
  error?: unknown;
  /** Rebalances seen during this op (kafka.clj: "a vector of rebalancing events ... like {:keys [k1 k2 ...]}"). */
  "rebalance-log"?: { keys: unknown[] }[];
  [extra: string]: unknown;
}

/** A send micro-op: `["send", k, v]` or `["send", k, [offset, v]]`. */
export type SendMop = ["send", unknown, unknown];
/** A poll micro-op: `["poll"]` or `["poll", {k: [[offset, v], ...]}]`. */
export type PollMop = ["poll"] | ["poll", Record<string, [number | null, unknown][]> | Map<unknown, [number | null, unknown][]>];

/** A history that cannot be read: the op (by its position in the file) and what is wrong with it. */
export class HistoryFormatError extends Error {
  constructor(
    readonly opIndex: number,
    readonly problem: string,
  ) {
    super(`op ${opIndex}: ${problem}`);
  }
}

const TYPES = new Set(["invoke", "ok", "fail", "info"]);

/**
 * Checks that a plain JS value (from JSON, JSON lines or EDN) is an op in Jepsen's shape and returns it typed.
 * Throws HistoryFormatError naming the position. The micro-ops are checked when the history is indexed.
 */
export function asJepsenOp(raw: unknown, position: number): JepsenOp {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new HistoryFormatError(position, `must be a map of op fields (got ${describe(raw)})`);
  const o = raw as Record<string, unknown>;
  if (typeof o.type !== "string" || !TYPES.has(o.type)) throw new HistoryFormatError(position, `type must be one of invoke, ok, fail, info (got ${describe(o.type)})`);
  if (typeof o.f !== "string" || o.f === "") throw new HistoryFormatError(position, `f must be a name such as send, poll, txn, assign, subscribe (got ${describe(o.f)})`);
  if (typeof o.process !== "number" && typeof o.process !== "string") throw new HistoryFormatError(position, `process must be a number or a name (got ${describe(o.process)})`);
  // ##NaN and ##Inf are EDN numbers but no time: a NaN time compared false with every other and hid the polls from the
  // realtime lag ("no poll to measure").
  if (o.time !== undefined && o.time !== null && (typeof o.time !== "number" || !Number.isFinite(o.time))) throw new HistoryFormatError(position, `time must be a number of nanoseconds (got ${describe(o.time)})`);
  // Jepsen's indices are positions: whole numbers from 0 (jepsen.history's Op :index is a long, and a history's ops are
  // in index order; checked by parseHistoryText).
  if (o.index !== undefined && o.index !== null && (typeof o.index !== "number" || !Number.isInteger(o.index) || o.index < 0)) throw new HistoryFormatError(position, `index must be a whole number ≥ 0, the op's position (got ${describe(o.index)})`);
  const op = o as JepsenOp;
  if (op.index === undefined || op.index === null) op.index = position;
  return op;
}

export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  // JSON would print Infinity (a JSON number too large, 1e400) and NaN as null: say what they are.
  if (typeof v === "number" && !Number.isFinite(v)) return `${v}: not a finite number`;
  const s = JSON.stringify(v, (_k, x) =>
    x instanceof Map ? Object.fromEntries(x) : typeof x === "bigint" ? (Number.isSafeInteger(Number(x)) ? Number(x) : `\u0000${x}`) : typeof x === "number" && !Number.isFinite(x) ? `\u0000${x}` : x,
  )?.replace(/"\\u0000([^"]*)"/g, "$1");
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
