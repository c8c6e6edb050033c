import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ControllerActor } from "../../src/kafka/controller/controller.js";
import { runScenario } from "../../src/runner/run.js";
import { faultScheduleArbitrary, heal } from "../support/faultArbitraries.js";
import { BROKERS, CONTROLLERS, clusterScenario } from "../support/kafka.js";

/**
 * One property run: one leader per epoch, committed prefixes agree between controllers (each indexed from its own log
 * start: with snapshots the older entries are in a snapshot), the final leader holds every committed entry still in a
 * log, and the quorum recovers.
 */
function quorumProperty(opts: { brokerConfig?: string; numRuns: number; untilMs: number; maxFaultMs: number; healMs: number; durationS: number }) {
  const faults = faultScheduleArbitrary({
    nodes: [...CONTROLLERS, ...BROKERS],
    kinds: ["crash", "pause", "isolate", "partition"],
    count: { min: 1, max: 6 },
    fromMs: 3000,
    untilMs: opts.untilMs,
    durationMs: { min: 200, max: opts.maxFaultMs },
    maxDown: 1,
    loseUnflushed: false,
  });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), faults, (seed, schedule) => {
      const committed = new Map<number, string>(); // offset → record as first seen committed
      const r = runScenario(clusterScenario({ acks: "all", minIsr: 2, durationS: opts.durationS, brokerConfig: opts.brokerConfig }), { seed, faults: [...schedule, heal(opts.healMs)] });
      expect(r.status === "livelock").toBe(false);
      // SingleControllerLeaderPerEpoch is an invariant checked after every event.
      expect(r.invariantViolations.filter((v) => v.startsWith("SingleControllerLeaderPerEpoch"))).toEqual([]);
      const live = CONTROLLERS.map((c) => r.world.sim.actorOf<ControllerActor>(c)?.inspect()).filter((x) => x !== undefined);
      const entry = (c: (typeof live)[number], i: number) => JSON.stringify(c.log[i - c.logStartOffset]);
      // Committed prefixes agree: below both HWs (and above both log starts), two controllers hold the same entries.
      for (const a of live)
        for (const b of live) {
          const upTo = Math.min(a.highWatermark, b.highWatermark);
          for (let i = Math.max(a.logStartOffset, b.logStartOffset); i < upTo; i++) {
            const ea = entry(a, i);
            expect(ea).toBe(entry(b, i));
            committed.set(i, ea);
          }
        }
      // The final leader (if any) holds every entry any live controller counts as committed (or has it in a snapshot).
      const leader = live.find((c) => c.isActive);
      if (leader) for (const [i, e] of committed) if (i >= leader.logStartOffset) expect(entry(leader, i)).toBe(e);
      // The quorum recovered: there is a leader at the end once partitions healed.
      expect(leader).toBeDefined();
    }),
    { numRuns: opts.numRuns },
  );
}

describe("KRaft quorum under random partitions and crashes", () => {
  it("one leader per epoch, and no committed metadata record is ever lost or rewritten", () => {
    quorumProperty({ numRuns: 15, untilMs: 30_000, maxFaultMs: 6000, healMs: 36_000, durationS: 45 });
  });

  it("the same with a metadata snapshot every few records and the log cleaned below it (FetchSnapshot for laggards)", () => {
    // Longer faults over a longer run, so that a node can be down across the controllers' 60-s log clean.
    quorumProperty({ brokerConfig: "metadata.log.max.record.bytes.between.snapshots: 600, metadata.max.retention.bytes: 1", numRuns: 4, untilMs: 70_000, maxFaultMs: 30_000, healMs: 80_000, durationS: 90 });
  });
});
