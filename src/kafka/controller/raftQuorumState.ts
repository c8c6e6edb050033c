import type { EpochElection } from "./raftEpochElection.js";
import type { RaftLeaderState } from "./raftLeaderState.js";

/**
 * A voter's KRaft state in its epoch, with Kafka 4's state names (`org.apache.kafka.raft.QuorumState` and its
 * `EpochState`s, KIP-595 + KIP-996). The vote the node cast in its epoch (`votedFor`) is durable and kept beside
 * this, as Kafka's `ElectionState.votedKey`:
 * - Unattached: knows no leader of its epoch; after the election timeout it becomes Prospective.
 * - Prospective (KIP-996): asks for pre-votes in its epoch without bumping it; a majority makes it Candidate, a lost
 *   or timed-out pre-vote returns it to Follower of the leader it knew (`leader`) or to Unattached.
 * - Candidate: bumped the epoch and asks for real votes; a majority makes it Leader; a lost or timed-out election
 *   backs off (`backingOff`) and then makes it Prospective again.
 * - Leader, Follower (`hasFetchedFromLeader`: a fetch of this epoch's leader was answered, FollowerState's flag),
 *   Resigned (a leader that failed check-quorum; after the election timeout it is Unattached in the next epoch).
 */
export type RaftRole =
  | { kind: "unattached" }
  | { kind: "prospective"; election: EpochElection; leader: string | null; retries: number }
  | { kind: "candidate"; election: EpochElection; retries: number; backingOff: boolean }
  | { kind: "leader"; state: RaftLeaderState }
  | { kind: "follower"; leader: string; hasFetchedFromLeader: boolean }
  | { kind: "resigned" };

/**
 * Whether a voter in `role` grants a Vote from `candidate` (Kafka `EpochState.canGrantVote` of each state, KIP-996's
 * pre-vote versions: apache/kafka 07639c9's ResignedStateTest, 04951ad's KafkaRaftClientPreVoteTest):
 * - Leader never grants.
 * - Resigned grants only a pre-vote from an up-to-date log (ResignedState.canGrantVote: it will not lead this epoch
 *   again, so it does not stand in the way of a successor; a real vote it never grants in its own epoch).
 * - Candidate grants only a pre-vote from an up-to-date log (it has no leader either).
 * - Follower grants only a pre-vote from an up-to-date log, and only before it has fetched from its leader: a voter
 *   that hears from a leader does not help unseat it (KIP-996's point).
 * - Unattached and Prospective (`QuorumState.unattachedOrProspectiveCanGrantVote`): a pre-vote on log up-to-dateness
 *   alone; a real vote to the candidate voted for already, else none while a leader is known, else on up-to-dateness.
 * `isLogUpToDate`: the candidate's (last epoch, end offset) is at least this voter's (compared epoch first).
 */
export function canGrantVote(role: RaftRole, votedFor: string | null, candidate: string, isLogUpToDate: boolean, isPreVote: boolean): boolean {
  switch (role.kind) {
    case "leader":
      return false;
    case "resigned":
      return isPreVote && isLogUpToDate;
    case "candidate":
      return isPreVote && isLogUpToDate;
    case "follower":
      return isPreVote && !role.hasFetchedFromLeader && isLogUpToDate;
    case "unattached":
    case "prospective": {
      if (isPreVote) return isLogUpToDate;
      if (votedFor !== null) return votedFor === candidate;
      if (role.kind === "prospective" && role.leader !== null) return false;
      return isLogUpToDate;
    }
  }
}

/** KafkaRaftClient.RETRY_BACKOFF_BASE_MS: the unit of a failed candidate's exponential back-off, ms. */
const RETRY_BACKOFF_BASE_MS = 100;

/**
 * KafkaRaftClient.binaryExponentialElectionBackoffMs: how long a candidate that lost (or timed out) its election
 * waits before standing as Prospective again: 100 ms × a random integer below 2^retries (capped at 2^21), at most
 * controller.quorum.election.backoff.max.ms. `draw` is a uniform draw in [0, 1) from the node's election stream.
 */
export function binaryExponentialElectionBackoffMs(retries: number, electionBackoffMaxMs: number, draw: number): number {
  const bound = 2 << Math.min(20, retries - 1);
  return Math.min(RETRY_BACKOFF_BASE_MS * Math.floor(draw * bound), electionBackoffMaxMs);
}
