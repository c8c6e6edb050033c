import type { ActorContext, Timer } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { VoteRequest, VoteResponse } from "../protocol/raftMessages.js";
import type { EpochElection } from "./raftEpochElection.js";

/** What sending a nominee's Vote requests needs of its `RaftNode`. */
export interface RaftVoteHost {
  /**
   * Whether `election` is still the node's and it still asks for votes in it (KafkaRaftClient.pollCandidate /
   * pollProspective call maybeSendVoteRequests only then: not while a Candidate backs off).
   */
  asking(election: EpochElection): boolean;
  /** The Vote (a pre-vote when `preVote`) to send now, with a fresh correlation id (KafkaRaftClient.buildVoteRequest). */
  buildVoteRequest(preVote: boolean): VoteRequest;
  /** An answer to this election's request (KafkaRaftClient.handleVoteResponse). */
  handleVoteResponse(from: string, res: VoteResponse, election: EpochElection): void;
}

/** The timings of resending a Vote (the quorum's settings, ms). */
export interface RaftVoteRequestConfig {
  /** controller.quorum.request.timeout.ms: an unanswered Vote is sent again after this. */
  requestTimeoutMs: number;
  /** controller.quorum.retry.backoff.ms: a Vote whose connection failed is sent again after this. */
  retryBackoffMs: number;
}

interface Retry {
  election: EpochElection;
  voter: string;
  preVote: boolean;
}

/**
 * A nominee's (Prospective's or Candidate's) Vote requests, resent as Kafka's KafkaRaftClient.maybeSendVoteRequests
 * does with its RequestManager (apache/kafka 1eb7644, RequestManager.isReady / onResponseResult / ConnectionState):
 * each voter that has not answered (EpochElection.unrecordedVoters) is sent a Vote, while the election can still be
 * won (`!isVoteRejected`); a request unanswered after controller.quorum.request.timeout.ms makes that voter ready
 * at once (ConnectionState.hasRequestTimedOut), so it is sent again; one that failed (its connection lost, or
 * refused: handleVoteResponse is not handledSuccessfully, onResponseResult backs the connection off) is sent again
 * after controller.quorum.retry.backoff.ms (ConnectionState.isBackoffComplete). Only the answer to the latest
 * request to a voter counts (RequestManager.isResponseExpected). A new election starts with every voter ready
 * (KafkaRaftClient.resetConnections on each transition); `cancel` drops the retries of the old one.
 * Kafka 4.0's pollProspective sends pre-votes through the same maybeSendVoteRequests (KIP-996).
 */
export class RaftVoteRequests {
  /** The latest correlation id sent to each voter in the current election (RequestManager's inFlightCorrelationId). */
  private readonly expected = new Map<string, number>();
  /** Back-off timers of failed requests, by voter. */
  private readonly retryTimers = new Map<string, number>();
  private readonly retry: Timer<Retry>;

  constructor(
    ctx: ActorContext,
    private readonly cfg: RaftVoteRequestConfig,
    private readonly client: NetworkClient,
    private readonly host: RaftVoteHost,
  ) {
    this.retry = ctx.timer((r) => {
      this.retryTimers.delete(r.voter);
      this.maybeSend(r.election, r.voter, r.preVote);
    });
  }

  /** KafkaRaftClient.maybeSendVoteRequests at the start of `election`: a Vote to every other voter. */
  start(election: EpochElection, preVote: boolean): void {
    this.cancel();
    for (const v of election.unrecordedVoters()) this.maybeSend(election, v, preVote);
  }

  /** The node left the election (resetConnections): no retry of it goes on, no answer to it is expected. */
  cancel(): void {
    for (const id of this.retryTimers.values()) this.retry.cancel(id);
    this.retryTimers.clear();
    this.expected.clear();
  }

  private maybeSend(election: EpochElection, voter: string, preVote: boolean): void {
    if (!this.host.asking(election) || election.isVoteRejected() || !election.unrecordedVoters().includes(voter)) return;
    const req = this.host.buildVoteRequest(preVote);
    this.expected.set(voter, req.correlationId);
    this.client.sendWhenReady(
      voter,
      req,
      (res) => {
        if (this.expected.get(voter) !== req.correlationId) return;
        if (res.type !== "Disconnected") return this.host.handleVoteResponse(voter, res, election);
        this.expected.delete(voter);
        if (res.timedOut) this.maybeSend(election, voter, preVote);
        else this.retryTimers.set(voter, this.retry.set(this.cfg.retryBackoffMs, { election, voter, preVote }));
      },
      this.cfg.requestTimeoutMs,
    );
  }
}
