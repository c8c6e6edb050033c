import { describe, expect, it } from "vitest";
import { RaftLeaderState } from "../../../src/kafka/controller/raftLeaderState.js";
import { canGrantVote, type RaftRole } from "../../../src/kafka/controller/raftQuorumState.js";

// Vectors from Kafka's raft/src/test/java/org/apache/kafka/raft/LeaderStateTest.java (apache/kafka 1eb7644, 2024-10;
// the HW and check-quorum rules are the same in 4.0). Node ids are kafkasim's controller names: the local replica
// (Kafka's localReplicaKey, id 0) is "c0", remote voters are "c1".."c4". Each `withDirectoryId` parameterization is
// one case here: kafkasim has no directory ids (KIP-853), so both runs are the same inputs.
//
// Not ported, because kafkasim does not model it:
// - testFollowerAcknowledgement, testNonFollowerAcknowledgement, testBeginQuorumEpochTimer: the leader sends
//   BeginQuorumEpoch once and does not track which voters acknowledged it (nonAcknowledgingVoters) nor resend it.
// - testUpdateHighWatermarkMetadata: LogOffsetMetadata's segment position is not modelled; offsets only.
// - testHighWatermarkDoesIncreaseFromNewVoter, testHighWatermarkDoesNotDecreaseFromNewVoter,
//   testUpdateHighWatermarkRemovingFollowerFromVoterStates, testUpdateHighWatermarkQuorumRemovingLeaderFromVoterStates,
//   testCheckQuorumAfterVoterSetChanges, testUpdateVotersFromNoDirectoryIdToDirectoryId: static voters only
//   (KIP-853 voter changes are not modelled).
// - testGetNonLeaderFollowersByFetchOffsetDescending: a resigning leader sends no EndQuorumEpoch with preferred
//   successors in the model.
// - testRequireNonNullAccumulator, testLeaderEndpoints: Java construction details with no counterpart.
// Differences: Kafka's `LogOffsetMetadata(n)` is the offset n; Kafka's Optional.empty() HW is null.

const voters = (...remote: number[]) => ["c0", ...remote.map((n) => `c${n}`)];
const leaderState = (vs: string[], epochStartOffset: number) => new RaftLeaderState("c0", vs, epochStartOffset, 0);

describe("LeaderStateTest", () => {
  it("testUpdateHighWatermarkQuorumSizeOne", () => {
    const state = leaderState(voters(), 15);
    expect(state.highWatermark).toBeNull();
    expect(state.updateLocalState(15)).toBe(false);
    expect(state.highWatermark).toBeNull();
    expect(state.updateLocalState(16)).toBe(true);
    expect(state.highWatermark).toBe(16);
    expect(state.updateLocalState(20)).toBe(true);
    expect(state.highWatermark).toBe(20);
  });

  it("testNonMonotonicLocalEndOffsetUpdate", () => {
    const state = leaderState(voters(), 15);
    expect(state.highWatermark).toBeNull();
    expect(state.updateLocalState(16)).toBe(true);
    expect(state.highWatermark).toBe(16);
    // IllegalStateException in Kafka.
    expect(() => state.updateLocalState(15)).toThrow(/non-monotonic update of local end offset: 16 -> 15/);
  });

  it("testIdempotentEndOffsetUpdate", () => {
    const state = leaderState(voters(), 15);
    expect(state.highWatermark).toBeNull();
    expect(state.updateLocalState(16)).toBe(true);
    expect(state.updateLocalState(16)).toBe(false);
    expect(state.highWatermark).toBe(16);
  });

  it("testUpdateHighWatermarkQuorumSizeTwo", () => {
    const state = leaderState(voters(1), 10);
    expect(state.updateLocalState(13)).toBe(false);
    expect(state.highWatermark).toBeNull();
    expect(state.updateReplicaState("c1", 10)).toBe(false);
    expect(state.highWatermark).toBeNull();
    expect(state.updateReplicaState("c1", 11)).toBe(true);
    expect(state.highWatermark).toBe(11);
    expect(state.updateReplicaState("c1", 13)).toBe(true);
    expect(state.highWatermark).toBe(13);
  });

  it("testUpdateHighWatermarkQuorumSizeThree", () => {
    const state = leaderState(voters(1, 2), 10);
    expect(state.updateLocalState(15)).toBe(false);
    expect(state.highWatermark).toBeNull();
    expect(state.updateReplicaState("c1", 10)).toBe(false);
    expect(state.highWatermark).toBeNull();
    expect(state.updateReplicaState("c2", 10)).toBe(false);
    expect(state.highWatermark).toBeNull();
    expect(state.updateReplicaState("c2", 15)).toBe(true);
    expect(state.highWatermark).toBe(15);
    expect(state.updateLocalState(20)).toBe(false);
    expect(state.highWatermark).toBe(15);
    expect(state.updateReplicaState("c1", 20)).toBe(true);
    expect(state.highWatermark).toBe(20);
    expect(state.updateReplicaState("c2", 20)).toBe(false);
    expect(state.highWatermark).toBe(20);
  });

  it("testNonMonotonicHighWatermarkUpdate", () => {
    const state = leaderState(voters(1), 0);
    state.updateLocalState(10);
    state.updateReplicaState("c1", 10);
    expect(state.highWatermark).toBe(10);
    // Follower crashes and disk is lost. It fetches an earlier offset to rebuild state: the HW does not rewind.
    expect(state.updateReplicaState("c1", 5)).toBe(false);
    expect(state.highWatermark).toBe(10);
  });

  it("testGrantVote", () => {
    // LeaderState.canGrantVote is false for every replica whatever its log (kafkasim: canGrantVote of the Leader role).
    const leader = { kind: "leader", state: leaderState(voters(1, 2, 3), 1) } as RaftRole;
    for (const isLogUpToDate of [true, false])
      for (const candidate of ["c1", "c2", "c3"]) expect(canGrantVote(leader, "c0", candidate, isLogUpToDate, false)).toBe(false);
  });
});
