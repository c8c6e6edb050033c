import { describe, expect, it } from "vitest";
import { listScenarioFiles } from "../../src/cli/scenarioFiles.js";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { goldenName, readGolden, TEST_SEEDS } from "./goldenDigests.js";
import { traceConformance } from "./traceConformance.js";

/**
 * Every shipped scenario, at its own seed and seed 1 (TEST_SEEDS): at seed 1 its digest and event count are the
 * fixture's (test/fixtures/golden-digests.json; `npm run golden:update` rewrites it when a change of behaviour is
 * meant, in the same commit), which proves determinism across processes and machines, and its expectations hold.
 * The fixture's other seeds (2, 3) are checked by the long sweep CI runs after the tests (`npm run test:sweep`).
 * A sweep scenario (`sweep: { finds: ... }`) is one whose expectations some seeds break, the finding `explore` is
 * for: its other expectations hold at every seed, and at its own seed it does break what it finds.
 * At seed 1 every record it traces must be declared in the trace event registries (what `on:` triggers name).
 * `npm run test:sweep` runs every scenario on seeds 1..20 (CI: 2..20).
 *
 * The scenarios are dealt into `parts` test files (the `part`-th takes every `parts`-th file, 0-based) so that
 * vitest runs them in parallel: one file of 47 scenarios was the suite's long pole.
 */
export function describeShippedScenarios(part: number, parts: number): void {
  const files = listScenarioFiles().filter((_, i) => i % parts === part);
  const golden = readGolden();
  describe.each(files.map((f) => [goldenName(f), f]))("scenario %s", (name, file) => {
    const scenario = loadScenario(file);
    const finds = new Set(scenario.sweep?.finds ?? []);
    const title = scenario.sweep
      ? `breaks ${[...finds].join(", ")} at its own seed and nothing else at any, with the golden digests`
      : "holds its expectations for its own seed and seed 1, with the golden digest";

    it(title, () => {
      const seeds = [...new Set<string | number>([scenario.seed, ...TEST_SEEDS])];
      for (const seed of seeds) {
        const conformance = seed === 1 ? traceConformance() : undefined;
        const r = runScenario(scenario, { seed, observe: conformance?.observe });
        expect([...(conformance?.problems ?? [])], "trace records the registries (src/*/traceEvents.ts) do not declare").toEqual([]);
        const failed = r.checks.filter((c) => !c.ok && !finds.has(c.name)).map((c) => `${c.name}: ${c.details.join("; ")}`);
        const status = finds.size > 0 && r.status === "expectation-failed" && failed.length === 0 ? "ok" : r.status;
        expect({ seed, status, failed, invariants: r.invariantViolations.slice(0, 3) }).toEqual({ seed, status: "ok", failed: [], invariants: [] });
        if (finds.size > 0 && seed === scenario.seed)
          expect(r.checks.filter((c) => !c.ok).map((c) => c.name), `${name} at its own seed ${seed} shows what the sweep finds`).not.toEqual([]);
        const want = golden[name]?.[String(seed)];
        if ((TEST_SEEDS as readonly (string | number)[]).includes(seed))
          expect({ seed, digest: r.digest, events: r.events }, `golden digest of ${name} (npm run golden:update if the change is meant)`).toEqual({ seed, ...want });
      }
    });
  });
}
