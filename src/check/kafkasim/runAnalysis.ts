import type { CheckInput } from "../input.js";
import { analyzeKafkaHistory, type KafkaAnalysis } from "../jepsen/analysis.js";
import { indexRunHistory } from "./toJepsen.js";

export interface RunAnalysis {
  analysis: KafkaAnalysis;
  /** Jepsen cases by `${key}\u0000${value}` for the value-level kinds (lost-write, unseen, G1a, duplicate). */
  valueCases(kind: string): Map<string, Record<string, unknown>[]>;
}

const cache = new WeakMap<CheckInput, RunAnalysis>();

/**
 * The one Jepsen analysis of a run that every kafkasim expectation is a view of: the history converted to Jepsen's
 * shape (final logs read as Jepsen's final polls), analysed with kafkasim's pipelined clients as the processes of
 * the per-client checks, and a rebalance starting a consumer afresh on the partitions it moved. Built once per
 * run (checkers share it), without the cycle search, which no expectation reads.
 */
export function runAnalysis(input: CheckInput): RunAnalysis {
  let r = cache.get(input);
  if (r) return r;
  // No expectation reads a cycle anomaly, so the run's checks skip the cycle search (kafkasim check runs it).
  const analysis = analyzeKafkaHistory(indexRunHistory(input.history.ops, input.logs), { rebalanceResets: true, cycles: false, hashOrder: false });
  const byKind = new Map<string, Map<string, Record<string, unknown>[]>>();
  r = {
    analysis,
    valueCases(kind) {
      let m = byKind.get(kind);
      if (m) return m;
      m = new Map();
      const { h } = analysis.ctx;
      for (const c of (analysis.anomalies[kind] ?? []) as Record<string, unknown>[]) {
        const k = c.key as number;
        const values = kind === "unseen" ? (c.messages as number[]) : [c.value as number];
        for (const v of values) {
          const id = `${h.keys.names[k]}\u0000${String(h.keys.values[k][v])}`;
          const list = m.get(id);
          if (list) list.push(c);
          else m.set(id, [c]);
        }
      }
      byKind.set(kind, m);
      return m;
    },
  };
  cache.set(input, r);
  return r;
}
