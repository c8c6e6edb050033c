import { describe, expect, it } from "vitest";
import { transactionCoordinatorHarness } from "../../support/transactionCoordinatorHarness.js";

// Vectors from Kafka's core/src/test/scala/unit/kafka/coordinator/transaction/TransactionMarkerChannelManagerTest.scala
// (apache/kafka 1eb7644): what happens once a transaction's markers are written — the Complete state appended,
// given up on NOT_COORDINATOR, retried (the append only) on COORDINATOR_NOT_AVAILABLE — and to the markers of a
// __transaction_state partition that moved away. Run against kafkasim's TransactionCoordinator (its marker channel is
// part of it) through test/support/transactionCoordinatorHarness.ts: one coordinator partition, transaction
// partitions led by broker-2, appends to __transaction_state that succeed or fail as the test says.
//
// Shapes adapted:
// - `channelManager.addTxnMarkersToSend(epoch, COMMIT, txnMetadata2, prepareComplete)` is the producer's EndTxn
//   (commit) of a transaction on t-0: the PrepareCommit is written and the marker goes out; `generateRequests()` +
//   `handler.onComplete(response NONE)` is broker-2 answering the marker.
// - `txnStateManager.appendTransactionToLog` answering NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE is the append
//   of the Complete state failing with NOT_LEADER_OR_FOLLOWER (the coordinator's NOT_COORDINATOR) /
//   NOT_ENOUGH_REPLICAS (its COORDINATOR_NOT_AVAILABLE); "called again" is a second Complete append.
// - `txnMetadata2.state` is the last state the coordinator traced; `numTxnsWithPendingMarkers` 0 and the queues
//   empty are no further WriteTxnMarkers request going out.
// - `removeMarkersForTxnTopicPartition(txnTopicPartition1)` is the coordinator resigning the __transaction_state
//   partition (onResign).
//
// Not ported, with why: the per-broker request batching (generateRequests / queueForBroker: kafkasim sends one
// WriteTxnMarkers per partition), shouldSkipSendMarkersWhenLeaderNotFound (a partition missing from the metadata is
// a deleted topic, which the model does not have), shouldSaveForLaterWhenLeaderUnknownButNotAvailable (the harness's
// partitions always have a leader), metrics, and shouldNotLoseTxnCompletionAfterLoad / shouldOnlyWriteTxnCompletionOnce
// (concurrent loads on two threads).

/** app-1's transaction on t-0 asked to commit: the PrepareCommit is written and its marker to broker-2 is out. */
function committing() {
  const h = transactionCoordinatorHarness();
  const init = h.initProducerId("app-1")()!;
  h.addPartitions("app-1", init.producerId, 0);
  h.tc.handleEndTxn({ type: "EndTxn", correlationId: 99, transactionalId: "tx", producerId: init.producerId, producerEpoch: 0, commit: true }, h.conn("app-1"));
  const markers = h.markers();
  expect(markers).toHaveLength(1);
  expect(h.states().at(-1)).toBe("PrepareCommit@0");
  return { h, marker: markers[0] };
}

describe("TransactionMarkerChannelManagerTest", () => {
  it("shouldCompleteAppendToLogOnEndTxnWhenSendMarkersSucceed", () => {
    const { h, marker } = committing();
    const appends = h.batches.length;
    h.answerMarker(marker, "NONE");
    expect(h.batches.length).toBe(appends + 1);
    expect(h.states().at(-1)).toBe("CompleteCommit@0");
    h.advance(1000);
    expect(h.markers()).toHaveLength(1);
  });

  it("shouldAbortAppendToLogOnEndTxnWhenNotCoordinatorError: the append is not retried, the state stays PrepareCommit", () => {
    const { h, marker } = committing();
    const appends = h.batches.length;
    h.failAppends("NOT_LEADER_OR_FOLLOWER");
    h.answerMarker(marker, "NONE");
    h.failAppends("NONE");
    h.advance(1000);
    expect(h.batches.length).toBe(appends);
    expect(h.states().at(-1)).toBe("PrepareCommit@0");
    expect(h.markers()).toHaveLength(1);
  });

  it("shouldRetryAppendToLogOnEndTxnWhenCoordinatorNotAvailableError: the append alone is retried", () => {
    const { h, marker } = committing();
    const appends = h.batches.length;
    h.failAppends("NOT_ENOUGH_REPLICAS");
    h.answerMarker(marker, "NONE");
    expect(h.states().at(-1)).toBe("PrepareCommit@0");
    h.failAppends("NONE");
    h.advance(1000);
    expect(h.batches.length).toBe(appends + 1);
    expect(h.states().at(-1)).toBe("CompleteCommit@0");
    // No marker went out again.
    expect(h.markers()).toHaveLength(1);
  });

  it("shouldRemoveMarkersForTxnPartitionWhenPartitionEmigrated: a resigned coordinator neither completes nor resends", () => {
    const { h, marker } = committing();
    const appends = h.batches.length;
    h.tc.onResign(0);
    h.answerMarker(marker, "NONE");
    h.advance(1000);
    expect(h.batches.length).toBe(appends);
    expect(h.markers()).toHaveLength(1);
  });
});
