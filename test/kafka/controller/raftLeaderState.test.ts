import { describe, expect, it } from "vitest";
import { RaftLeaderState } from "../../../src/kafka/controller/raftLeaderState.js";

describe("RaftLeaderState (Kafka LeaderState)", () => {
  const voters = ["controller-1", "controller-2", "controller-3"];

  it("commits only once a majority holds an offset past the epoch's start (Raft §5.4.2, maybeUpdateHighWatermark)", () => {
    // Elected with 10 entries in its log: entries of earlier epochs are not committed by counting replicas.
    const s = new RaftLeaderState("controller-1", voters, 10, 0);
    s.updateLocalState(11);
    expect(s.updateReplicaState("controller-2", 10)).toBe(false);
    expect(s.highWatermark).toBeNull();
    // Once a follower holds the leader's first entry of its epoch (offset 10, so end 11), 11 is committed.
    expect(s.updateReplicaState("controller-2", 11)).toBe(true);
    expect(s.highWatermark).toBe(11);
    // Never backwards, never the same HW again.
    expect(s.updateReplicaState("controller-3", 11)).toBe(false);
    expect(s.updateReplicaState("controller-2", 5)).toBe(false);
    expect(s.highWatermark).toBe(11);
  });

  it("takes the majority's offset, not the fastest follower's", () => {
    const s = new RaftLeaderState("controller-1", ["controller-1", "controller-2", "controller-3", "controller-4", "controller-5"], 0, 0);
    s.updateLocalState(60);
    s.updateReplicaState("controller-2", 50);
    s.updateReplicaState("controller-3", 20);
    s.updateReplicaState("controller-4", 0);
    // Leader 60, followers 50, 20, 0 and one unknown: the third highest (majority of 5) is 20.
    expect(s.highWatermark).toBe(20);
  });

  it("counts for check-quorum the voters that fetched within the window, itself included", () => {
    const s = new RaftLeaderState("controller-1", voters, 0, 0);
    // At election every voter counts as just heard from.
    expect(s.votersHeardWithin(1_000_000, 3_000_000)).toBe(3);
    s.recordFetch("controller-2", 3_500_000);
    // At 4.5 s with a 3 s window: controller-2 (3.5 s) yes, controller-3 (0 s) no.
    expect(s.votersHeardWithin(4_500_000, 3_000_000)).toBe(2);
    expect(s.votersHeardWithin(7_000_000, 3_000_000)).toBe(1);
  });
});
