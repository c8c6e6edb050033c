import { describe, expect, it } from "vitest";
import { EpochElection, recordCandidateVote } from "../../../src/kafka/controller/raftEpochElection.js";
import { canGrantVote, type RaftRole } from "../../../src/kafka/controller/raftQuorumState.js";

// Vectors from Kafka 4.0's raft/src/test/java/org/apache/kafka/raft/: CandidateStateTest, ProspectiveStateTest
// (KIP-996), FollowerStateTest, UnattachedStateTest, UnattachedStateWithVoteTest, ResignedStateTest: vote counting
// (EpochElection) and which state grants which vote (EpochState.canGrantVote). The local replica (id 0) is "c0",
// others "c1".."c10". Each `withDirectoryId` parameterization is one case: kafkasim has no directory ids (KIP-853).
// Kafka's `recordGrantedVote(id)` / `recordRejectedVote(id)` are `recordVote(id, true|false)` on the Prospective's
// election and `recordCandidateVote(election, id, true|false)` on the Candidate's. `canGrantVote` takes the role,
// the vote cast in the epoch (ElectionState.votedKey), the nominee, isLogUpToDate and isPreVote.
//
// Not ported: testElectionState, testLeaderEndpoints, testInvalidVoterSet (ElectionState/Endpoints objects and
// VoterSet validation have no counterpart), testElectionTimeout / testFetchTimeoutExpiration (timers live in
// RaftNode on the engine's clock), testCanGrantVoteWithDirectoryId / WithoutDirectoryId (no directory ids),
// testMonotonicHighWatermark (a follower's HW only ever moves up in RaftNode.advanceFollowerHighWatermark; there is
// no separate FollowerState object to throw).

const voterSetWithLocal = (...remote: number[]) => ["c0", ...remote.map((n) => `c${n}`)];
const prospective = (voters: string[], leader: string | null = null) => ({ kind: "prospective", election: new EpochElection(voters, "c0"), leader, retries: 1 }) as const;
const candidate = (voters: string[]) => ({ kind: "candidate", election: new EpochElection(voters, "c0"), retries: 1, backingOff: false }) as const;
const BOTH = [true, false];

describe("CandidateStateTest", () => {
  it("testSingleNodeQuorum", () => {
    const { election } = candidate(voterSetWithLocal());
    expect(election.isVoteGranted()).toBe(true);
    expect(election.isVoteRejected()).toBe(false);
    expect(election.unrecordedVoters()).toEqual([]);
  });

  it("testTwoNodeQuorumVoteRejected", () => {
    const { election } = candidate(voterSetWithLocal(1));
    expect(election.isVoteGranted()).toBe(false);
    expect(election.isVoteRejected()).toBe(false);
    expect(election.unrecordedVoters()).toEqual(["c1"]);
    expect(recordCandidateVote(election, "c1", false)).toBe(true);
    expect(election.isVoteGranted()).toBe(false);
    expect(election.isVoteRejected()).toBe(true);
  });

  it("testTwoNodeQuorumVoteGranted", () => {
    const { election } = candidate(voterSetWithLocal(1));
    expect(election.unrecordedVoters()).toEqual(["c1"]);
    expect(recordCandidateVote(election, "c1", true)).toBe(true);
    expect(election.unrecordedVoters()).toEqual([]);
    expect(election.isVoteRejected()).toBe(false);
    expect(election.isVoteGranted()).toBe(true);
  });

  it("testThreeNodeQuorumVoteGranted", () => {
    const { election } = candidate(voterSetWithLocal(1, 2));
    expect(election.isVoteGranted()).toBe(false);
    expect(election.isVoteRejected()).toBe(false);
    expect(election.unrecordedVoters()).toEqual(["c1", "c2"]);
    expect(recordCandidateVote(election, "c1", true)).toBe(true);
    expect(election.unrecordedVoters()).toEqual(["c2"]);
    expect(election.isVoteGranted()).toBe(true);
    expect(election.isVoteRejected()).toBe(false);
    expect(recordCandidateVote(election, "c2", false)).toBe(true);
    expect(election.unrecordedVoters()).toEqual([]);
    expect(election.isVoteGranted()).toBe(true);
    expect(election.isVoteRejected()).toBe(false);
  });

  it("testThreeNodeQuorumVoteRejected", () => {
    const { election } = candidate(voterSetWithLocal(1, 2));
    expect(recordCandidateVote(election, "c1", false)).toBe(true);
    expect(election.unrecordedVoters()).toEqual(["c2"]);
    expect(election.isVoteGranted()).toBe(false);
    expect(election.isVoteRejected()).toBe(false);
    expect(recordCandidateVote(election, "c2", false)).toBe(true);
    expect(election.unrecordedVoters()).toEqual([]);
    expect(election.isVoteGranted()).toBe(false);
    expect(election.isVoteRejected()).toBe(true);
  });

  it("testCannotRejectVoteFromLocalId", () => {
    const { election } = candidate(voterSetWithLocal(1));
    expect(() => recordCandidateVote(election, "c0", false)).toThrow(/local node c0/);
  });

  it("testCannotChangeVoteGrantedToRejected", () => {
    const { election } = candidate(voterSetWithLocal(1));
    expect(recordCandidateVote(election, "c1", true)).toBe(true);
    expect(() => recordCandidateVote(election, "c1", false)).toThrow(/previously granted/);
    expect(election.isVoteGranted()).toBe(true);
  });

  it("testCannotChangeVoteRejectedToGranted", () => {
    const { election } = candidate(voterSetWithLocal(1));
    expect(recordCandidateVote(election, "c1", false)).toBe(true);
    expect(() => recordCandidateVote(election, "c1", true)).toThrow(/previously rejected/);
    expect(election.isVoteRejected()).toBe(true);
  });

  it("testCannotGrantOrRejectNonVoters", () => {
    const { election } = candidate(voterSetWithLocal());
    expect(() => recordCandidateVote(election, "c1", true)).toThrow(/non-voter c1/);
    expect(() => recordCandidateVote(election, "c1", false)).toThrow(/non-voter c1/);
  });

  it("testIdempotentGrant / testIdempotentReject", () => {
    const granted = candidate(voterSetWithLocal(1)).election;
    expect(recordCandidateVote(granted, "c1", true)).toBe(true);
    expect(recordCandidateVote(granted, "c1", true)).toBe(false);
    const rejected = candidate(voterSetWithLocal(1)).election;
    expect(recordCandidateVote(rejected, "c1", false)).toBe(true);
    expect(recordCandidateVote(rejected, "c1", false)).toBe(false);
  });

  it("testGrantVote", () => {
    // A candidate grants a pre-vote on log up-to-dateness alone and no real vote (it voted for itself).
    const state = candidate(voterSetWithLocal(1, 2, 3));
    for (const isLogUpToDate of BOTH)
      for (const node of ["c0", "c1", "c2", "c3"]) {
        expect(canGrantVote(state, "c0", node, isLogUpToDate, true)).toBe(isLogUpToDate);
        expect(canGrantVote(state, "c0", node, isLogUpToDate, false)).toBe(false);
      }
  });
});

describe("ProspectiveStateTest", () => {
  it("testSingleNodeQuorum", () => {
    const { election } = prospective(voterSetWithLocal());
    expect(election.isVoteGranted()).toBe(true);
    expect(election.isVoteRejected()).toBe(false);
    expect(election.unrecordedVoters()).toEqual([]);
  });

  it("testTwoNodeQuorumVoteRejected / testTwoNodeQuorumVoteGranted", () => {
    const rejected = prospective(voterSetWithLocal(1)).election;
    expect([rejected.isVoteGranted(), rejected.isVoteRejected()]).toEqual([false, false]);
    expect(rejected.unrecordedVoters()).toEqual(["c1"]);
    expect(rejected.recordVote("c1", false)).toBe(true);
    expect([rejected.isVoteGranted(), rejected.isVoteRejected()]).toEqual([false, true]);
    const granted = prospective(voterSetWithLocal(1)).election;
    expect(granted.recordVote("c1", true)).toBe(true);
    expect(granted.unrecordedVoters()).toEqual([]);
    expect([granted.isVoteGranted(), granted.isVoteRejected()]).toEqual([true, false]);
  });

  it("testThreeNodeQuorumVoteGranted / testThreeNodeQuorumVoteRejected", () => {
    const granted = prospective(voterSetWithLocal(1, 2)).election;
    expect(granted.unrecordedVoters()).toEqual(["c1", "c2"]);
    expect(granted.recordVote("c1", true)).toBe(true);
    expect(granted.unrecordedVoters()).toEqual(["c2"]);
    expect([granted.isVoteGranted(), granted.isVoteRejected()]).toEqual([true, false]);
    expect(granted.recordVote("c2", false)).toBe(true);
    expect([granted.isVoteGranted(), granted.isVoteRejected()]).toEqual([true, false]);
    const rejected = prospective(voterSetWithLocal(1, 2)).election;
    expect(rejected.recordVote("c1", false)).toBe(true);
    expect([rejected.isVoteGranted(), rejected.isVoteRejected()]).toEqual([false, false]);
    expect(rejected.recordVote("c2", false)).toBe(true);
    expect(rejected.unrecordedVoters()).toEqual([]);
    expect([rejected.isVoteGranted(), rejected.isVoteRejected()]).toEqual([false, true]);
  });

  it("testCanChangePreVote", () => {
    // Unlike a Candidate, a Prospective takes a voter's changed pre-vote (EpochElection.recordVote overwrites).
    const { election } = prospective(voterSetWithLocal(1, 2));
    expect(election.recordVote("c1", true)).toBe(true);
    expect(election.isVoteGranted()).toBe(true);
    expect(election.recordVote("c1", false)).toBe(false);
    expect(election.isVoteGranted()).toBe(false);
    expect(election.recordVote("c2", false)).toBe(true);
    expect(election.isVoteRejected()).toBe(true);
    expect(election.recordVote("c2", true)).toBe(false);
    expect(election.isVoteRejected()).toBe(false);
  });

  it("testCannotGrantOrRejectNonVoters", () => {
    const { election } = prospective(voterSetWithLocal());
    expect(() => election.recordVote("c1", true)).toThrow(/non-voter c1/);
    expect(() => election.recordVote("c1", false)).toThrow(/non-voter c1/);
  });

  it("testConsecutiveGrant / testConsecutiveReject", () => {
    const granted = prospective(voterSetWithLocal(1)).election;
    expect(granted.recordVote("c1", true)).toBe(true);
    expect(granted.recordVote("c1", true)).toBe(false);
    const rejected = prospective(voterSetWithLocal(1)).election;
    expect(rejected.recordVote("c1", false)).toBe(true);
    expect(rejected.recordVote("c1", false)).toBe(false);
  });

  it("testGrantVote", () => {
    const state = prospective(voterSetWithLocal(1, 2));
    for (const isLogUpToDate of BOTH)
      for (const node of ["c0", "c1", "c2"]) {
        expect(canGrantVote(state, null, node, isLogUpToDate, true)).toBe(isLogUpToDate);
        expect(canGrantVote(state, null, node, isLogUpToDate, false)).toBe(isLogUpToDate);
      }
  });

  it("testGrantVoteWithVotedKey", () => {
    // Voted for c1 in this epoch: pre-votes still on the log alone, a real vote only to c1 (whatever its log).
    const state = prospective(voterSetWithLocal(1, 2));
    for (const isLogUpToDate of BOTH) {
      for (const node of ["c0", "c1", "c2"]) expect(canGrantVote(state, "c1", node, isLogUpToDate, true)).toBe(isLogUpToDate);
      expect(canGrantVote(state, "c1", "c0", isLogUpToDate, false)).toBe(false);
      expect(canGrantVote(state, "c1", "c1", isLogUpToDate, false)).toBe(true);
      expect(canGrantVote(state, "c1", "c2", isLogUpToDate, false)).toBe(false);
    }
  });

  it("testGrantVoteWithLeader", () => {
    // Knows leader c1 in this epoch: pre-votes on the log alone, no real vote at all.
    const state = prospective(voterSetWithLocal(1, 2), "c1");
    for (const isLogUpToDate of BOTH)
      for (const node of ["c0", "c1", "c2"]) {
        expect(canGrantVote(state, null, node, isLogUpToDate, true)).toBe(isLogUpToDate);
        expect(canGrantVote(state, null, node, isLogUpToDate, false)).toBe(false);
      }
  });
});

describe("FollowerStateTest", () => {
  const follower = (hasFetchedFromLeader: boolean): RaftRole => ({ kind: "follower", leader: "c3", hasFetchedFromLeader });

  it("testPreVoteIfHasNotFetchedFromLeaderYet", () => {
    for (const isLogUpToDate of BOTH) for (const node of ["c1", "c2", "c3", "c10"]) expect(canGrantVote(follower(false), null, node, isLogUpToDate, true)).toBe(isLogUpToDate);
  });

  it("testGrantVoteAfterSuccessfulFetchFromLeader", () => {
    // After resetFetchTimeoutForSuccessfulFetch (kafkasim: hasFetchedFromLeader) a follower grants nothing.
    for (const isLogUpToDate of BOTH)
      for (const node of ["c1", "c2", "c3", "c10"]) {
        expect(canGrantVote(follower(true), null, node, isLogUpToDate, true)).toBe(false);
        expect(canGrantVote(follower(true), null, node, isLogUpToDate, false)).toBe(false);
      }
  });
});

describe("UnattachedStateTest / UnattachedStateWithVoteTest / ResignedStateTest", () => {
  const unattached: RaftRole = { kind: "unattached" };

  it("UnattachedStateTest.testGrantVote: no vote cast, no leader known: both kinds of vote on the log alone", () => {
    for (const isLogUpToDate of BOTH)
      for (const node of ["c0", "c1", "c2", "c3"]) {
        expect(canGrantVote(unattached, null, node, isLogUpToDate, true)).toBe(isLogUpToDate);
        expect(canGrantVote(unattached, null, node, isLogUpToDate, false)).toBe(isLogUpToDate);
      }
  });

  it("UnattachedStateWithVoteTest.testGrantVote: voted for c1: a real vote only to c1 again, pre-votes on the log", () => {
    for (const isLogUpToDate of BOTH) {
      expect(canGrantVote(unattached, "c1", "c1", isLogUpToDate, false)).toBe(true);
      expect(canGrantVote(unattached, "c1", "c2", isLogUpToDate, false)).toBe(false);
      expect(canGrantVote(unattached, "c1", "c3", isLogUpToDate, false)).toBe(false);
      for (const node of ["c1", "c2", "c3"]) expect(canGrantVote(unattached, "c1", node, isLogUpToDate, true)).toBe(isLogUpToDate);
    }
  });

  // ResignedStateTest.testGrantVote as of KIP-996 (apache/kafka 07639c9, read through the source index; the local
  // mirror 1eb7644 predates pre-vote and has only the real vote, never granted).
  it("ResignedStateTest.testGrantVote: a resigned leader grants a pre-vote from an up-to-date log, never a real vote", () => {
    const resigned: RaftRole = { kind: "resigned" };
    for (const isLogUpToDate of BOTH)
      for (const node of ["c1", "c2", "c3"]) {
        expect(canGrantVote(resigned, "c0", node, isLogUpToDate, true)).toBe(isLogUpToDate);
        expect(canGrantVote(resigned, "c0", node, isLogUpToDate, false)).toBe(false);
      }
  });
});
