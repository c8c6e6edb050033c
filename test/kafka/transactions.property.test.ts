import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { faultScheduleArbitrary, heal } from "../support/faultArbitraries.js";

/** Two instances of one transactional app (the second starts later: a replacement), and a read_committed reader. */
const scenario = parseScenario(
  `name: transactions-property
description: transactional instances under random faults
duration: 50s
cluster:
  brokers: 3
  config: { transaction.state.log.num.partitions: 5, offsets.topic.num.partitions: 5, replica.lag.time.max.ms: 10000 }
  topics: [{ name: t, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: 2 } }]
clients:
  - id: app-1
    kind: producer
    config: { transactional.id: tx, transaction.timeout.ms: 8000 }
    workload: { transactions: { topic: t, recordsPerTransaction: 4, every: 100ms, openFor: 200ms, abortRatio: 0.2, offsets: { group: g1 } } }
  - id: app-2
    kind: producer
    start: 15s
    config: { transactional.id: tx, transaction.timeout.ms: 8000 }
    workload: { transactions: { topic: t, recordsPerTransaction: 4, every: 100ms, openFor: 200ms, abortRatio: 0.2 } }
  - id: reader
    kind: consumer
    config: { isolation.level: read_committed, auto.offset.reset: earliest }
    workload: { assign: { topic: t } }
expect:
  - noAbortedReads
  - noZombieWrites
  - noAtomicity
  - noUncommittedReads
  - noTransactionalOffsets
`,
  "<property>",
);

describe("transactions under random faults", () => {
  it("instances that pause, crash and restart, with broker faults: no aborted read, no zombie write, atomicity and transactional offsets hold", () => {
    const faults = faultScheduleArbitrary({
      nodes: ["app-1", "app-2", "broker-1", "broker-2", "broker-3"],
      kinds: ["pause", "crash", "isolate", "partition"],
      count: { min: 1, max: 5 },
      fromMs: 5000,
      untilMs: 35000,
      durationMs: { min: 500, max: 12000 },
      maxDown: 2,
      loseUnflushed: false,
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), faults, (seed, schedule) => {
        const r = runScenario(scenario, { seed, faults: [...schedule, heal(42_000)] });
        expect({ status: r.status, failed: r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details[0]}`), invariants: r.invariantViolations.slice(0, 2) }).toEqual({ status: "ok", failed: [], invariants: [] });
      }),
      { numRuns: 12 },
    );
  });
});
