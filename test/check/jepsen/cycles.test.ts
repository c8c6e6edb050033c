import { describe, expect, it } from "vitest";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import { buildDependencyGraph, RT, WR, WW } from "../../../src/check/jepsen/cycles/graph.js";
import { impossibleCycleTypes, impossibleWith } from "../../../src/check/jepsen/cycles/models.js";
import { CycleSearch } from "../../../src/check/jepsen/cycles/search.js";
import { history, o } from "../../support/jepsen.js";

/** The pieces of Elle's cycle analysis that kafka_test.clj does not reach on its own. */
describe("cycle search", () => {
  // Each transaction read the other's write: a G1c cycle between ops 2 and 3.
  const g1c = history([
    o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]),
    o(1, 1, "invoke", "txn", [["send", "y", "b"], ["poll"]]),
    o(2, 0, "ok", "txn", [["send", "x", [0, "a"]], ["poll", { y: [[0, "b"]] }]]),
    o(3, 1, "ok", "txn", [["send", "y", [0, "b"]], ["poll", { x: [[0, "a"]] }]]),
  ]);

  it("finds the shortest cycle through a required kind of edge, and none when that kind is missing", () => {
    const a = analyzeKafkaHistory(g1c);
    const g = buildDependencyGraph(a.ctx);
    const nodes = Array.from({ length: g.nodes }, (_, x) => x);
    const search = new CycleSearch(g, 1_000_000);
    expect(search.find(nodes, { mask: WW | WR, required: [WR] })).toHaveLength(3);
    expect(search.find(nodes, { mask: WW | RT, required: [RT] })).toBeNull();
  });

  it("reports a timeout, not a verdict, when the step budget runs out (Elle's cycle-search-timeout)", () => {
    const a = analyzeKafkaHistory(g1c);
    const g = buildDependencyGraph(a.ctx);
    const nodes = Array.from({ length: g.nodes }, (_, x) => x);
    expect(new CycleSearch(g, 1).find(nodes, { mask: WW | WR, required: [WR] })).toBe("timeout");
  });
});

describe("Elle's model lattice, as far as a Kafka graph reaches", () => {
  it("a model's failure takes every stronger model with it (all-impossible-models)", () => {
    expect([...impossibleWith("PL-2")].sort()).toEqual(["PL-2", "PL-2.99", "PL-3", "PL-SI", "PL-SS", "strong-PL-2", "strong-session-PL-2", "strong-session-serializable", "strong-session-snapshot-isolation", "strong-snapshot-isolation"]);
    expect(impossibleWith("PL-SS")).toEqual(new Set(["PL-SS"]));
  });

  it("cycles the surviving models forbid need no search (cycle-exists-cases->impossible-cycle-anomalies)", () => {
    // Only a read-committed violation: G0 and G0-realtime cannot be in the component (read uncommitted and strong
    // read uncommitted still hold); G1c and G1c-realtime may.
    expect([...impossibleCycleTypes(["PL-2"])].sort()).toEqual(["G0", "G0-realtime"]);
    expect([...impossibleCycleTypes(["PL-1"])]).toEqual([]);
  });
});
