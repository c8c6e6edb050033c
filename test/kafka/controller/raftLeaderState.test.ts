import { describe, expect, it } from "vitest";
import { RaftLeaderState } from "../../../src/kafka/controller/raftLeaderState.js";

describe("RaftLeaderState (Kafka LeaderState)", () => {
  const voters = ["controller-1", "controller-2", "controller-3"];

  it("commits only once a majority holds an offset past the epoch's start (Raft §5.4.2, maybeUpdateHighWatermark)", () => {
    // Elected with 10 entries in its log: entries of earlier epochs are not committed by counting replicas.
    const s = new RaftLeaderState("controller-1", voters, 10, 0, 2000);
    s.updateLocalState(11);
    expect(s.updateReplicaState("controller-2", 0, 10)).toBe(false);
    expect(s.highWatermark).toBeNull();
    // Once a follower holds the leader's first entry of its epoch (offset 10, so end 11), 11 is committed.
    expect(s.updateReplicaState("controller-2", 0, 11)).toBe(true);
    expect(s.highWatermark).toBe(11);
    // Never backwards, never the same HW again.
    expect(s.updateReplicaState("controller-3", 0, 11)).toBe(false);
    expect(s.updateReplicaState("controller-2", 0, 5)).toBe(false);
    expect(s.highWatermark).toBe(11);
  });

  it("takes the majority's offset, not the fastest follower's", () => {
    const s = new RaftLeaderState("controller-1", ["controller-1", "controller-2", "controller-3", "controller-4", "controller-5"], 0, 0, 2000);
    s.updateLocalState(60);
    s.updateReplicaState("controller-2", 0, 50);
    s.updateReplicaState("controller-3", 0, 20);
    s.updateReplicaState("controller-4", 0, 0);
    // Leader 60, followers 50, 20, 0 and one unknown: the third highest (majority of 5) is 20.
    expect(s.highWatermark).toBe(20);
  });

  it("check-quorum: a majority's fetches restart the 1.5 × fetch-timeout timer; fewer leave it running (KafkaRaftClient.pollLeader)", () => {
    const s = new RaftLeaderState("controller-1", voters, 0, 0, 2000);
    // 3 s to resign from the election on.
    expect(s.timeUntilCheckQuorumExpiresMs(1_000_000)).toBe(2000);
    // With 3 voters one follower's fetch is a majority with the leader: the timer restarts from 2.5 s.
    s.updateCheckQuorumForFollowingVoter("controller-2", 2_500_000);
    expect(s.timeUntilCheckQuorumExpiresMs(4_500_000)).toBe(1000);
    // Nobody fetches after that: the leader must resign at 5.5 s, not at the next multiple of 3 s.
    expect(s.timeUntilCheckQuorumExpiresMs(5_500_000)).toBe(0);
    expect(() => s.updateCheckQuorumForFollowingVoter("controller-1", 0)).toThrow(/leader itself/);
  });
});
