import { describe, expect, it } from "vitest";
import type { RaftFetchRequest, VoteRequest } from "../../../src/kafka/protocol/raftMessages.js";
import { RAFT_CONFIG, RaftHarness } from "../../support/raftHarness.js";

// Vectors from Kafka's raft/src/test/java/org/apache/kafka/raft/KafkaRaftClientPreVoteTest.java (KIP-996; apache/kafka
// 04951ad, read through the source index: the local mirror, 1eb7644, predates pre-vote): how a voter answers
// pre-votes in each state and how a Prospective moves on, run against kafkasim's RaftNode
// (src/kafka/controller/raft.ts) through test/support/raftHarness.ts (RaftClientTestContext's timeouts). Shapes:
// - The local replica is "c0"; Kafka's localId + n is "c<n>"; an observer is "b1" (a broker). Each KRaftVersion /
//   RaftProtocol parameterization is one case (kafkasim has static voters and always runs KIP-996).
// - Kafka's starting states: `withUnknownLeader(e)` / `withVotedCandidate(e, v)` are the durable quorum state (RaftNode
//   starts Unattached in it); `withElectedLeader(e, l)` is that, then a BeginQuorumEpoch from l (kafkasim keeps no
//   leader across a restart); `withVotedCandidate(e, local)` (Kafka's Candidate) and `unattachedToLeader()` are an
//   election run from epoch e - 1 (resp. e) with every pre-vote and vote granted.
// - `context.assertSentVoteResponse(error, epoch, leaderId, granted)`: kafkasim's VoteResponse has no error field; a
//   FENCED_LEADER_EPOCH answer (an older epoch) is one that is not granted and names the node's newer epoch; Kafka's
//   leaderId -1 / empty is null.
// - Kafka's local replica is an observer in some tests (testHandlePreVoteRequestAsUnattachedVoted,
//   testFollowerGrantsPreVoteIfHasNotFetchedYet); kafkasim's RaftNode is always a voter, and a voter's answer to a
//   pre-vote is the same rule (EpochState.canGrantVote), so they run with c0 a voter.
//
// Not ported, with why: the observer-only tests (testHandlePreVoteRequestAsUnattachedObserver,
// testHandlePreVoteRequestAsFollowerObserver, testHandlePreVoteRequestAsUnattachedWithLeader: kafkasim's brokers read
// the metadata log without a RaftNode), cluster ids and voter keys (testPreVoteRequestClusterIdValidation,
// testInvalidVoterReplicaPreVoteRequest), malformed requests (testInvalidPreVoteRequest: INVALID_REQUEST is never
// sent in the model), testPreVoteNotSupportedByRemote (every controller speaks Vote v2),
// testProspectiveLosesElectionHasLeaderButMissingEndpoint (endpoints).
//
// A resigned leader grants a pre-vote from an up-to-date log in its epoch (testHandlePreVoteRequestAsResigned): kafkasim
// follows the pre-vote versions of ResignedState (raftEpochStates.test.ts's ResignedStateTest vector, 07639c9), as
// its pre-vote is KIP-996's; the mirror (1eb7644) has no pre-vote, its resigned leader grants nothing.
//
// A Prospective sends its pre-vote again to a voter that has not answered (KafkaRaftClient.maybeSendVoteRequests with
// RequestManager: after a request timeout, or a retry back-off after a lost connection), as testPreVoteRequestTimeout
// and testProspectiveWithLeaderTransitionsToFollower check. kafkasim's timers fire while the harness sleeps (Kafka's
// MockTime sleeps in one step and polls after), so a test that sleeps past a request timeout sees such resends, and a
// request to a voter queues behind one still in flight to it (one request per connection, as KafkaRaftManager's
// NetworkClient; Kafka's test channel has no such limit): those tests collect within a request timeout.

const LOCAL = "c0";
const ELECTION = RAFT_CONFIG.electionTimeoutMs;

/** withElectedLeader(epoch, leader) on `voters`. */
function follower(voters: string[], epoch: number, leader: string): RaftHarness {
  const h = new RaftHarness(voters, { epoch });
  h.deliverBeginEpoch(epoch, leader);
  expect(h.node.role.kind).toBe("follower");
  return h;
}

/** The follower's Fetch (assertSentFetchRequest + assertFetchRequestData(epoch, 0, 0)), answered by `leader`. */
function fetchFromLeader(h: RaftHarness, epoch: number, leader: string): void {
  const fetch = h.sent<RaftFetchRequest>("Fetch");
  expect(fetch.length).toBe(1);
  expect([fetch[0].to, fetch[0].req.epoch, fetch[0].req.fetchOffset, fetch[0].req.lastFetchedEpoch]).toEqual([leader, epoch, 0, 0]);
  h.fetchResponse(fetch[0], epoch, leader);
}

/** The pre-votes the node sent (collectPreVoteRequests(epoch, lastEpoch, lastOffset)). */
function preVotes(h: RaftHarness, epoch: number, lastEpoch: number, lastOffset: number) {
  const votes = h.sent<VoteRequest>("Vote");
  for (const v of votes) expect([v.req.preVote, v.req.epoch, v.req.candidate, v.req.lastEpoch, v.req.lastOffset]).toEqual([true, epoch, LOCAL, lastEpoch, lastOffset]);
  return votes;
}

/**
 * The `n` pre-votes of a Prospective that was following a leader: the one to that leader waits behind the Fetch in
 * flight to it (one request per connection, as KafkaRaftManager's NetworkClient; Kafka's test channel has no such
 * limit), so they are collected as they go, within a request timeout.
 */
function collectPreVotes(h: RaftHarness, n: number, epoch: number) {
  const votes = preVotes(h, epoch, 0, 0);
  h.sleepUntil(() => (votes.push(...preVotes(h, epoch, 0, 0)), votes.length >= n), RAFT_CONFIG.requestTimeoutMs);
  return votes;
}

/**
 * The follower's Fetch to its leader: it waits behind a pre-vote still in flight to that voter (the Prospective
 * sends its pre-votes again after a request timeout or a lost connection, RequestManager), so it is collected within
 * a request timeout.
 */
function collectFetches(h: RaftHarness) {
  const fetches: ReturnType<typeof h.sent<RaftFetchRequest>> = [];
  h.sleepUntil(() => (fetches.push(...h.sent<RaftFetchRequest>("Fetch")), fetches.length >= 1), RAFT_CONFIG.requestTimeoutMs);
  return fetches;
}

const answer = (granted: boolean, epoch: number, leader: string | null) => ({ epoch, leader, granted });

describe("KafkaRaftClientPreVoteTest: answering pre-votes", () => {
  for (const hasFetchedFromLeader of [false, true]) {
    it(`testHandlePreVoteRequestAsFollower(hasFetchedFromLeader = ${hasFetchedFromLeader})`, () => {
      const epoch = 2;
      const h = follower([LOCAL, "c1", "c2"], epoch, "c2");
      if (hasFetchedFromLeader) fetchFromLeader(h, epoch, "c2");
      // A follower rejects pre-votes once it has fetched from the leader.
      expect(h.deliverVote("c1", epoch, epoch, 1, true)).toMatchObject(answer(!hasFetchedFromLeader, epoch, "c2"));
      expect([h.node.epoch, h.node.leader]).toEqual([epoch, "c2"]);
      // The same with observers.
      expect(h.deliverVote("b1", epoch, epoch, 1, true)).toMatchObject(answer(!hasFetchedFromLeader, epoch, "c2"));
      expect([h.node.epoch, h.node.leader]).toEqual([epoch, "c2"]);
      // A pre-vote with a higher epoch makes the follower Unattached in it (not voted).
      expect(h.deliverVote("c1", epoch + 1, epoch + 1, 1, true)).toMatchObject(answer(true, epoch + 1, null));
      expect(h.node.epoch).toBe(epoch + 1);
      expect([h.node.role.kind, h.node.votedFor]).toEqual(["unattached", null]);
    });
  }

  it("testHandlePreVoteRequestAsFollowerWithVotedCandidate", () => {
    const epoch = 2;
    const h = new RaftHarness([LOCAL, "c1", "c2"], { epoch, votedFor: "c2" });
    h.deliverBeginEpoch(epoch, "c2");
    expect(h.node.role.kind).toBe("follower");
    // A follower grants pre-votes until it has fetched from its leader.
    expect(h.deliverVote("c1", epoch, epoch, 1, true)).toMatchObject(answer(true, epoch, "c2"));
    fetchFromLeader(h, epoch, "c2");
    expect(h.node.role.kind).toBe("follower");
    expect(h.deliverVote("c1", epoch, epoch, 1, true)).toMatchObject(answer(false, epoch, "c2"));
  });

  it("testHandlePreVoteRequestAsCandidate", () => {
    const epoch = 2;
    const h = new RaftHarness([LOCAL, "c1"], { epoch: epoch - 1 });
    h.sleep(ELECTION * 2);
    for (const v of preVotes(h, epoch - 1, 0, 0)) h.voteResponse(v, true, null, epoch - 1);
    expect([h.node.role.kind, h.node.epoch, h.node.votedFor]).toEqual(["candidate", epoch, LOCAL]);
    // A candidate grants pre-votes in its epoch from an up-to-date log.
    expect(h.deliverVote("c1", epoch, epoch, 1, true)).toMatchObject(answer(true, epoch, null));
    expect([h.node.role.kind, h.node.epoch, h.node.votedFor]).toEqual(["candidate", epoch, LOCAL]);
    // An observer with an up-to-date log too.
    expect(h.deliverVote("b1", epoch, epoch, 2, true)).toMatchObject(answer(true, epoch, null));
    expect([h.node.role.kind, h.node.epoch, h.node.votedFor]).toEqual(["candidate", epoch, LOCAL]);
    // A pre-vote with a higher epoch makes the candidate Unattached in it.
    expect(h.deliverVote("c1", epoch + 1, epoch + 1, 2, true)).toMatchObject(answer(true, epoch + 1, null));
    expect(h.node.role.kind).toBe("unattached");
  });

  it("testHandlePreVoteRequestAsUnattachedVoted", () => {
    const epoch = 2;
    const h = new RaftHarness([LOCAL, "c1", "c2"], { epoch, votedFor: "c2" });
    expect([h.node.role.kind, h.node.votedFor]).toEqual(["unattached", "c2"]);
    // A voter with an up-to-date log is granted, again if it asks again; another voter and an observer too.
    for (const from of ["c1", "c1", "c2", "b1"]) expect(h.deliverVote(from, epoch, epoch, 1, true)).toMatchObject(answer(true, epoch, null));
    expect(h.node.epoch).toBe(epoch);
    expect([h.node.role.kind, h.node.votedFor]).toEqual(["unattached", "c2"]);
  });

  it("testHandleInvalidPreVoteRequestWithOlderEpoch", () => {
    const epoch = 2;
    const h = new RaftHarness([LOCAL, "c1"], { epoch });
    // FENCED_LEADER_EPOCH: not granted, naming the newer epoch.
    expect(h.deliverVote("c1", epoch - 1, epoch - 1, 1, true)).toMatchObject(answer(false, epoch, null));
    expect([h.node.epoch, h.node.leader, h.node.votedFor, h.node.role.kind]).toEqual([epoch, null, null, "unattached"]);
  });

  it("testLeaderRejectPreVoteRequestOnSameEpoch", () => {
    const h = new RaftHarness([LOCAL, "c1"], { epoch: 2 });
    h.unattachedToLeader();
    const leaderEpoch = h.node.epoch;
    expect(h.deliverVote("c1", leaderEpoch, leaderEpoch, 1, true)).toMatchObject(answer(false, leaderEpoch, LOCAL));
    expect([h.node.epoch, h.node.leader]).toEqual([leaderEpoch, LOCAL]);
  });

  it("testLeaderAcceptPreVoteFromObserver", () => {
    const h = new RaftHarness([LOCAL, "c1"], { epoch: 4 });
    h.unattachedToLeader();
    const epoch = h.node.epoch;
    expect(h.deliverVote("b1", epoch - 1, 0, 0, true)).toMatchObject(answer(false, epoch, LOCAL));
    expect(h.deliverVote("b1", epoch, 0, 0, true)).toMatchObject(answer(false, epoch, LOCAL));
  });

  it("testHandlePreVoteRequestAsResigned", () => {
    const h = new RaftHarness([LOCAL, "c1"]);
    h.unattachedToLeader();
    // transitionToResigned: here the check-quorum timer (1.5 × fetch timeout without a majority's fetches) resigns it.
    h.sleep(RAFT_CONFIG.fetchTimeoutMs * 1.5);
    expect(h.node.role.kind).toBe("resigned");
    const epoch = h.node.epoch;
    const endOffset = h.node.log.endOffset;
    // A resigned leader grants pre-votes in its epoch from an up-to-date log.
    expect(h.deliverVote("c1", epoch, epoch, endOffset, true)).toMatchObject(answer(true, epoch, LOCAL));
    // A higher epoch makes it Unattached in it.
    expect(h.deliverVote("c1", epoch + 1, epoch + 1, endOffset, true)).toMatchObject(answer(true, epoch + 1, null));
    expect(h.node.role.kind).toBe("unattached");
  });

  it("testFollowerGrantsPreVoteIfHasNotFetchedYet", () => {
    const epoch = 2;
    const h = follower([LOCAL, "c1", "c2"], epoch, "c1");
    expect([h.node.epoch, h.node.leader]).toEqual([epoch, "c1"]);
    // Granted before the follower has fetched from its leader (the answer names the leader).
    expect(h.deliverVote("c2", epoch, epoch, 1, true)).toMatchObject(answer(true, epoch, "c1"));
    expect(h.node.role.kind).toBe("follower");
    fetchFromLeader(h, epoch, "c1");
    expect(h.node.role.kind).toBe("follower");
    expect(h.deliverVote("c2", epoch, epoch, 1, true)).toMatchObject(answer(false, epoch, "c1"));
    expect(h.node.role.kind).toBe("follower");
  });

  it("testRejectPreVoteIfRemoteLogIsNotUpToDate", () => {
    const epoch = 2;
    const h = new RaftHarness([LOCAL, "c1", "c2"], { epoch, entries: [{ epoch, count: 3 }] });
    expect(h.node.role.kind).toBe("unattached");
    expect(h.node.log.endOffset).toBe(3);
    // Older epoch: FENCED_LEADER_EPOCH.
    expect(h.deliverVote("c1", epoch - 1, epoch - 1, 0, true)).toMatchObject(answer(false, epoch, null));
    expect(h.node.role.kind).toBe("unattached");
    // Older offset (the sender's last epoch is behind): not granted.
    expect(h.deliverVote("c1", epoch, epoch - 1, h.node.log.endOffset - 1, true)).toMatchObject(answer(false, epoch, null));
    expect(h.node.role.kind).toBe("unattached");
  });
});

describe("KafkaRaftClientPreVoteTest: the Prospective state", () => {
  it("testPreVoteResponseIgnoredAfterBecomingFollower", () => {
    const epoch = 5;
    const h = new RaftHarness([LOCAL, "c1", "c2"], { epoch });
    expect([h.node.leader, h.node.votedFor]).toEqual([null, null]);
    h.sleep(ELECTION * 2);
    expect(h.node.role.kind).toBe("prospective");
    const voteRequests = preVotes(h, epoch, 0, 0);
    expect(voteRequests.length).toBe(2);
    // While the pre-votes are in flight, a BeginQuorumEpoch for the same epoch arrives.
    h.deliverBeginEpoch(epoch, "c2");
    expect([h.node.epoch, h.node.leader]).toEqual([epoch, "c2"]);
    // Pre-vote answers arriving now are ignored.
    h.voteResponse(voteRequests[0], true, null, epoch);
    h.voteResponse(voteRequests[1], true, "c2", epoch);
    h.poll();
    expect([h.node.role.kind, h.node.epoch, h.node.leader]).toEqual(["follower", epoch, "c2"]);
  });

  it("testProspectiveReceivesBeginQuorumRequest", () => {
    const epoch = 5;
    const h = new RaftHarness([LOCAL, "c1"], { epoch });
    h.sleep(ELECTION * 2);
    expect(h.node.role.kind).toBe("prospective");
    h.deliverBeginEpoch(epoch, "c1");
    expect([h.node.role.kind, h.node.epoch, h.node.leader]).toEqual(["follower", epoch, "c1"]);
  });

  it("testProspectiveTransitionsToUnattachedOnElectionFailure", () => {
    const epoch = 5;
    const h = new RaftHarness([LOCAL, "c1"], { epoch });
    const prospectives = () => h.ctx.tracesOf("raft.prospective").length;
    h.sleep(ELECTION * 2);
    expect(h.node.role.kind).toBe("prospective");
    expect(preVotes(h, epoch, 0, 0).length).toBe(1);
    // The election timeout expires: Unattached, to rediscover the leader. Kafka's next poll finds it Unattached with
    // no election time left; kafkasim's timer runs out at the same instant, so the node has already stood again
    // (a second Prospective, with its pre-vote sent), still in epoch 5.
    // Meanwhile the first Prospective sent its pre-vote again after each request timeout (RequestManager: Kafka's
    // test sleeps past the election timeout in one step and never polls in between); those are drained here.
    h.sleepUntil(() => {
      if (prospectives() < 2) preVotes(h, epoch, 0, 0);
      return prospectives() === 2;
    }, ELECTION * 2);
    expect(h.node.epoch).toBe(epoch);
    // The new pre-vote waits behind the first Prospective's still in flight to c1 (one request per connection).
    const voteRequest = collectPreVotes(h, 1, epoch);
    expect(voteRequest.length).toBe(1);
    // Enough rejected pre-votes: Unattached at once.
    h.voteResponse(voteRequest[0], false, null, epoch);
    h.poll();
    expect(h.node.role.kind).toBe("unattached");
    // After the election timeout, Prospective again with its pre-votes.
    // (Stopping at the transition: sleeping on past a request timeout would send the pre-vote again.)
    h.sleepUntil(() => h.node.role.kind === "prospective", ELECTION * 2);
    expect(preVotes(h, epoch, 0, 0).length).toBe(1);
  });

  it("testProspectiveWithLeaderTransitionsToFollower", () => {
    const epoch = 5;
    const h = follower([LOCAL, "c1", "c2"], epoch, "c1");
    h.sent("Fetch");
    // The fetch timeout expires: Prospective, sending pre-votes.
    h.sleep(RAFT_CONFIG.fetchTimeoutMs);
    expect(h.node.role.kind).toBe("prospective");
    expect(collectPreVotes(h, 2, epoch).length).toBe(2);
    // The election timeout expires without a new leader: back to Follower of c1, fetching.
    h.sleepUntil(() => h.node.role.kind === "follower", ELECTION * 2);
    expect(collectFetches(h).length).toBe(1);
    expect([h.node.role.kind, h.node.epoch, h.node.leader]).toEqual(["follower", epoch, "c1"]);
    // After the fetch timeout again, Prospective again, still knowing leader c1.
    h.sleep(RAFT_CONFIG.fetchTimeoutMs);
    let voteRequests = collectPreVotes(h, 2, epoch);
    expect(voteRequests.length).toBe(2);
    expect([h.node.role.kind, h.node.epoch, h.node.leader]).toEqual(["prospective", epoch, "c1"]);
    // Enough rejected pre-votes without a leader id: Follower at once, fetching.
    h.voteResponse(voteRequests[0], false, null, epoch);
    h.poll();
    h.voteResponse(voteRequests[1], false, null, epoch);
    h.poll();
    expect(h.node.role.kind).toBe("follower");
    expect(collectFetches(h).length).toBe(1);
    // After the fetch timeout again, Prospective; an answer naming another leader in a newer epoch: its Follower.
    h.sleep(RAFT_CONFIG.fetchTimeoutMs);
    voteRequests = collectPreVotes(h, 2, epoch);
    expect(voteRequests.length).toBe(2);
    expect([h.node.role.kind, h.node.leader]).toEqual(["prospective", "c1"]);
    h.voteResponse(voteRequests[0], false, "c2", epoch + 1);
    h.poll();
    expect([h.node.role.kind, h.node.epoch, h.node.leader]).toEqual(["follower", epoch + 1, "c2"]);
  });

  it("testProspectiveWithoutLeaderTransitionsToFollower", () => {
    const epoch = 5;
    const h = new RaftHarness([LOCAL, "c1", "c2"], { epoch });
    h.sleep(ELECTION * 2);
    expect(h.node.role.kind).toBe("prospective");
    const voteRequests = preVotes(h, epoch, 0, 0);
    expect(voteRequests.length).toBe(2);
    // A granted pre-vote naming a leader: Follower of it.
    h.voteResponse(voteRequests[0], true, "c1", epoch);
    h.poll();
    expect([h.node.role.kind, h.node.leader]).toEqual(["follower", "c1"]);
  });

  it("testPreVoteRequestTimeout", () => {
    const epoch = 1;
    const h = new RaftHarness([LOCAL, "c1"], { epoch });
    h.sleep(ELECTION * 2);
    expect(h.node.role.kind).toBe("prospective");
    const request = preVotes(h, epoch, 0, 0);
    expect(request.length).toBe(1);
    h.sleep(RAFT_CONFIG.requestTimeoutMs);
    // The Prospective retries the request.
    const retryRequest = preVotes(h, epoch, 0, 0);
    expect(retryRequest.length).toBe(1);
    // The timed-out request's late answer is ignored; the retry's makes it Candidate.
    h.voteResponse(request[0], true, null, epoch);
    h.poll();
    expect(h.node.role.kind).toBe("prospective");
    h.voteResponse(retryRequest[0], true, null, epoch);
    h.poll();
    expect([h.node.role.kind, h.node.epoch, h.node.votedFor]).toEqual(["candidate", epoch + 1, LOCAL]);
  });
});
