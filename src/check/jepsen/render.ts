import type { KafkaAnalysis } from "./analysis.js";
import type { IndexedHistory, OpRef } from "./indexedHistory.js";
import { worstRealtimeLagSecs } from "./realtimeLag.js";

export type { OpRef };

/** One anomaly as printed: Jepsen's field names, with the file's keys, values and ops. */
export type RenderedCase = Record<string, unknown>;

const OP_FIELDS = new Set(["op", "reader", "writer", "max-read", "a'", "b"]);
const OPS_FIELDS = new Set(["ops", "cycle"]);
const VALUE_FIELDS = new Set(["value", "value'"]);
const VALUES_FIELDS = new Set(["values", "skipped", "messages"]);

export function opRef(h: IndexedHistory, i: number): OpRef | null {
  return h.opRef(i);
}

/** Renders one internal case (ids) into the file's terms. */
export function renderCase(h: IndexedHistory, c: unknown): RenderedCase | unknown {
  if (c === null || typeof c !== "object") return c;
  const src = c as Record<string, unknown>;
  const k = typeof src.key === "number" ? src.key : -1;
  const valueOf = (v: number) => (k >= 0 ? h.keys.values[k][v] : v);
  const out: RenderedCase = {};
  for (const [field, x] of Object.entries(src)) {
    if (field === "key" && k >= 0) out.key = h.keys.shown[k];
    else if (OP_FIELDS.has(field) && typeof x === "number") out[field] = opRef(h, x);
    else if (OPS_FIELDS.has(field) && Array.isArray(x)) out[field] = x.map((i: number) => opRef(h, i));
    else if (VALUE_FIELDS.has(field) && typeof x === "number") out[field] = valueOf(x);
    else if (VALUES_FIELDS.has(field) && Array.isArray(x)) out[field] = sortedIf(field === "values" && "offset" in src, x.map(valueOf));
    else if (field === "steps" && Array.isArray(x)) out.steps = x.map((s) => renderCase(h, s));
    else out[field] = x;
  }
  return out;
}

/** Jepsen sorts the values of an offset conflict (a sorted set). */
function sortedIf(sort: boolean, xs: unknown[]): unknown[] {
  if (!sort) return xs;
  return [...xs].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

/**
 * The `kafkasim check --json` object: `{valid, anomalies: {<jepsen key>: [...]}, anomalyTypes, allowed, ops,
 * worstRealtimeLag}`, anomaly keys sorted as Jepsen's checker sorts them; `worstRealtimeLag` is Jepsen's
 * `:worst-realtime-lag` (`{time, process, key, lag}`, time and lag in seconds; `{time: 0, lag: 0}` without a
 * measured poll).
 */
export function renderAnalysis(
  a: KafkaAnalysis,
  ops: number,
): { valid: boolean; anomalies: Record<string, unknown[]>; anomalyTypes: string[]; allowed: string[]; ops: number; worstRealtimeLag: ReturnType<typeof worstRealtimeLagSecs> } {
  const anomalies: Record<string, unknown[]> = {};
  for (const t of a.anomalyTypes) anomalies[t] = (a.anomalies[t] ?? []).map((c) => renderCase(a.ctx.h, c));
  return { valid: a.valid, anomalies, anomalyTypes: a.anomalyTypes, allowed: a.allowed, ops, worstRealtimeLag: worstRealtimeLagSecs(a.ctx.h) };
}
