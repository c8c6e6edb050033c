import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { assertHoldsUnderFaults } from "../support/faultProperty.js";

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
    assertHoldsUnderFaults(scenario, ["app-1", "app-2", "broker-1", "broker-2", "broker-3"], { numRuns: 12, healAtMs: 42000, maxFaults: 5 });
  });
});
