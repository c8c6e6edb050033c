import fc from "fast-check";
import type { FaultGeneratorBounds } from "./faultGenerator.js";
import { makeFault, withFaultDefaults } from "./faultGenerator.js";
import { boundOutages, type FaultOp } from "./faults.js";

/**
 * A fast-check arbitrary of fault schedules: the same FaultOp list a scenario's `faults:` loads into, so a failing
 * property shrinks to a short schedule that can be pasted into a scenario file. Only `nodes` is required; the other
 * bounds default as FaultGeneratorBounds says.
 */
export function faultScheduleArbitrary(bounds: FaultGeneratorBounds): fc.Arbitrary<FaultOp[]> {
  const b = withFaultDefaults(bounds);
  const one = fc
    .record({
      kind: fc.constantFrom(...b.kinds),
      node: fc.constantFrom(...b.nodes),
      other: fc.constantFrom(...b.nodes),
      atMs: fc.integer({ min: b.fromMs, max: b.untilMs }),
      forMs: fc.integer({ min: b.durationMs.min, max: b.durationMs.max }),
    })
    .map((f) => makeFault(f.kind, f.node, f.other, f.atMs, f.forMs, b.loseUnflushed));
  return fc.array(one, { minLength: b.count.min, maxLength: b.count.max }).map((ops) => boundOutages(ops, b.maxDown));
}
