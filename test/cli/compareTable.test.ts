import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { type CompareSummary, formatCompare, type VariantSummary } from "../../src/cli/compareSummary.js";
import { RARE_MOMENT_NAMES } from "../../src/runner/rareMoments.js";

const c = new Chalk({ level: 0 });
const coverage = (reached: number) => Object.fromEntries(RARE_MOMENT_NAMES.map((n, i) => [n, { seeds: i === 0 ? reached : 0, times: i === 0 ? reached : 0 }])) as VariantSummary["coverage"];
const variant = (set: string, checks: Record<string, number>, reached = 0): VariantSummary => ({ set, seeds: 3, failing: Math.max(0, ...Object.values(checks)), checks, failures: [], coverage: coverage(reached) });
const summary = (variants: VariantSummary[]): CompareSummary => ({ scenario: "s", file: "s.yaml", seeds: 3, from: 1, variants, events: 1, wallMs: 1, seedsPerSec: 1 });

/** The compare table says what a failing anomaly expectation means, and which variant each #N column is. */
describe("kafkasim compare's table", () => {
  it("explains an anomaly expectation's failures and names the #N columns of the rare moments", () => {
    const lines = formatCompare(summary([variant("features.eligible.leader.replicas.version=0", {}, 2), variant("features.eligible.leader.replicas.version=1", { "anomaly: lostAcknowledgedWrites": 3 }, 1)]), c);
    expect(lines.some((l) => l.includes("anomaly: lostAcknowledgedWrites: the scenario expects the anomaly, so a seed counts as failing there when the anomaly did NOT happen"))).toBe(true);
    expect(lines.at(-1)).toBe("  #1: --set features.eligible.leader.replicas.version=0   #2: --set features.eligible.leader.replicas.version=1");
  });

  it("says nothing of anomalies when no anomaly expectation failed, and has no legend without rare moments", () => {
    const lines = formatCompare(summary([variant("acks=1", { noLostAcknowledgedWrites: 2 }), variant("acks=all", {})]), c);
    expect(lines.some((l) => l.includes("expects the anomaly"))).toBe(false);
    expect(lines.some((l) => l.includes("#1:"))).toBe(false);
  });
});
