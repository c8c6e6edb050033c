import { describe, expect, it } from "vitest";
import { applyFault, FaultLog, Simulation } from "../../src/sim/index.js";
import type { TraceRecord } from "../../src/sim/index.js";

/** An actor that counts its starts on its disk (fsynced), so a restart shows what the disk still held. */
function counter(sim: Simulation, name: string, log: string[]): void {
  sim.addActor(name, (ctx) => ({
    onStart: () => {
      const starts = (ctx.disk.kv.get<number>("starts") ?? 0) + 1;
      ctx.disk.kv.put("starts", starts);
      ctx.disk.kv.fsync();
      log.push(`${name} start ${ctx.incarnation}: disk says ${starts}`);
    },
    onMessage: () => {},
    onTimer: () => {},
  }));
}

describe("replaceDisk (engine verb)", () => {
  it("a crash keeps the disk; a replaced disk starts empty, fsynced or not", () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    counter(sim, "a", log);
    counter(sim, "b", log);
    sim.at(1000, () => sim.crash("a"));
    sim.at(1000, () => sim.replaceDisk("b"));
    sim.at(2000, () => sim.restart("a"));
    sim.at(2000, () => sim.restart("b"));
    sim.run(10_000);
    expect(log).toEqual(["a start 1: disk says 1", "b start 1: disk says 1", "a start 2: disk says 2", "b start 2: disk says 1"]);
  });

  it("is traced after the crash it makes, and also replaces the disk of an actor already down", () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    const trace: TraceRecord[] = [];
    sim.observe((r) => trace.push(r));
    counter(sim, "a", log);
    sim.at(1000, () => sim.crash("a"));
    sim.at(1500, () => sim.replaceDisk("a"));
    sim.at(2000, () => sim.restart("a"));
    sim.run(10_000);
    expect(log).toEqual(["a start 1: disk says 1", "a start 2: disk says 1"]);
    expect(trace.filter((r) => r.type.startsWith("sim.") && r.type !== "sim.start").map((r) => r.type)).toEqual(["sim.crash", "sim.replace-disk"]);
  });

  it("as a fault with for:, the node starts again after it on the new disk; without, it stays down", () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    counter(sim, "a", log);
    counter(sim, "b", log);
    const faults = new FaultLog();
    sim.at(1000, () => applyFault(sim, { atMs: 1, op: "replace-disk", node: "a", forMs: 5 }, undefined, faults));
    sim.at(1000, () => applyFault(sim, { atMs: 1, op: "replace-disk", node: "b" }, undefined, faults));
    sim.run(20_000);
    expect(log).toEqual(["a start 1: disk says 1", "b start 1: disk says 1", "a start 2: disk says 1"]);
    expect([...faults.staysDown]).toEqual(["b"]);
  });
});
