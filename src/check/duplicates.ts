import type { Checker, Finding } from "./input.js";
import type { DuplicateCase } from "./jepsen/cases.js";
import { runAnalysis } from "./kafkasim/runAnalysis.js";
import { CaseReader } from "./kafkasim/viewSupport.js";

/**
 * One produced value at more than one offset of its partition (Jepsen's `duplicate`): among the offsets producers
 * were acknowledged with, the offsets consumers polled, and the final committed log. A view of the run's Jepsen
 * analysis.
 */
export const duplicates: Checker = {
  name: "duplicates",
  description: "one produced value appears at more than one offset",
  run(input) {
    const ra = runAnalysis(input);
    const r = new CaseReader(ra);
    const out: Finding[] = [];
    for (const c of (ra.analysis.anomalies.duplicate ?? []) as DuplicateCase[]) {
      const tp = r.tp(c.key);
      const value = r.value(c.key, c.value);
      out.push({ message: `${value} appears ${c.count} times in ${tp}, at offsets ${c.offsets.join(", ")}`, jepsenKey: "duplicate", evidence: { partition: tp, value, offsets: c.offsets } });
    }
    return out;
  },
};
