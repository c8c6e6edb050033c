import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/sim/index.js";
import { recorder, sender } from "../support/actors.js";

function received(log: string[]): number[] {
  return log
    .filter((l) => l.includes(" msg "))
    .map((l) => JSON.parse(l.split(" ").slice(4).join(" ")))
    .filter((m) => m.type === "n")
    .map((m) => m.i);
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
    // One message every 5ms, far apart compared with the ~1ms latency, so each loss costs one message.
    const n = 4000;
    const sim = new Simulation({ seed: 4, network: { lossRate: 0.2, duplicateRate: 0.1 } });
    const log: string[] = [];
    sim.addActor("b", recorder(log));
    sim.addActor("a", sender("b", n, 5));
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

  it("a loss breaks the connection like a TCP reset: later messages are lost too until both ends are told", () => {
    const sim = new Simulation({ seed: 9, network: { latency: { model: "constant", valueUs: 1000 }, lossRate: 0.05 } });
    const got: number[] = [];
    const resets: number[] = [];
    const sentAt = new Map<number, number>();
    const lossTimes: number[] = [];
    sim.observe((r) => {
      if (r.type === "net.drop" && (r.data as { reason: string }).reason === "loss") lossTimes.push(r.t);
    });
    sim.addActor("b", (ctx) => ({ onMessage: (f, m) => ((m as { type: string }).type === "n" ? got.push((m as { i: number }).i) : resets.push(ctx.nowUs)), onTimer: () => {} }));
    sim.addActor("a", (ctx) => {
      let i = 0;
      const tick = () => {
        if (i >= 2000) return;
        sentAt.set(i, ctx.nowUs);
        ctx.send("b", { type: "n", i: i++ });
        ctx.setTimer(0.1, "t"); // ten messages per link latency
      };
      return { onStart: tick, onMessage: () => {}, onTimer: tick };
    });
    sim.run(10_000_000);
    expect(resets.length).toBeGreaterThan(0);
    // FIFO survives: whatever arrives arrives in order, and each lost message was sent within one link latency
    // after a loss broke the connection (no single holes with later data delivered).
    expect(got).toEqual([...got].sort((x, y) => x - y));
    const arrived = new Set(got);
    for (const [i, t] of sentAt) {
      if (arrived.has(i)) continue;
      expect(lossTimes.some((l) => l <= t && t < l + 1000)).toBe(true);
    }
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
