import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/sim/index.js";
import { recorder, sender } from "../support/actors.js";

function received(log: string[]): number[] {
  return log.filter((l) => l.includes(" msg ")).map((l) => JSON.parse(l.split(" ").slice(4).join(" ")).i);
}

describe("virtual network", () => {
  it("delivers in FIFO order per link even with widely varying latency", () => {
    const sim = new Simulation({ seed: 1, network: { latency: { model: "uniform", minUs: 100, maxUs: 50_000 } } });
    const log: string[] = [];
    sim.addActor("b", recorder(log)); // the receiver starts first: a message to a process not yet up is lost
    sim.addActor("a", sender("b", 200, 0.1));
    sim.run(10_000_000);
    expect(received(log)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("reorders only when a reorder rate is set", () => {
    const sim = new Simulation({
      seed: 1,
      network: { latency: { model: "uniform", minUs: 100, maxUs: 50_000 }, reorderRate: 1 },
    });
    const log: string[] = [];
    sim.addActor("b", recorder(log)); // the receiver starts first: a message to a process not yet up is lost
    sim.addActor("a", sender("b", 200, 0.1));
    sim.run(10_000_000);
    const got = received(log);
    expect(got).toHaveLength(200);
    expect(got).not.toEqual([...got].sort((x, y) => x - y));
  });

  it("drops messages across a partition and delivers again after it heals", () => {
    const sim = new Simulation({ seed: 2, network: { latency: { model: "constant", valueUs: 1000 } } });
    const log: string[] = [];
    sim.addActor("b", recorder(log));
    sim.addActor("a", sender("b", 100, 10)); // one message every 10ms for 1s
    let heal: () => void = () => {};
    sim.at(300_000, () => (heal = sim.partition([["a"], ["b"]])));
    sim.at(600_000, () => heal());
    sim.run(2_000_000);
    const got = received(log);
    expect(got.some((i) => i >= 30 && i < 60)).toBe(false);
    expect(got.filter((i) => i < 30)).toHaveLength(30);
    expect(got.filter((i) => i >= 60)).toHaveLength(40);
  });

  it("a one-way partition cuts one direction only", () => {
    const sim = new Simulation({ seed: 3 });
    const logA: string[] = [];
    const logB: string[] = [];
    sim.addActor("a", (ctx) => ({ ...sender("b", 10, 5)(ctx), onMessage: (f, m) => logA.push(JSON.stringify(m)) }));
    sim.addActor("b", (ctx) => ({ ...sender("a", 10, 5)(ctx), onMessage: (f, m) => logB.push(JSON.stringify(m)) }));
    sim.partitionOneWay(["a"], ["b"]); // before anything runs
    sim.run(1_000_000);
    expect(logB).toHaveLength(0); // a → b is cut
    expect(logA).toHaveLength(10); // b → a still works
  });

  it("loss and duplication happen at their configured rates", () => {
    const n = 4000;
    const sim = new Simulation({ seed: 4, network: { lossRate: 0.2, duplicateRate: 0.1 } });
    const log: string[] = [];
    sim.addActor("b", recorder(log));
    sim.addActor("a", sender("b", n, 0.01));
    sim.run(100_000_000);
    const got = received(log);
    const distinct = new Set(got).size;
    const lossRate = 1 - distinct / n;
    const dupRate = (got.length - distinct) / distinct;
    expect(lossRate).toBeGreaterThan(0.17);
    expect(lossRate).toBeLessThan(0.23);
    expect(dupRate).toBeGreaterThan(0.08);
    expect(dupRate).toBeLessThan(0.12);
  });

  it("a slow link raises latency until restored", () => {
    const sim = new Simulation({ seed: 5, network: { latency: { model: "constant", valueUs: 1000 } } });
    const log: string[] = [];
    sim.addActor("b", recorder(log));
    sim.addActor("a", sender("b", 1, 1));
    sim.slowLink("a", "b", { model: "constant", valueUs: 250_000 }); // before anything runs
    sim.run(1_000_000);
    expect(log.find((l) => l.includes(" msg "))!.split(" ")[0]).toBe("250000");
  });
});
