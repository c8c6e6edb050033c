import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runSeed } from "../../src/runner/seedOutcome.js";
import { readGolden } from "../support/goldenDigests.js";
import { RareMomentCounter, sumCoverage } from "../../src/runner/rareMoments.js";

describe("rare-moment coverage", () => {
  it("counts an unclean election and the truncation it causes where the scenario has them", () => {
    const s = loadScenario("unclean-leader-election");
    const o = runSeed(s, Number(s.seed));
    expect(o.moments.uncleanElection).toBeGreaterThan(0);
    expect(o.moments.logTruncation).toBeGreaterThan(0);
    expect(o.moments.producerFenced).toBe(0);
  });

  it("counts the zombie's fencing, and no unclean election when unclean.leader.election.enable is false", () => {
    const s = loadScenario("zombie-producer");
    const o = runSeed(s, Number(s.seed));
    expect(o.moments.producerFenced).toBeGreaterThan(0);
    expect(o.moments.uncleanElection).toBe(0);
  });

  it("observes without changing the digest", () => {
    // One run, compared with the plain run the golden fixture recorded (test/scenarios/shipped-part*.test.ts).
    const s = loadScenario("zombie-producer");
    const o = runSeed(s, 3);
    expect({ digest: o.digest, events: o.events }).toEqual(readGolden()["zombie-producer"]["3"]);
  });

  it("tells an ISR down to the leader, a moved coordinator and a rebalance inside a transaction from their look-alikes", () => {
    const c = new RareMomentCounter();
    const r = (t: number, actor: string, type: string, data: Record<string, unknown>) => c.observe({ t, actor, type, data });
    const isr = (t: number, tp: string, leader: string | null, replicas: string[]) => r(t, "controller-1", "controller.record", { record: "Partition", tp, leader, isr: replicas });
    isr(1, "orders-0", "broker-1", ["broker-1", "broker-2", "broker-3"]);
    isr(1, "orders-1", "broker-1", ["broker-1"]); // created with one replica: not a shrink
    isr(1, "orders-2", "broker-1", ["broker-1", "broker-2"]);
    isr(1, "orders-2", null, ["broker-2"]); // offline: the last ISR member is not a leader
    isr(1, "orders-0", "broker-1", ["broker-1", "broker-2"]);
    r(1, "broker-1", "partition.isr-shrink", { newIsr: ["broker-1"] }); // a request: the controller's record counts
    r(2, "broker-1", "txn-coordinator.load", { partition: 0 });
    r(3, "broker-1", "group-coordinator.prepare-rebalance", { groupId: "g" });
    expect(Object.values(c.counts).every((n) => n === 0)).toBe(true);
    isr(4, "orders-0", "broker-1", ["broker-1"]);
    r(5, "broker-2", "txn-coordinator.load", { partition: 0 });
    r(6, "app", "producer.txn-state", { from: "READY", to: "IN_TRANSACTION" });
    r(7, "broker-1", "group-coordinator.prepare-rebalance", { groupId: "g" });
    r(8, "app", "producer.txn-state", { from: "IN_TRANSACTION", to: "COMMITTING_TRANSACTION" });
    r(9, "app", "producer.txn-state", { from: "COMMITTING_TRANSACTION", to: "READY" });
    r(10, "broker-1", "group-coordinator.prepare-rebalance", { groupId: "g" });
    expect(c.counts).toMatchObject({ isrLeaderOnly: 1, coordinatorMoved: 1, rebalanceDuringTransaction: 1 });
    expect(sumCoverage([c.counts, c.counts]).isrLeaderOnly).toEqual({ seeds: 2, times: 2 });
  });

  it("counts an ISR the controller shrinks to the leader alone (controlled shutdown), not only the leader's own shrink", () => {
    const s = loadScenario("test/fixtures/bug-reports/min-isr-equals-rf-outage.yaml");
    const o = runSeed(s, Number(s.seed));
    // orders-0's ISR loses broker-2 at its controlled shutdown (15s), and orders-1 moves to broker-1 with it alone.
    expect(o.moments.isrLeaderOnly).toBe(2);
  });
});
