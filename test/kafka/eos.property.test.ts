import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { assertHoldsUnderFaults } from "../support/faultProperty.js";

/**
 * Two read-process-write processors (one classic, one KIP-848 group) under random crashes, pauses and cuts of
 * processors and brokers: every input's output is visible exactly once to read_committed readers, and nothing the
 * groups committed past was left unprocessed.
 */
const scenario = parseScenario(
  `name: eos-property
description: read-process-write under random faults
duration: 50s
cluster:
  brokers: 3
  config: { transaction.state.log.num.partitions: 3, offsets.topic.num.partitions: 3, replica.lag.time.max.ms: 10000, group.consumer.session.timeout.ms: 6000, group.consumer.min.session.timeout.ms: 6000, group.consumer.min.heartbeat.interval.ms: 1000, group.consumer.heartbeat.interval.ms: 1000 }
  topics:
    - { name: in, partitions: 4, replicationFactor: 3, config: { min.insync.replicas: 2 } }
    - { name: out, partitions: 2, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
  - { id: producer, kind: producer, workload: { topic: in, rate: 40 } }
  - { id: p1, kind: consumer, config: { group.id: classic, isolation.level: read_committed, enable.auto.commit: false, auto.offset.reset: earliest, session.timeout.ms: 6000, heartbeat.interval.ms: 1000, max.poll.records: 10 }, workload: { subscribe: [in], processing: { perRecord: 5ms }, output: { topic: out, transactional.id: p1 } } }
  - { id: p2, kind: consumer, config: { group.id: classic, isolation.level: read_committed, enable.auto.commit: false, auto.offset.reset: earliest, session.timeout.ms: 6000, heartbeat.interval.ms: 1000, max.poll.records: 10 }, workload: { subscribe: [in], processing: { perRecord: 5ms }, output: { topic: out, transactional.id: p2 } } }
  - { id: k1, kind: consumer, config: { group.id: modern, group.protocol: consumer, isolation.level: read_committed, enable.auto.commit: false, auto.offset.reset: earliest, max.poll.records: 10 }, workload: { subscribe: [in], processing: { perRecord: 5ms }, output: { topic: out, transactional.id: k1 } } }
  - { id: k2, kind: consumer, config: { group.id: modern, group.protocol: consumer, isolation.level: read_committed, enable.auto.commit: false, auto.offset.reset: earliest, max.poll.records: 10 }, workload: { subscribe: [in], processing: { perRecord: 5ms }, output: { topic: out, transactional.id: k2 } } }
expect:
  - exactlyOnce
  - noSkippedRecords
  - noAtomicity
`,
  "<property>",
);

describe("read-process-write under random faults", () => {
  it("exactly-once holds for classic and KIP-848 groups whatever crashes, pauses and cuts hit processors and brokers", () => {
    assertHoldsUnderFaults(scenario, ["p1", "k1", "broker-1", "broker-2", "broker-3"], { numRuns: 8, healAtMs: 40000, maxFaults: 4 });
  });
});
