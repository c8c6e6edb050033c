// Vectors from Kafka's core/src/test/scala/unit/kafka/coordinator/transaction/TransactionStateManagerTest.scala
// (apache/kafka 1eb7644): what a failed write of a transaction's new state to __transaction_state answers, and that
// the metadata keeps its state with no pending transition (appendTransactionToLog's error mapping), run against
// kafkasim's TransactionCoordinator (its `write`, which is TransactionStateManager.appendTransactionToLog) through
// test/support/transactionCoordinatorHarness.ts. Kafka's test calls appendTransactionToLog with
// txnMetadata1.prepareAddPartitions(topic2-0); here that is an AddPartitionsToTxn of "topic2-0" from the Ongoing
// state, whose write the harness fails with the given error; a retry with the write succeeding then goes through
// (no pending state left: `txnMetadata1.pendingState.isEmpty`).
//
// Not ported, with why: testAppendFailToUnknownError (MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE → UNKNOWN_SERVER_ERROR)
// and the KAFKA_STORAGE_ERROR case of the NOT_COORDINATOR mapping: kafkasim's error catalogue has neither
// UNKNOWN_SERVER_ERROR, RECORD_LIST_TOO_LARGE nor KAFKA_STORAGE_ERROR, and a 200-byte state record never meets
// max.message.bytes; testAppendFailToCoordinatorLoadingError (loading is instantaneous in the model); loading,
// listing, expiration and metrics tests.
import { describe, expect, it } from "vitest";
import { transactionCoordinatorHarness } from "../../support/transactionCoordinatorHarness.js";
import type { ErrorName } from "../../../src/kafka/protocol/errors.js";

/** app's transaction Ongoing on t-0 at epoch 0. */
function ongoing() {
  const h = transactionCoordinatorHarness();
  const r = h.initProducerId("app")()!;
  expect(h.addPartitions("app", r.producerId, 0)).toBe("NONE");
  return { h, producerId: r.producerId };
}

describe("TransactionStateManagerTest: appendTransactionToLog's error mapping", () => {
  for (const appendError of ["UNKNOWN_TOPIC_OR_PARTITION", "NOT_ENOUGH_REPLICAS", "NOT_ENOUGH_REPLICAS_AFTER_APPEND", "REQUEST_TIMED_OUT"] as const) {
    it(`testAppendFailToCoordinatorNotAvailableError: ${appendError} → COORDINATOR_NOT_AVAILABLE, state kept`, () => {
      const { h, producerId } = ongoing();
      h.failAppends(appendError);
      expect(h.addPartitions("app", producerId, 0, ["topic2-0"])).toBe("COORDINATOR_NOT_AVAILABLE");
      expect(h.states().at(-1)).toBe("Ongoing@0");
      h.failAppends("NONE");
      expect(h.addPartitions("app", producerId, 0, ["topic2-0"])).toBe("NONE");
    });
  }

  it("testAppendFailToNotCoordinatorError: NOT_LEADER_OR_FOLLOWER → NOT_COORDINATOR, state kept", () => {
    const { h, producerId } = ongoing();
    h.failAppends("NOT_LEADER_OR_FOLLOWER");
    expect(h.addPartitions("app", producerId, 0, ["topic2-0"])).toBe("NOT_COORDINATOR");
    h.failAppends("NONE");
    expect(h.addPartitions("app", producerId, 0, ["topic2-0"])).toBe("NONE");
  });

  it("testAppendFailToNotCoordinatorError: the partition unloaded while the write was out → NOT_COORDINATOR", () => {
    const { h, producerId } = ongoing();
    h.holdAppends();
    let answer: ErrorName | undefined;
    h.tc.handleAddPartitions({ type: "AddPartitionsToTxn", correlationId: 77, transactionalId: "tx", producerId, producerEpoch: 0, partitions: ["topic2-0"], verifyOnly: false }, h.conn("app"), (e) => (answer = e));
    expect(answer).toBeUndefined();
    // removeTransactionsForTxnTopicPartition, then the append completes with NONE.
    h.tc.onResign(0);
    h.release();
    expect(answer).toBe("NOT_COORDINATOR");
  });
});
