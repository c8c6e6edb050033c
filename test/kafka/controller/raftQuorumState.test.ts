import { describe, expect, it } from "vitest";
import { EpochElection } from "../../../src/kafka/controller/raftEpochElection.js";
import { binaryExponentialElectionBackoffMs, canGrantVote, type RaftRole } from "../../../src/kafka/controller/raftQuorumState.js";

const VOTERS = ["c1", "c2", "c3"];
const follower = (hasFetchedFromLeader: boolean): RaftRole => ({ kind: "follower", leader: "c1", hasFetchedFromLeader });
const prospective = (leader: string | null): RaftRole => ({ kind: "prospective", election: new EpochElection(VOTERS, "c3"), leader, retries: 1 });
const candidate: RaftRole = { kind: "candidate", election: new EpochElection(VOTERS, "c3"), retries: 1, backingOff: false };
const UP_TO_DATE = true;
const BEHIND = false;
const PRE = true;
const REAL = false;

describe("canGrantVote: which state grants which vote (EpochState.canGrantVote, KIP-996)", () => {
  it("a follower that has fetched from its leader rejects pre-votes: a voter hearing from a leader does not help unseat it", () => {
    expect(canGrantVote(follower(true), null, "c2", UP_TO_DATE, PRE)).toBe(false);
    // Before its first answered fetch it may grant one (FollowerState.hasFetchedFromLeader), on log alone.
    expect(canGrantVote(follower(false), null, "c2", UP_TO_DATE, PRE)).toBe(true);
    expect(canGrantVote(follower(false), null, "c2", BEHIND, PRE)).toBe(false);
    // A follower never grants a real vote in its leader's epoch.
    expect(canGrantVote(follower(false), null, "c2", UP_TO_DATE, REAL)).toBe(false);
  });

  it("the leader grants nothing", () => {
    const leader = { kind: "leader" } as unknown as RaftRole;
    expect(canGrantVote(leader, "c3", "c2", UP_TO_DATE, PRE)).toBe(false);
    expect(canGrantVote(leader, "c3", "c2", UP_TO_DATE, REAL)).toBe(false);
  });

  it("a resigned leader grants only a pre-vote from an up-to-date log (ResignedState.canGrantVote, KIP-996)", () => {
    const resigned: RaftRole = { kind: "resigned" };
    expect(canGrantVote(resigned, "c3", "c2", UP_TO_DATE, PRE)).toBe(true);
    expect(canGrantVote(resigned, "c3", "c2", BEHIND, PRE)).toBe(false);
    expect(canGrantVote(resigned, "c3", "c2", UP_TO_DATE, REAL)).toBe(false);
  });

  it("a pre-vote is granted or denied by log up-to-dateness alone in Unattached, Prospective and Candidate", () => {
    for (const role of [{ kind: "unattached" } as RaftRole, prospective("c1"), prospective(null), candidate]) {
      expect(canGrantVote(role, "c3", "c2", UP_TO_DATE, PRE)).toBe(true);
      expect(canGrantVote(role, "c3", "c2", BEHIND, PRE)).toBe(false);
    }
  });

  it("a real vote: once per epoch, none while a leader is known, and only to an up-to-date log", () => {
    const unattached: RaftRole = { kind: "unattached" };
    expect(canGrantVote(unattached, null, "c2", UP_TO_DATE, REAL)).toBe(true);
    expect(canGrantVote(unattached, null, "c2", BEHIND, REAL)).toBe(false);
    expect(canGrantVote(unattached, "c2", "c2", UP_TO_DATE, REAL)).toBe(true);
    expect(canGrantVote(unattached, "c1", "c2", UP_TO_DATE, REAL)).toBe(false);
    expect(canGrantVote(prospective("c1"), null, "c2", UP_TO_DATE, REAL)).toBe(false);
    expect(canGrantVote(prospective(null), null, "c2", UP_TO_DATE, REAL)).toBe(true);
    // A candidate voted for itself: it grants no other real vote.
    expect(canGrantVote(candidate, "c3", "c2", UP_TO_DATE, REAL)).toBe(false);
  });
});

describe("EpochElection", () => {
  it("the nominee's own vote counts; a majority granted wins, a majority rejected loses", () => {
    const e = new EpochElection(VOTERS, "c1");
    expect(e.isVoteGranted()).toBe(false);
    expect(e.recordVote("c2", true)).toBe(true);
    expect(e.recordVote("c2", true)).toBe(false);
    expect(e.isVoteGranted()).toBe(true);
    expect(e.grantingVoters()).toEqual(["c1", "c2"]);
    const lost = new EpochElection(VOTERS, "c1");
    lost.recordVote("c2", false);
    expect(lost.isVoteRejected()).toBe(false);
    lost.recordVote("c3", false);
    expect(lost.isVoteRejected()).toBe(true);
  });
});

describe("binaryExponentialElectionBackoffMs", () => {
  it("100 ms × a draw below 2^retries, capped at controller.quorum.election.backoff.max.ms", () => {
    expect(binaryExponentialElectionBackoffMs(1, 1000, 0.99)).toBe(100);
    expect(binaryExponentialElectionBackoffMs(2, 1000, 0.99)).toBe(300);
    expect(binaryExponentialElectionBackoffMs(3, 1000, 0.99)).toBe(700);
    expect(binaryExponentialElectionBackoffMs(4, 1000, 0.99)).toBe(1000);
    expect(binaryExponentialElectionBackoffMs(1, 1000, 0)).toBe(0);
  });
});
