import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

/** How the transactional workload records a commit that ends in fencing: the history checkers rely on it. */
describe("a fenced commit's recorded outcome", () => {
  it("the zombie's commit, refused on an answered EndTxn, is recorded as failed (aborted), not unknown", () => {
    const r = runScenario(loadScenario("scenarios/zombie-producer.yaml"), {});
    const fenced = r.history.ops.filter((o) => o.process === "app-1" && o.f === "txn" && o.error === "PRODUCER_FENCED");
    expect(fenced.length).toBeGreaterThan(0);
    for (const o of fenced) {
      expect(o.type).toBe("fail");
      expect((o.value as { commitRequestedUs: number | null }).commitRequestedUs).not.toBeNull();
    }
  });

  it("a commit whose EndTxn went unanswered before the fence is recorded as unknown (info)", () => {
    // The zombie asks to commit while cut off: its EndTxn is lost, times out (request.timeout.ms 3s), and the retry
    // is refused. The lost one could have prepared the commit, so the outcome is unknown.
    const text = readFileSync("scenarios/zombie-producer.yaml", "utf8").replace("transaction.timeout.ms: 60000 }", "transaction.timeout.ms: 60000, request.timeout.ms: 3000 }");
    const r = runScenario(parseScenario(text, "zombie-producer (variant)"), {
      faults: [
        { atMs: 10_300, op: "pause", node: "app-1", forMs: 30_000 },
        { atMs: 40_000, op: "isolate", node: "app-1", forMs: 2_500 },
      ],
    });
    const fenced = r.history.ops.filter((o) => o.process === "app-1" && o.f === "txn" && o.error === "PRODUCER_FENCED");
    expect(fenced.map((o) => o.type)).toEqual(["info"]);
  });
});
