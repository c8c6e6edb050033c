import { describe, expect, it } from "vitest";
import { IllegalTransition, NO_PRODUCER_ID, TransactionMetadata } from "../../../src/kafka/coordinator/transactionMetadata.js";
import type { TransactionState } from "../../../src/kafka/coordinator/transactionState.js";

// Vectors from Kafka's core/src/test/scala/unit/kafka/coordinator/transaction/TransactionMetadataTest.scala
// (transaction version 0 cases; kafkasim's prepareAbortOrCommit takes the TV2 epoch bump as a flag).

const PID = 23423;
const NOW = 1_000_000;
const SHORT_MAX = 32767;
const NO_EPOCH = -1;

const meta = (epoch: number, state: TransactionState, o: { last?: number; start?: number; partitions?: string[] } = {}) => {
  const m = new TransactionMetadata("txnlId", PID, NO_PRODUCER_ID, epoch, o.last ?? NO_EPOCH, 30000, state, o.start ?? -1, NOW);
  for (const tp of o.partitions ?? []) m.topicPartitions.add(tp);
  return m;
};

/** prepareSuccessfulIncrementProducerEpoch, then completeTransitionTo. */
function bump(m: TransactionMetadata, expected: number | null, nowMs = NOW): void {
  const r = m.prepareIncrementProducerEpoch(30000, expected, nowMs);
  if (!r.ok) throw new Error(r.error);
  m.completeTransitionTo(r.transit);
}

describe("TransactionMetadataTest", () => {
  it("testInitializeEpoch", () => {
    const m = meta(NO_EPOCH, "Empty");
    bump(m, null);
    expect([m.producerId, m.producerEpoch, m.lastProducerEpoch]).toEqual([PID, 0, NO_EPOCH]);
  });

  it("testNormalEpochBump", () => {
    const m = meta(735, "Empty");
    bump(m, null);
    expect([m.producerId, m.producerEpoch, m.lastProducerEpoch]).toEqual([PID, 736, NO_EPOCH]);
  });

  it("testBumpEpochNotAllowedIfEpochsExhausted", () => {
    const m = meta(SHORT_MAX - 1, "Empty");
    expect(m.isProducerEpochExhausted).toBe(true);
    expect(() => m.prepareIncrementProducerEpoch(30000, null, NOW)).toThrow(IllegalTransition);
  });

  it("testTolerateUpdateTimeShiftDuringEpochBump: the clock may go back; the start time is kept", () => {
    const m = meta(1, "Empty", { start: 1 });
    bump(m, 1, NOW - 1);
    expect([m.producerEpoch, m.lastProducerEpoch, m.txnStartTimestamp, m.txnLastUpdateTimestamp]).toEqual([2, 1, 1, NOW - 1]);
  });

  it("testTolerateUpdateTimeResetDuringProducerIdRotation", () => {
    const m = meta(1, "Empty", { start: 1 });
    m.completeTransitionTo(m.prepareProducerIdRotation(PID + 1, 30000, NOW - 1, true));
    expect([m.producerId, m.lastProducerEpoch, m.producerEpoch, m.txnStartTimestamp, m.txnLastUpdateTimestamp]).toEqual([PID + 1, 1, 0, 1, NOW - 1]);
  });

  it("testTolerateTimeShiftDuringAddPartitions: from Empty the start time is the update time", () => {
    const m = meta(1, "Empty", { start: NOW });
    m.completeTransitionTo(m.prepareAddPartitions(["topic1-0"], NOW - 1));
    expect([...m.topicPartitions]).toEqual(["topic1-0"]);
    expect([m.producerEpoch, m.lastProducerEpoch, m.txnStartTimestamp, m.txnLastUpdateTimestamp]).toEqual([1, NO_EPOCH, NOW - 1, NOW - 1]);
    // Adding more while Ongoing keeps the start time.
    m.completeTransitionTo(m.prepareAddPartitions(["topic1-1"], NOW - 2));
    expect([...m.topicPartitions].sort()).toEqual(["topic1-0", "topic1-1"]);
    expect([m.txnStartTimestamp, m.txnLastUpdateTimestamp]).toEqual([NOW - 1, NOW - 2]);
  });

  it("testTolerateTimeShiftDuringPrepareCommit / PrepareAbort / CompleteCommit / CompleteAbort", () => {
    for (const prepare of ["PrepareCommit", "PrepareAbort"] as const) {
      const m = meta(1, "Ongoing", { start: 1, partitions: ["topic1-0"] });
      m.completeTransitionTo(m.prepareAbortOrCommit(prepare, NOW - 1));
      expect([m.state, m.producerEpoch, m.txnStartTimestamp, m.txnLastUpdateTimestamp]).toEqual([prepare, 1, 1, NOW - 1]);
      m.completeTransitionTo(m.prepareComplete(NOW - 2));
      expect([m.state, m.txnStartTimestamp, m.txnLastUpdateTimestamp, m.topicPartitions.size]).toEqual([prepare === "PrepareCommit" ? "CompleteCommit" : "CompleteAbort", 1, NOW - 2, 0]);
    }
  });

  it("testFenceProducerAfterEpochsExhausted: the fence takes Short.MaxValue, then the abort goes on", () => {
    const m = meta(SHORT_MAX - 1, "Ongoing");
    expect(m.isProducerEpochExhausted).toBe(true);
    const fence = m.prepareFenceProducerEpoch();
    expect([fence.producerEpoch, fence.lastProducerEpoch, m.pendingState]).toEqual([SHORT_MAX, NO_EPOCH, "PrepareEpochFence"]);
    m.pendingState = null;
    const abort = m.prepareAbortOrCommit("PrepareAbort", NOW);
    m.completeTransitionTo(abort);
    expect(abort.producerId).toBe(PID);
  });

  it("testFenceProducerNotAllowedIfItWouldOverflow", () => {
    const m = meta(SHORT_MAX, "Ongoing");
    expect(m.isProducerEpochExhausted).toBe(true);
    expect(() => m.prepareFenceProducerEpoch()).toThrow(IllegalTransition);
  });

  it("testRotateProducerId", () => {
    const m = meta(SHORT_MAX - 1, "Empty");
    m.completeTransitionTo(m.prepareProducerIdRotation(9893, 30000, NOW, true));
    expect([m.producerId, m.lastProducerId, m.producerEpoch, m.lastProducerEpoch]).toEqual([9893, PID, 0, SHORT_MAX - 1]);
  });

  it("testRotateProducerIdInOngoingState / InPrepareAbortState / InPrepareCommitState", () => {
    for (const state of ["Ongoing", "PrepareAbort", "PrepareCommit"] as const) expect(() => meta(SHORT_MAX - 1, state).prepareProducerIdRotation(9893, 30000, NOW, false)).toThrow(IllegalTransition);
  });

  it("testAttemptedEpochBumpWithNewlyCreatedMetadata", () => {
    const m = meta(NO_EPOCH, "Empty");
    bump(m, 735);
    expect([m.producerId, m.producerEpoch, m.lastProducerEpoch]).toEqual([PID, 0, NO_EPOCH]);
  });

  it("testEpochBumpWithCurrentEpochProvided", () => {
    const m = meta(735, "Empty");
    bump(m, 735);
    expect([m.producerEpoch, m.lastProducerEpoch]).toEqual([736, 735]);
  });

  it("testAttemptedEpochBumpWithLastEpoch: a retry of a bump gets the current epoch", () => {
    const m = meta(735, "Empty", { last: 734 });
    bump(m, 734);
    expect([m.producerEpoch, m.lastProducerEpoch]).toEqual([735, 734]);
  });

  it("testAttemptedEpochBumpWithFencedEpoch", () => {
    expect(meta(735, "Empty", { last: 734 }).prepareIncrementProducerEpoch(30000, 733, NOW)).toEqual({ ok: false, error: "PRODUCER_FENCED" });
  });

  it("testEpochBumpOnEndTxn (transaction version 2): EndTxn bumps the epoch; the completion keeps it", () => {
    const m = meta(10, "Ongoing", { start: NOW });
    m.completeTransitionTo(m.prepareAbortOrCommit("PrepareCommit", NOW - 1, true));
    expect([m.producerId, m.producerEpoch]).toEqual([PID, 11]);
    m.completeTransitionTo(m.prepareComplete(NOW));
    expect([m.producerId, m.producerEpoch]).toEqual([PID, 11]);
  });
});
