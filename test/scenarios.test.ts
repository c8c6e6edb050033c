import { describe, expect, it } from "vitest";
import { listScenarioFiles } from "../src/cli/scenarioFiles.js";
import { loadScenario } from "../src/scenario/load.js";
import { runScenario } from "../src/runner/run.js";
import { GOLDEN_SEEDS, goldenName, readGolden } from "./support/goldenDigests.js";

/**
 * Every shipped scenario: its expectations hold for several seeds, it is deterministic, and at the golden seeds its
 * digest and event count are the fixture's (test/fixtures/golden-digests.json; `npm run golden:update` rewrites it
 * when a change of behaviour is meant, in the same commit).
 */
const files = listScenarioFiles();
const golden = readGolden();

describe.each(files.map((f) => [goldenName(f), f]))("scenario %s", (name, file) => {
  const scenario = loadScenario(file);

  it("holds its expectations for its own seed and the golden seeds, with the golden digests", () => {
    const seeds = [...new Set<string | number>([scenario.seed, ...GOLDEN_SEEDS])];
    for (const seed of seeds) {
      const r = runScenario(scenario, { seed });
      const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details.join("; ")}`);
      expect({ seed, status: r.status, failed, invariants: r.invariantViolations.slice(0, 3) }).toEqual({ seed, status: "ok", failed: [], invariants: [] });
      const want = golden[name]?.[String(seed)];
      if ((GOLDEN_SEEDS as readonly (string | number)[]).includes(seed))
        expect({ seed, digest: r.digest, events: r.events }, `golden digest of ${name} (npm run golden:update if the change is meant)`).toEqual({ seed, ...want });
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

it("has a golden entry for every shipped scenario and none for a scenario that is gone", () => {
  expect(Object.keys(golden).sort()).toEqual(files.map(goldenName).sort());
});
