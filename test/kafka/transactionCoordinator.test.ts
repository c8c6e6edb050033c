import { describe, expect, it } from "vitest";
import { transactionCoordinatorHarness } from "../support/transactionCoordinatorHarness.js";

/** app-1 initialised (epoch 0) and opened a transaction on t-0. */
function ongoing() {
  const h = transactionCoordinatorHarness();
  const init = h.initProducerId("app-1")()!;
  expect(init).toMatchObject({ error: "NONE", producerEpoch: 0 });
  expect(h.addPartitions("app-1", init.producerId, 0)).toBe("NONE");
  return { h, producerId: init.producerId };
}

describe("TransactionCoordinator.handleInitProducerId on an Ongoing transaction (zombie fencing)", () => {
  it("answers CONCURRENT_TRANSACTIONS only once PrepareAbort at the fenced epoch is written", () => {
    // TransactionCoordinator.handleInitProducerId: a PrepareEpochFence result goes through endTransaction(ABORT,
    // isFromClient = false), whose callback (sendRetriableErrorCallback) answers after appendTransactionToLog.
    const { h } = ongoing();
    h.holdAppends();
    const answer = h.initProducerId("app-2");
    expect(answer()).toBeUndefined();
    h.release();
    expect(answer()?.error).toBe("CONCURRENT_TRANSACTIONS");
    expect(h.states()).toContain("PrepareAbort@1");
  });

  it("a failed fence write answers its error, and the retry does not bump the epoch a second time (hasFailedEpochFence)", () => {
    // endTransaction: when the PrepareAbort append of an epoch fence fails, the error goes back to the caller and
    // the metadata is marked hasFailedEpochFence, so prepareFenceProducerEpoch reuses the bumped epoch (it was never
    // handed out). The write's NOT_ENOUGH_REPLICAS is COORDINATOR_NOT_AVAILABLE to clients (appendTransactionToLog).
    const { h, producerId } = ongoing();
    h.failAppends("NOT_ENOUGH_REPLICAS");
    expect(h.initProducerId("app-2")()?.error).toBe("COORDINATOR_NOT_AVAILABLE");
    h.failAppends("NONE");
    expect(h.initProducerId("app-2")()?.error).toBe("CONCURRENT_TRANSACTIONS");
    expect(h.states()).toEqual(["Empty@0", "Ongoing@0", "PrepareAbort@1"]);
    for (const m of h.markers()) {
      expect(m).toMatchObject({ producerId, producerEpoch: 1, commit: false });
      h.answerMarker(m);
    }
    expect(h.initProducerId("app-2")()).toMatchObject({ error: "NONE", producerId, producerEpoch: 2 });
  });
});

describe("TransactionMarkerChannelManager: WriteTxnMarkers requests", () => {
  /** app-1 asked to commit; the PrepareCommit is written and the marker to broker-2 is out. */
  function committing(requestTimeoutMs?: number) {
    const h = transactionCoordinatorHarness({ requestTimeoutMs });
    const init = h.initProducerId("app-1")()!;
    h.addPartitions("app-1", init.producerId, 0);
    h.tc.handleEndTxn({ type: "EndTxn", correlationId: 99, transactionalId: "tx", producerId: init.producerId, producerEpoch: 0, commit: true }, h.conn("app-1"));
    expect(h.markers()).toHaveLength(1);
    return h;
  }

  it("time out after the broker's request.timeout.ms (the channel's NetworkClient), then go out again", () => {
    // TransactionMarkerChannelManager builds its NetworkClient (and InterBrokerSendThread) with
    // config.requestTimeoutMs; a request that times out is failed as disconnected, and
    // TransactionMarkerRequestCompletionHandler re-enqueues its markers. The timeout also closes the connection
    // (NetworkClient.handleTimedOutRequests), so the markers go out again after the model's 100 ms retry, on a new one.
    const h = committing();
    h.advance(29_999);
    expect(h.markers()).toHaveLength(1);
    h.advance(1);
    expect(h.traces.filter((t) => t.type === "network.request-timeout")).toHaveLength(1);
    h.advance(99);
    expect(h.markers()).toHaveLength(1);
    h.advance(1);
    expect(h.markers()).toHaveLength(2);
    const again = committing(12_000);
    again.advance(11_999);
    expect(again.markers()).toHaveLength(1);
    again.advance(100);
    expect(again.markers()).toHaveLength(1);
    again.advance(1);
    expect(again.markers()).toHaveLength(2);
  });
});
