import type { KafkaAnalysis } from "./analysis.js";
import type { CycleStep } from "./cases.js";
import type { AnalysisContext } from "./context.js";

type AnyCase = Record<string, unknown>;

/**
 * One line per anomaly, in a Kafka engineer's words, naming the ops (history index, process, outcome), the key
 * (a topic-partition) and the offsets involved. Used by `kafkasim check` and by the scenario expectations.
 */
export function describeCase(ctx: AnalysisContext, kind: string, c: AnyCase): string {
  const { h } = ctx;
  const k = typeof c.key === "number" ? c.key : -1;
  const key = k >= 0 ? `key ${String(h.keys.shown[k])}` : "";
  const val = (v: unknown) => (k >= 0 && typeof v === "number" ? fmt(h.keys.values[k][v]) : fmt(v));
  const off = (v: unknown) => {
    if (k < 0 || typeof v !== "number") return "?";
    const order = ctx.vo.orders[k];
    const d = order.firstIndex[v];
    return d >= 0 ? String(order.offsets[d]) : "?";
  };
  const at = (v: unknown) => `${val(v)} (offset ${off(v)})`;
  const op = (i: unknown) => (typeof i === "number" && i >= 0 ? opLabel(ctx, i) : "no op");
  const pair = (vs: unknown) => (vs as number[]).map(at).join(" then ");
  const some = (vs: unknown) => {
    const list = vs as number[];
    return list.length <= 4 ? list.map(at).join(", ") : `${list.slice(0, 3).map(at).join(", ")}, …, ${at(list[list.length - 1])}`;
  };
  switch (kind) {
    case "duplicate":
      return `${key}: value ${val(c.value)} appears at ${c.count} offsets: ${(c.offsets as number[]).join(", ")}`;
    case "inconsistent-offsets":
      return `${key} offset ${c.offset}: different values ${(c.values as number[]).map(val).join(", ")}`;
    case "G1a":
      return `${key}: ${op(c.reader)} read ${at(c.value)}, written by ${op(c.writer)}, whose write failed (aborted read)`;
    case "precommitted-read":
      return `${key}: ${op(c.op)} read ${at(c.value)}, its own write, before it committed`;
    case "lost-write":
      return `${key}: ${at(c.value)} written by ${op(c.writer)} was never read, though ${op(c["max-read"])} read past it (to index ${c["max-read-index"]})`;
    case "poll-skip":
      return `${key}: ${op((c.ops as number[])[1])} skipped ${(c.skipped as number[]).length} value(s) (${some(c.skipped)}) after ${op((c.ops as number[])[0])}`;
    case "nonmonotonic-poll":
      return `${key}: ${op((c.ops as number[])[1])} went back to ${at((c.values as number[])[1])} after ${op((c.ops as number[])[0])} read up to ${at((c.values as number[])[0])}`;
    case "nonmonotonic-send":
      return `${key}: ${op((c.ops as number[])[1])} sent ${at((c.values as number[])[1])}, before ${at((c.values as number[])[0])} sent earlier by ${op((c.ops as number[])[0])}`;
    case "int-poll-skip":
    case "int-send-skip":
      return `${key}: within ${op(c.op)}, ${pair(c.values)} skip ${(c.skipped as number[]).length} value(s) (${some(c.skipped)})`;
    case "int-nonmonotonic-poll":
    case "int-nonmonotonic-send":
      return `${key}: within ${op(c.op)}, ${pair(c.values)} go backwards (delta ${c.delta})`;
    case "unseen":
      return `${key}: ${c.count} acknowledged value(s) never polled: ${some(c.messages)}`;
    case "empty-transaction-graph":
      return "no op depends on another: nothing sent was polled and no op followed another in time";
    case "cycle-search-timeout":
      return `the search for ${c["anomaly-spec-type"]} in a component of ${c["scc-size"]} ops ran out of its step budget`;
    default:
      if (Array.isArray(c.steps)) return `${(c.cycle as number[]).map((i) => `op ${h.opIndex[i]}`).join(" → ")}: ${(c.steps as CycleStep[]).map((s, j) => describeStep(ctx, s, (c.cycle as number[])[j], (c.cycle as number[])[j + 1])).join("; ")}`;
      if (typeof c.not === "string") return `${c["scc-size"]} ops (${(c.scc as number[]).slice(0, 8).join(", ")}${(c.scc as number[]).length > 8 ? ", …" : ""}) form a cycle that rules out ${c.not}`;
      return JSON.stringify(c);
  }
}

function describeStep(ctx: AnalysisContext, s: CycleStep, a: number, b: number): string {
  const { h } = ctx;
  const A = `op ${h.opIndex[a]}`;
  const B = `op ${h.opIndex[b]}`;
  if (s.type === "realtime") return `${A} completed before ${B} was invoked`;
  const v = (x: number) => fmt(h.keys.values[s.key][x]);
  if (s.type === "ww") return `${A} sent ${v(s.value)} to key ${String(h.keys.shown[s.key])} before ${B} sent ${v(s["value'"])}`;
  return `${B} polled ${v(s.value)} from key ${String(h.keys.shown[s.key])}, sent by ${A}`;
}

export function opLabel(ctx: AnalysisContext, i: number): string {
  const op = ctx.h.opRef(i)!;
  const who = op.client !== undefined ? `${op.client}${op.incarnation !== undefined && op.incarnation > 1 ? ` #${op.incarnation}` : ""}, process ${op.process}` : `process ${op.process}`;
  return `op ${op.index} (${who}, ${op.type})`;
}

function fmt(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Every anomaly of an analysis as lines, at most `perKind` per kind. */
export function describeAnalysis(a: KafkaAnalysis, perKind = 10): { kind: string; allowed: boolean; count: number; lines: string[] }[] {
  return a.anomalyTypes.map((kind) => {
    const cases = (a.anomalies[kind] ?? []) as AnyCase[];
    const lines = cases.slice(0, perKind).map((c) => (c === (true as unknown) ? describeCase(a.ctx, kind, {}) : describeCase(a.ctx, kind, c)));
    if (cases.length > perKind) lines.push(`… and ${cases.length - perKind} more`);
    return { kind, allowed: a.allowed.includes(kind), count: cases.length, lines };
  });
}
