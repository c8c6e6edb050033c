import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Actor, type ActorContext, type FaultOp, JsonLinesTrace, scheduleFaults, Simulation } from "../../src/sim/index.js";
import { faultScheduleArbitrary } from "../../src/sim/faultArbitrary.js";

/** A random actor program: on each message or timer it draws from its stream and sends, sets timers or traces. */
interface Program {
  fanout: number;
  timerMs: number;
  traceEvery: number;
}

function programActor(p: Program, peers: string[]) {
  return (ctx: ActorContext): Actor => {
    let n = 0;
    const act = () => {
      n++;
      if (n < 400) for (let i = 0; i < p.fanout; i++) if (ctx.random.chance(0.5)) ctx.send(ctx.random.pick(peers), { type: "m", n });
      if (n % p.traceEvery === 0) ctx.trace("prog.step", { n, r: ctx.random.int(1000) });
      if (n < 400) ctx.setTimer(p.timerMs * (0.5 + ctx.stream("jitter").next()), "t");
    };
    return { onStart: act, onMessage: act, onTimer: act, onShutdown: () => ctx.trace("prog.bye", { n }) };
  };
}

function runOnce(seed: number, programs: Program[], faults: FaultOp[]) {
  const sim = new Simulation({ seed, network: { latency: { model: "lognormal", medianUs: 800, sigma: 1 }, lossRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 } });
  const trace = new JsonLinesTrace();
  sim.observe(trace.observer);
  const names = programs.map((_, i) => `n${i}`);
  programs.forEach((p, i) => sim.addActor(names[i], programActor(p, names)));
  scheduleFaults(sim, faults);
  const out = sim.run(5_000_000);
  return { trace: trace.text(), digest: out.digest, events: out.events };
}

const program = fc.record({
  fanout: fc.integer({ min: 0, max: 3 }),
  timerMs: fc.integer({ min: 1, max: 200 }),
  traceEvery: fc.integer({ min: 1, max: 5 }),
});

describe("determinism", () => {
  it("the same seed, programs and fault schedule give byte-identical traces and digests", () => {
    const names = ["n0", "n1", "n2", "n3"];
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(program, { minLength: 4, maxLength: 4 }),
        faultScheduleArbitrary({
          nodes: names,
          kinds: ["crash", "shutdown", "pause", "isolate", "partition", "slow-link"],
          count: { min: 0, max: 6 },
          fromMs: 0,
          untilMs: 4000,
          durationMs: { min: 10, max: 2000 },
          maxDown: 2,
          loseUnflushed: true,
        }),
        (seed, programs, faults) => {
          const a = runOnce(seed, programs, faults);
          const b = runOnce(seed, programs, faults);
          expect(b.digest).toBe(a.digest);
          expect(b.trace).toBe(a.trace);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("different seeds give different digests", () => {
    const programs = [0, 1, 2].map(() => ({ fanout: 2, timerMs: 20, traceEvery: 1 }));
    const digests = new Set([1, 2, 3, 4, 5].map((s) => runOnce(s, programs, []).digest));
    expect(digests.size).toBe(5);
  });
});
