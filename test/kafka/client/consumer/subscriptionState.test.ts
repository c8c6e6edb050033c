import { describe, expect, it } from "vitest";
import { type FetchPosition, type LeaderAndEpoch, TopicPartitionState } from "../../../../src/kafka/client/consumer/subscriptionState.js";

/**
 * One assigned partition's fetch state, case by case as Kafka's SubscriptionStateTest drives it (the test each case
 * follows is named in it). A position is (offset, epoch of the record before it, leader it was checked against).
 */

const leader = (epoch: number | null, broker = "broker-1"): LeaderAndEpoch => ({ leader: broker, epoch });
const at = (offset: number, offsetEpoch: number | null, current: LeaderAndEpoch = leader(5)): FetchPosition => ({ offset, offsetEpoch, currentLeader: current });

function fresh(): TopicPartitionState {
  return new TopicPartitionState("t", 0);
}

describe("seeking (SubscriptionState.seekValidated / seekUnvalidated)", () => {
  it("a position with no offset epoch is never validated, whatever the leader (testSeekUnvalidatedWithNoOffsetEpoch)", () => {
    const s = fresh();
    s.seekUnvalidated(at(0, null));
    expect([s.fetchState, s.hasValidPosition]).toEqual(["FETCHING", true]);
    expect(s.maybeValidatePosition(leader(null))).toBe(false);
    expect(s.maybeValidatePosition(leader(10))).toBe(false);
    expect(s.hasValidPosition).toBe(true);
  });

  it("a committed offset with its epoch waits for validation, and a newer leader keeps it waiting (testSeekUnvalidatedWithOffsetEpoch)", () => {
    const s = fresh();
    s.seekUnvalidated(at(0, 2));
    expect([s.fetchState, s.hasValidPosition]).toEqual(["AWAIT_VALIDATION", false]);
    expect(s.maybeValidatePosition(leader(5))).toBe(true);
    expect(s.maybeValidatePosition(leader(15))).toBe(true);
    expect(s.position?.currentLeader).toEqual(leader(15));
    // A leader with no epoch information: nothing to validate against, fetch.
    expect(s.maybeValidatePosition(leader(null))).toBe(false);
    expect(s.fetchState).toBe("FETCHING");
  });

  it("seekValidated clears a pending validation (testSeekValidatedShouldClearAwaitingValidation)", () => {
    const s = fresh();
    s.seekUnvalidated(at(10, 5, leader(10)));
    expect(s.fetchState).toBe("AWAIT_VALIDATION");
    s.seekValidated(at(8, 4, leader(10)));
    expect([s.fetchState, s.position?.offset]).toEqual(["FETCHING", 8]);
  });

  it("a fetching position is validated again when its leader or leader epoch changes (testMaybeValidatePositionForCurrentLeader)", () => {
    const s = fresh();
    s.seekValidated(at(10, 3, leader(5)));
    expect(s.maybeValidatePosition(leader(5))).toBe(false);
    expect(s.maybeValidatePosition(leader(6))).toBe(true);
    expect(s.fetchState).toBe("AWAIT_VALIDATION");
    const t = fresh();
    t.seekValidated(at(10, 3, leader(5)));
    expect(t.maybeValidatePosition(leader(5, "broker-2"))).toBe(true);
  });

  it("metadata with no leader, or older than the position's leader epoch, changes nothing", () => {
    const s = fresh();
    s.seekValidated(at(10, 3, leader(5)));
    expect(s.maybeValidatePosition({ leader: null, epoch: null })).toBe(false);
    expect(s.maybeValidatePosition(leader(4))).toBe(false);
    expect([s.fetchState, s.position?.currentLeader]).toEqual(["FETCHING", leader(5)]);
  });
});

describe("resets (SubscriptionState.requestOffsetReset)", () => {
  it("a reset drops the position and is not validated by a new leader (testOffsetResetWhileAwaitingValidation)", () => {
    const s = fresh();
    s.seekUnvalidated(at(10, 5, leader(10)));
    s.reset("earliest");
    expect([s.fetchState, s.position, s.resetStrategy]).toEqual(["AWAIT_RESET", null, "earliest"]);
    expect(s.maybeValidatePosition(leader(11))).toBe(false);
    expect(s.fetchState).toBe("AWAIT_RESET");
  });

  it("reinitialize forgets the position and any pending strategy", () => {
    const s = fresh();
    s.reset("latest");
    s.reinitialize();
    expect([s.fetchState, s.position, s.resetStrategy]).toEqual(["INITIALIZING", null, null]);
  });
});

describe("completing validation (SubscriptionState.maybeCompleteValidation, KIP-320)", () => {
  function awaiting(offset: number, offsetEpoch: number): { s: TopicPartitionState; requested: FetchPosition } {
    const s = fresh();
    s.seekUnvalidated(at(offset, offsetEpoch, leader(10)));
    return { s, requested: s.position! };
  }

  it("an end at or past the position: valid, fetch from it (testMaybeCompleteValidation)", () => {
    const { s, requested } = awaiting(10, 5);
    expect(s.maybeCompleteValidation(requested, { leaderEpoch: 5, endOffset: 10 }, "earliest")).toEqual({ kind: "valid" });
    expect([s.fetchState, s.position?.offset]).toEqual(["FETCHING", 10]);
  });

  it("an answer for a position that has moved since is ignored (testMaybeCompleteValidationAfterPositionChange)", () => {
    const { s, requested } = awaiting(10, 5);
    s.seekUnvalidated(at(20, 5, leader(10)));
    expect(s.maybeCompleteValidation(requested, { leaderEpoch: 5, endOffset: 8 }, "earliest")).toEqual({ kind: "stale" });
    expect([s.fetchState, s.position?.offset]).toEqual(["AWAIT_VALIDATION", 20]);
  });

  it("an answer after a reset is ignored (testMaybeCompleteValidationAfterOffsetReset)", () => {
    const { s, requested } = awaiting(10, 5);
    s.reset("earliest");
    expect(s.maybeCompleteValidation(requested, { leaderEpoch: 5, endOffset: 8 }, "earliest")).toEqual({ kind: "stale" });
    expect(s.fetchState).toBe("AWAIT_RESET");
  });

  it("the epoch ends below the position, with a reset policy: move back to the first offset known to diverge (testTruncationDetectionWithResetPolicy)", () => {
    const { s, requested } = awaiting(10, 5);
    expect(s.maybeCompleteValidation(requested, { leaderEpoch: 4, endOffset: 8 }, "earliest")).toEqual({ kind: "truncated-seek", offset: 8, leaderEpoch: 4 });
    expect([s.fetchState, s.position]).toEqual(["FETCHING", at(8, 4, leader(10))]);
  });

  it("the epoch ends below the position, auto.offset.reset=none: a LogTruncation, the position kept (testTruncationDetectionWithoutResetPolicy)", () => {
    const { s, requested } = awaiting(10, 5);
    expect(s.maybeCompleteValidation(requested, { leaderEpoch: 4, endOffset: 8 }, "none")).toEqual({ kind: "truncated-raise", truncation: { offset: 10, divergentOffset: { offset: 8, leaderEpoch: 4 } } });
    expect([s.fetchState, s.position?.offset]).toEqual(["AWAIT_VALIDATION", 10]);
  });

  it("the leader knows no end for the epoch, with a reset policy: reset by it (testTruncationDetectionUnknownDivergentOffsetWithResetPolicy)", () => {
    const { s, requested } = awaiting(10, 5);
    expect(s.maybeCompleteValidation(requested, { leaderEpoch: -1, endOffset: -1 }, "latest")).toEqual({ kind: "truncated-reset" });
    expect([s.fetchState, s.resetStrategy]).toEqual(["AWAIT_RESET", "latest"]);
  });

  it("the leader knows no end for the epoch, auto.offset.reset=none: a LogTruncation with no divergent offset (testTruncationDetectionUnknownDivergentOffsetWithoutResetPolicy)", () => {
    const { s, requested } = awaiting(10, 5);
    expect(s.maybeCompleteValidation(requested, { leaderEpoch: -1, endOffset: -1 }, "none")).toEqual({ kind: "truncated-raise", truncation: { offset: 10, divergentOffset: null } });
    expect(s.fetchState).toBe("AWAIT_VALIDATION");
  });
});
