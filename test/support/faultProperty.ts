import fc from "fast-check";
import { expect } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import type { ResolvedScenario } from "../../src/scenario/resolved.js";
import { faultScheduleArbitrary, heal } from "./faultArbitraries.js";

/**
 * Property: under 1–5 random pauses, crashes, isolations and partitions of `nodes` between 5s and 35s (healed at
 * 40s+), the scenario's expectations and the model's invariants hold. Shrinks to the smallest failing schedule.
 */
export function assertHoldsUnderFaults(scenario: ResolvedScenario, nodes: string[], opts: { numRuns: number; healAtMs: number; maxFaults?: number }): void {
  const faults = faultScheduleArbitrary({
    nodes,
    kinds: ["pause", "crash", "isolate", "partition"],
    count: { min: 1, max: opts.maxFaults ?? 5 },
    fromMs: 5000,
    untilMs: 35000,
    durationMs: { min: 500, max: 12000 },
    maxDown: 2,
    loseUnflushed: false,
  });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), faults, (seed, schedule) => {
      const r = runScenario(scenario, { seed, faults: [...schedule, heal(opts.healAtMs)] });
      expect({ status: r.status, failed: r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details[0]}`), invariants: r.invariantViolations.slice(0, 2) }).toEqual({ status: "ok", failed: [], invariants: [] });
    }),
    { numRuns: opts.numRuns },
  );
}
