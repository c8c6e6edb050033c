import { expect, it } from "vitest";
import { listScenarioFiles } from "../src/cli/scenarioFiles.js";
import { loadScenario } from "../src/scenario/load.js";
import { GOLDEN_SEEDS, goldenName, readGolden } from "./support/goldenDigests.js";

/** Facts about the shipped set as a whole; each scenario's own run is in test/scenarios/shipped-part*.test.ts. */
const files = listScenarioFiles();
const golden = readGolden();

it("ships at least two engine scenarios and three sweeps", () => {
  expect(files.filter((f) => f.includes("/engine/")).length).toBeGreaterThanOrEqual(2);
  expect(files.filter((f) => loadScenario(f).sweep !== null).length).toBeGreaterThanOrEqual(3);
});

it("has a golden entry for every shipped scenario and none for a scenario that is gone", () => {
  expect(Object.keys(golden).sort()).toEqual(files.map(goldenName).sort());
});

it("other seeds, other runs: every scenario's golden seeds give different digests", () => {
  // The fixture was written by separate runs; equal digests across seeds would mean the seed does not reach the run.
  for (const [name, runs] of Object.entries(golden)) {
    const digests = GOLDEN_SEEDS.map((s) => runs[String(s)].digest);
    expect({ name, distinct: new Set(digests).size }).toEqual({ name, distinct: GOLDEN_SEEDS.length });
  }
});
