import { describe, expect, it } from "vitest";
import { TopicPartitionState, type FetchPosition, type LeaderAndEpoch } from "../../../src/kafka/client/consumer/subscriptionState.js";
import { UNDEFINED_EPOCH, UNDEFINED_OFFSET } from "../../../src/kafka/log/leaderEpochCache.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/internals/SubscriptionStateTest.java,
// the position/validation methods (kafkasim models SubscriptionState per partition as TopicPartitionState; the
// subscription bookkeeping, pause and preferred read replica are not modelled). Shapes adapted:
// state.seekUnvalidated(tp0, p) -> tp.seekUnvalidated(p); hasValidPosition -> tp.hasValidPosition;
// awaitingValidation -> fetchState === "AWAIT_VALIDATION"; isOffsetResetNeeded -> fetchState === "AWAIT_RESET";
// maybeValidatePositionForCurrentLeader (with a broker whose OffsetsForLeaderEpoch is usable, NodeApiVersions.create())
// -> tp.maybeValidatePosition; maybeCompleteValidation(tp, p, EpochEndOffset) -> tp.maybeCompleteValidation(p, end,
// the SubscriptionState's default reset strategy); Optional.empty() is null.

const broker1 = "1";
const leader = (epoch: number | null): LeaderAndEpoch => ({ leader: broker1, epoch });
const pos = (offset: number, offsetEpoch: number | null, current: LeaderAndEpoch): FetchPosition => ({ offset, offsetEpoch, currentLeader: current });
const tp0 = () => new TopicPartitionState("topic", 0);
const awaitingValidation = (s: TopicPartitionState) => s.fetchState === "AWAIT_VALIDATION";
const isOffsetResetNeeded = (s: TopicPartitionState) => s.fetchState === "AWAIT_RESET";

describe("SubscriptionStateTest", () => {
  it("testSeekUnvalidatedWithNoOffsetEpoch", () => {
    const s = tp0();
    s.seekUnvalidated(pos(0, null, leader(5)));
    expect(s.hasValidPosition).toBe(true);
    expect(awaitingValidation(s)).toBe(false);
    expect(s.maybeValidatePosition(leader(null))).toBe(false);
    expect(s.hasValidPosition).toBe(true);
    expect(awaitingValidation(s)).toBe(false);
    expect(s.maybeValidatePosition(leader(10))).toBe(false);
    expect(s.hasValidPosition).toBe(true);
    expect(awaitingValidation(s)).toBe(false);
  });

  it("testSeekUnvalidatedWithNoEpochClearsAwaitingValidation", () => {
    const s = tp0();
    s.seekUnvalidated(pos(0, 2, leader(5)));
    expect(s.hasValidPosition).toBe(false);
    expect(awaitingValidation(s)).toBe(true);
    s.seekUnvalidated(pos(0, null, leader(5)));
    expect(s.hasValidPosition).toBe(true);
    expect(awaitingValidation(s)).toBe(false);
  });

  it("testSeekUnvalidatedWithOffsetEpoch", () => {
    const s = tp0();
    s.seekUnvalidated(pos(0, 2, leader(5)));
    expect(s.hasValidPosition).toBe(false);
    expect(awaitingValidation(s)).toBe(true);
    // Update using the current leader and epoch.
    expect(s.maybeValidatePosition(leader(5))).toBe(true);
    expect(s.hasValidPosition).toBe(false);
    expect(awaitingValidation(s)).toBe(true);
    // Update with a newer leader and epoch.
    expect(s.maybeValidatePosition(leader(15))).toBe(true);
    expect(s.hasValidPosition).toBe(false);
    expect(awaitingValidation(s)).toBe(true);
    // If the updated leader has no epoch information, then skip validation and begin fetching.
    expect(s.maybeValidatePosition(leader(null))).toBe(false);
    expect(s.hasValidPosition).toBe(true);
    expect(awaitingValidation(s)).toBe(false);
  });

  it("testSeekValidatedShouldClearAwaitingValidation", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    expect(s.hasValidPosition).toBe(false);
    expect(awaitingValidation(s)).toBe(true);
    expect(s.position!.offset).toBe(10);
    s.seekValidated(pos(8, 4, leader(10)));
    expect(s.hasValidPosition).toBe(true);
    expect(awaitingValidation(s)).toBe(false);
    expect(s.position!.offset).toBe(8);
  });

  it("testOffsetResetWhileAwaitingValidation", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    expect(awaitingValidation(s)).toBe(true);
    s.reset("earliest");
    expect(awaitingValidation(s)).toBe(false);
    expect(isOffsetResetNeeded(s)).toBe(true);
  });

  it("testMaybeCompleteValidation (and completeValidation: the position is kept, now fetchable)", () => {
    const s = tp0();
    const initialPosition = pos(10, 5, leader(10));
    s.seekUnvalidated(initialPosition);
    expect(awaitingValidation(s)).toBe(true);
    const outcome = s.maybeCompleteValidation(s.position!, { leaderEpoch: 5, endOffset: 10 + 5 }, "earliest");
    expect(outcome).toEqual({ kind: "valid" }); // Optional.empty()
    expect(awaitingValidation(s)).toBe(false);
    expect(s.hasValidPosition).toBe(true);
    expect(s.position).toEqual(initialPosition);
  });

  it("testMaybeValidatePositionForCurrentLeader (the usable-API half): a re-seek with an epoch awaits validation again", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    expect(s.maybeValidatePosition(leader(10))).toBe(true);
    expect(s.hasValidPosition).toBe(false);
  });

  it("testMaybeCompleteValidationAfterPositionChange", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    const requestPosition = s.position!;
    expect(awaitingValidation(s)).toBe(true);
    const updatePosition = pos(20, 8, leader(10));
    s.seekUnvalidated(updatePosition);
    const outcome = s.maybeCompleteValidation(requestPosition, { leaderEpoch: 5, endOffset: 15 }, "earliest");
    expect(outcome).toEqual({ kind: "stale" }); // Optional.empty(), nothing changes
    expect(awaitingValidation(s)).toBe(true);
    expect(s.position).toEqual(updatePosition);
  });

  it("testMaybeCompleteValidationAfterOffsetReset", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    const requestPosition = s.position!;
    expect(awaitingValidation(s)).toBe(true);
    s.reset("earliest"); // requestOffsetReset(tp0): the default strategy
    const outcome = s.maybeCompleteValidation(requestPosition, { leaderEpoch: 5, endOffset: 15 }, "earliest");
    expect(outcome).toEqual({ kind: "stale" });
    expect(awaitingValidation(s)).toBe(false);
    expect(isOffsetResetNeeded(s)).toBe(true);
    expect(s.position).toBeNull();
  });

  it("testTruncationDetectionWithResetPolicy", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    expect(awaitingValidation(s)).toBe(true);
    const outcome = s.maybeCompleteValidation(s.position!, { leaderEpoch: 7, endOffset: 5 }, "earliest");
    expect(outcome.kind).not.toBe("truncated-raise"); // Optional.empty()
    expect(awaitingValidation(s)).toBe(false);
    expect(s.position).toEqual(pos(5, 7, leader(10)));
  });

  it("testTruncationDetectionWithoutResetPolicy", () => {
    const s = tp0();
    const initialPosition = pos(10, 5, leader(10));
    s.seekUnvalidated(initialPosition);
    expect(awaitingValidation(s)).toBe(true);
    const outcome = s.maybeCompleteValidation(s.position!, { leaderEpoch: 7, endOffset: 5 }, "none");
    expect(outcome).toEqual({ kind: "truncated-raise", truncation: { offset: 10, divergentOffset: { offset: 5, leaderEpoch: 7 } } });
    expect(awaitingValidation(s)).toBe(true);
    expect(s.position).toEqual(initialPosition);
  });

  it("testTruncationDetectionUnknownDivergentOffsetWithResetPolicy", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    const outcome = s.maybeCompleteValidation(s.position!, { leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET }, "earliest");
    expect(outcome.kind).not.toBe("truncated-raise");
    expect(awaitingValidation(s)).toBe(false);
    expect(isOffsetResetNeeded(s)).toBe(true);
    expect(s.resetStrategy).toBe("earliest");
  });

  it("testTruncationDetectionUnknownDivergentOffsetWithoutResetPolicy", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    const outcome = s.maybeCompleteValidation(s.position!, { leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET }, "none");
    expect(outcome).toEqual({ kind: "truncated-raise", truncation: { offset: 10, divergentOffset: null } });
    expect(awaitingValidation(s)).toBe(true);
  });

  it("resetOffsetNoValidation (the parts with a usable OffsetsForLeaderEpoch)", () => {
    const s = tp0();
    s.reset("earliest");
    expect(s.maybeValidatePosition(leader(null))).toBe(false);
    expect(s.hasValidPosition).toBe(false);
    expect(awaitingValidation(s)).toBe(false);
    expect(isOffsetResetNeeded(s)).toBe(true);
    // Complete the reset via unvalidated seek (FetchPosition(10L): no epoch, leader unknown).
    s.seekUnvalidated(pos(10, null, { leader: null, epoch: null }));
    expect(s.hasValidPosition).toBe(true);
    expect(awaitingValidation(s)).toBe(false);
    expect(isOffsetResetNeeded(s)).toBe(false);
    // Reset again, and complete it with a seek that requires validation.
    s.reset("earliest");
    s.seekUnvalidated(pos(10, 10, leader(2)));
    expect(s.hasValidPosition).toBe(false);
    expect(awaitingValidation(s)).toBe(true);
    expect(isOffsetResetNeeded(s)).toBe(false);
  });
});

describe("SubscriptionState.TopicPartitionState.maybeValidatePosition (its code; no Kafka test)", () => {
  it("a metadata update with no leader answers false and leaves a position awaiting validation as it is", () => {
    const s = tp0();
    s.seekUnvalidated(pos(10, 5, leader(10)));
    expect(awaitingValidation(s)).toBe(true);
    expect(s.maybeValidatePosition({ leader: null, epoch: null })).toBe(false);
    expect(awaitingValidation(s)).toBe(true);
    expect(s.position).toEqual(pos(10, 5, leader(10)));
  });
});
