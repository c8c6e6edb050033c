import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/sim/index.js";

/** `run(untilUs, stopWhen)`: the condition is read before the first event and then at most every `everyUs`. */
describe("a run's stop condition", () => {
  const ticking = () => {
    const sim = new Simulation({ seed: 1 });
    let count = 0;
    for (let t = 1; t <= 100; t++) sim.at(t * 100, () => count++);
    return { sim, count: () => count };
  };

  it("stops at the first read where it holds, with the clock at that event", () => {
    const { sim, count } = ticking();
    let reads = 0;
    const out = sim.run(1_000_000, { holds: () => (reads++, count() >= 30), everyUs: 500 });
    expect(out.stopped).toBe(true);
    // Reads at 0 (before any event), then after the events at 100, 600, 1100, ... (every 500µs or more).
    expect(out.simulatedUs).toBe(3100);
    expect(count()).toBe(31);
    expect(reads).toBe(8);
    expect(sim.nowUs).toBe(3100);
  });

  it("holding before any event stops at once; never holding runs to the end as before", () => {
    const a = ticking();
    expect(a.sim.run(1_000_000, { holds: () => true, everyUs: 1 })).toMatchObject({ stopped: true, events: 0, simulatedUs: 0 });
    const b = ticking();
    const plain = ticking();
    const out = b.sim.run(1_000_000, { holds: () => false, everyUs: 1 });
    expect(out.stopped).toBeUndefined();
    expect(out).toEqual(plain.sim.run(1_000_000));
  });
});
