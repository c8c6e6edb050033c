import { describe, expect, it } from "vitest";
import { boundOutages, type FaultOp, generateFaults, RandomStream } from "../../src/sim/index.js";

describe("fault schedules", () => {
  it("boundOutages keeps at most maxDown outages overlapping and never two on one node", () => {
    const ops: FaultOp[] = [
      { atMs: 0, op: "crash", node: "a", forMs: 100 },
      { atMs: 50, op: "pause", node: "b", forMs: 100 }, // overlaps a: dropped with maxDown 1
      { atMs: 100, op: "pause", node: "b", forMs: 100 }, // a is back at 100: kept
      { atMs: 120, op: "partition", groups: [["a"], ["b"]], forMs: 10 }, // not an outage: kept
    ];
    expect(boundOutages(ops, 1).map((o) => o.atMs)).toEqual([0, 100, 120]);
    expect(boundOutages(ops, 2).map((o) => o.atMs)).toEqual([0, 50, 120]);
  });

  it("generated schedules come from their named stream: same name, same schedule", () => {
    const bounds = {
      nodes: ["a", "b", "c"],
      kinds: ["crash" as const, "pause" as const, "partition" as const],
      count: { min: 2, max: 6 },
      fromMs: 1000,
      untilMs: 9000,
      durationMs: { min: 100, max: 2000 },
      maxDown: 1,
      loseUnflushed: false,
    };
    const one = generateFaults(bounds, new RandomStream("s:faults"));
    expect(generateFaults(bounds, new RandomStream("s:faults"))).toEqual(one);
    expect(one.length).toBeGreaterThan(0);
    for (const f of one) expect(f.atMs).toBeGreaterThanOrEqual(1000);
  });
});
