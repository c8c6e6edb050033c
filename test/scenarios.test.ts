import { describe, expect, it } from "vitest";
import { listScenarioFiles } from "../src/cli/scenarioFiles.js";
import { loadScenario } from "../src/scenario/load.js";
import { runScenario } from "../src/runner/run.js";

/** Every shipped scenario: its expectations hold for several seeds, and it is deterministic. */
const files = listScenarioFiles();
const SEEDS = [1, 2, 3];

describe.each(files.map((f) => [f.replace(/.*scenarios\//, ""), f]))("scenario %s", (_name, file) => {
  const scenario = loadScenario(file);

  it("holds its expectations for its own seed and several others", () => {
    for (const seed of [scenario.seed, ...SEEDS]) {
      const r = runScenario(scenario, { seed });
      const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details.join("; ")}`);
      expect({ seed, status: r.status, failed, invariants: r.invariantViolations.slice(0, 3) }).toEqual({ seed, status: "ok", failed: [], invariants: [] });
    }
  });

  it("is deterministic: one seed, one digest; other seeds, other digests", () => {
    const a = runScenario(scenario, { seed: 11 });
    const b = runScenario(scenario, { seed: 11 });
    const c = runScenario(scenario, { seed: 12 });
    expect(b.digest).toBe(a.digest);
    expect(b.events).toBe(a.events);
    expect(c.digest).not.toBe(a.digest);
  });
});

it("ships at least two engine scenarios", () => {
  expect(files.filter((f) => f.includes("/engine/")).length).toBeGreaterThanOrEqual(2);
});
