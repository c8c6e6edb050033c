import { describe, expect, it } from "vitest";
import { ProducerBatch } from "../../../src/kafka/client/producer/producerBatch.js";

/**
 * KIP-951 (Kafka 3.7): a retried batch skips its back-off when its partition's leader changed since its last
 * attempt. After ProducerBatchTest / RecordAccumulatorTest.testReadyAndDrainWhenABatchIsBeingRetried: the epoch the
 * batch saw at its first drain, a retry with the same epoch backs off, a retry after a newer epoch does not, and the
 * retry after that (no newer epoch) backs off again.
 */
describe("KIP-951: a retry to a new leader skips its back-off (ProducerBatch.maybeUpdateLeaderEpoch, RecordAccumulator.shouldBackoff)", () => {
  const retried = (b: ProducerBatch, nowMs: number, backoffMs: number) => {
    b.attempts++; // sent
    b.lastAttemptMs = nowMs;
    b.retryAtMs = nowMs + backoffMs; // failed and re-enqueued
  };

  it("backs off while the leader is the one it last went to, not once a newer leader epoch is known", () => {
    const b = new ProducerBatch("t", 0, 0, 16384);
    b.maybeUpdateLeaderEpoch(0); // seen at its first drain
    expect(b.hasLeaderChangedForTheOngoingRetry()).toBe(false); // not a retry
    retried(b, 10, 100);
    b.maybeUpdateLeaderEpoch(0);
    expect(b.backingOff(50)).toBe(true);
    expect(b.backingOff(110)).toBe(false); // back-off over
    b.maybeUpdateLeaderEpoch(1); // the metadata (or the error answer, KIP-951) names a newer leader
    expect(b.hasLeaderChangedForTheOngoingRetry()).toBe(true);
    expect(b.backingOff(50)).toBe(false);
    retried(b, 60, 100); // the retry to the new leader failed too
    b.maybeUpdateLeaderEpoch(1);
    expect(b.hasLeaderChangedForTheOngoingRetry()).toBe(false);
    expect(b.backingOff(100)).toBe(true);
  });

  it("an older or unknown epoch changes nothing", () => {
    const b = new ProducerBatch("t", 0, 0, 16384);
    b.maybeUpdateLeaderEpoch(3);
    retried(b, 0, 100);
    b.maybeUpdateLeaderEpoch(2);
    b.maybeUpdateLeaderEpoch(-1);
    expect(b.currentLeaderEpoch).toBe(3);
    expect(b.backingOff(10)).toBe(true);
  });
});
