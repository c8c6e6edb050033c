import { describe, expect, it } from "vitest";
import { shippedScenarioPath } from "../../src/scenario/shipped.js";
import { readGolden } from "../support/goldenDigests.js";
import { passes, sweepScenario } from "../support/sweep.js";

/** The long sweep checks the golden digests of the fixture's seeds the test command does not run (2 and 3). */
describe("test:sweep and the golden digests", () => {
  const file = shippedScenarioPath("engine/lease-gc-pause")!;

  it("passes a scenario whose seeds 2 and 3 give the fixture's digests", () => {
    const r = sweepScenario(file, 3, 2);
    expect(r.failures).toEqual({});
    expect(passes(r)).toBe(true);
  });

  it("fails a scenario whose seed-2 digest differs from the fixture, naming the seed", () => {
    const fixture = readGolden();
    const tampered = { ...fixture, "engine/lease-gc-pause": { ...fixture["engine/lease-gc-pause"], "2": { digest: "0000000000000000", events: 1 } } };
    const r = sweepScenario(file, 3, 2, tampered);
    expect(Object.keys(r.failures)).toEqual(["2"]);
    expect(r.failures["2"][0]).toMatch(/^golden digest \(\w+\/\d+, fixture 0000000000000000\/1/);
    expect(passes(r)).toBe(false);
  });
});
