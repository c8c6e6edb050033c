import { analyzeKafkaHistory, type AnalysisOptions } from "../../src/check/jepsen/analysis.js";
import type { JepsenOp, JepsenType } from "../../src/check/jepsen/ops.js";
import { renderAnalysis } from "../../src/check/jepsen/render.js";

/**
 * kafka_test.clj's `o`: an op with its index and time set to `index`. Keywords are strings here (:x is "x",
 * :a is "a"); Jepsen's integers stay numbers.
 */
export function o(index: number, process: number | string, type: JepsenType, f: string, value: unknown): JepsenOp {
  return { index, time: index, process, type, f, value };
}

/** kafka_test.clj builds histories with `h/history`, which numbers ops by position: so do we. */
export function history(ops: JepsenOp[]): JepsenOp[] {
  return ops.map((op, i) => ({ ...op, index: i }));
}

/** Runs the analysis and returns its anomalies with every op reference replaced by its index (`deindex`-like). */
export function errors(ops: JepsenOp[], options: AnalysisOptions = {}): Record<string, unknown[]> {
  const rendered = renderAnalysis(analyzeKafkaHistory(history(ops), options), ops.length);
  return simplify(rendered.anomalies) as Record<string, unknown[]>;
}

export function verdict(ops: JepsenOp[], options: AnalysisOptions = {}): { valid: boolean; anomalyTypes: string[]; allowed: string[] } {
  const a = analyzeKafkaHistory(history(ops), options);
  return { valid: a.valid, anomalyTypes: a.anomalyTypes, allowed: a.allowed };
}

function simplify(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(simplify);
  if (x !== null && typeof x === "object") {
    const r = x as Record<string, unknown>;
    if ("index" in r && "process" in r && "f" in r && "type" in r) return r.index;
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, simplify(v)]));
  }
  return x;
}
