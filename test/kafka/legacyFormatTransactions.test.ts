import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { runTraced } from "../support/tracedRun.js";

/**
 * A transactional producer writing to a topic in a legacy message format (magic < 2), as a Kafka 0.11-2.x cluster
 * with message.format.version before 0.11 had it. Kafka: each Produce fails with UNSUPPORTED_FOR_MESSAGE_FORMAT
 * (LogValidator.validateBatch), the app aborts, the coordinator's abort markers are refused for the same reason
 * (KafkaApis.handleWriteTxnMarkersRequest: magic < 2) and TransactionMarkerRequestCompletionHandler removes those
 * partitions from the ones it waits for, so the abort completes and the next transaction begins. (A newcomer's run:
 * the markers were retried for ever and the producer hung in ABORTING_TRANSACTION.)
 */
const scenario = (format: string) => `name: legacy-transactions
description: a transactional producer on a legacy-format topic
duration: 10s
cluster:
  brokers: 3
  topics:
    - { name: old, partitions: 2, replicationFactor: 3, config: { message.format.version: "${format}" } }
clients:
  - id: p
    kind: producer
    config: { acks: all, transactional.id: tx1 }
    workload: { transactions: { topic: old, recordsPerTransaction: 5, every: 200ms } }
expect:
  - errorSeen: { client: p, error: UNSUPPORTED_FOR_MESSAGE_FORMAT }
`;

describe("transactions on a legacy-format topic (Kafka 0.11-2.x)", () => {
  it("every send fails with UNSUPPORTED_FOR_MESSAGE_FORMAT and every transaction aborts: the markers are refused, not retried for ever", () => {
    const { r: result, of } = runTraced(scenario("0.10.2"));
    expect(result.ok).toBe(true);
    const txns = result.history.ops.filter((op) => op.f === "txn" && op.type !== "invoke");
    // One transaction at a time from the first metadata on (~2 s), each ended by its abort: two dozen, none committed.
    expect(txns.length).toBeGreaterThan(20);
    expect(txns.every((op) => op.type !== "ok")).toBe(true);
    const aborts = of("txn-coordinator.state").filter((t) => (t.data as { state?: string }).state === "CompleteAbort");
    expect(aborts.length).toBeGreaterThan(20);
    // The broker refused the abort markers before any append: the logs stay empty.
    expect(result.logs.every((l) => l.logEndOffset === 0 && l.records.length === 0)).toBe(true);
  });

  it("the same app on a v2-format topic commits (the quiet case)", () => {
    const r = runScenario(parseScenario(scenario("2.8").replace("errorSeen", "errorNotSeen"), "v2.yaml"), { seed: 1 });
    expect(r.ok).toBe(true);
    expect(r.history.ops.filter((op) => op.f === "txn" && op.type === "ok").length).toBeGreaterThan(30);
  });
});
