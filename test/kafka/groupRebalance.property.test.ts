import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concurrentOwnership, skippedRecords } from "../../src/check/groupCheckers.js";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

/** One member's life: when it starts, whether it leaves for good, whether it crashes (and restarts) once. */
interface MemberLife {
  startS: number;
  leaveS: number | null;
  crash: { atS: number; forS: number } | null;
}

const memberLife: fc.Arbitrary<MemberLife> = fc.record({
  startS: fc.integer({ min: 0, max: 20 }),
  leaveS: fc.option(fc.integer({ min: 25, max: 55 }), { nil: null }),
  crash: fc.option(fc.record({ atS: fc.integer({ min: 5, max: 45 }), forS: fc.integer({ min: 2, max: 15 }) }), { nil: null }),
});

/** A group of 2–4 members with random joins, leaves and crashes, over a 6-partition topic under steady load. */
function groupScenario(strategy: string, members: MemberLife[]) {
  // KIP-848 members take their session and heartbeat settings from the broker (group.consumer.*).
  const protocol = strategy === "consumer" ? "group.protocol: consumer" : `partition.assignment.strategy: ${strategy}, session.timeout.ms: 6000, heartbeat.interval.ms: 1000`;
  const clients = members
    .map((m, i) => {
      const stop = m.leaveS !== null && m.leaveS > m.startS ? `, stop: ${m.leaveS}s` : "";
      return `  - { id: c${i + 1}, kind: consumer, start: ${m.startS}s${stop}, config: { group.id: g, ${protocol}, enable.auto.commit: false, auto.offset.reset: earliest, max.poll.records: 30 }, workload: { subscribe: [t], processing: { perRecord: 5ms }, commit: sync } }`;
    })
    .join("\n");
  const faults = members
    .map((m, i) => (m.crash && m.crash.atS > m.startS ? `  - { at: ${m.crash.atS}s, crash: c${i + 1}, for: ${m.crash.forS}s }` : null))
    .filter((f) => f !== null);
  return parseScenario(
    `name: group-property
description: a consumer group under random joins, leaves and crashes
duration: 60s
cluster:
  brokers: 3
  config: { offsets.topic.num.partitions: 3, group.consumer.session.timeout.ms: 6000, group.consumer.min.session.timeout.ms: 6000, group.consumer.heartbeat.interval.ms: 1000, group.consumer.min.heartbeat.interval.ms: 1000 }
  topics: [{ name: t, partitions: 6, replicationFactor: 3 }]
clients:
  - { id: producer, kind: producer, workload: { topic: t, rate: 100 } }
${clients}
${faults.length > 0 ? `faults:\n${faults.join("\n")}` : ""}
`,
    "<property>",
  );
}

describe("consumer groups under random membership changes", () => {
  it("cooperative rebalancing never lets two members process one partition at once (KIP-429)", () => {
    fc.assert(
      fc.property(fc.array(memberLife, { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 1000 }), (members, seed) => {
        const r = runScenario(groupScenario("cooperative-sticky", members), { seed });
        const findings = concurrentOwnership.run({ history: r.history, logs: r.logs, groupOffsets: r.groupOffsets }, null);
        expect(findings.map((f) => f.message)).toEqual([]);
        expect(r.invariantViolations).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it("KIP-848 reconciliation never lets two members process one partition at once (revocation before assignment)", () => {
    fc.assert(
      fc.property(fc.array(memberLife, { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 1000 }), (members, seed) => {
        const r = runScenario(groupScenario("consumer", members), { seed });
        const i = { history: r.history, logs: r.logs, groupOffsets: r.groupOffsets };
        expect(concurrentOwnership.run(i, null).map((f) => f.message)).toEqual([]);
        expect(skippedRecords.run(i, null).map((f) => f.message)).toEqual([]);
        expect(r.history.ops.some((op) => op.f === "process" && op.type === "ok")).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it("eager rebalancing with commitSync after processing never skips a record", () => {
    fc.assert(
      fc.property(fc.array(memberLife, { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 1000 }), (members, seed) => {
        const r = runScenario(groupScenario("range", members), { seed });
        const findings = skippedRecords.run({ history: r.history, logs: r.logs, groupOffsets: r.groupOffsets }, null);
        expect(findings.map((f) => f.message)).toEqual([]);
        // The group did work: something was processed and committed.
        expect(r.history.ops.some((op) => op.f === "commit" && op.type === "ok")).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
