import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { MetadataSnapshot } from "../metadata/metadataSnapshot.js";
import type { MetadataRecord } from "../metadata/records.js";
import type { BeginQuorumEpoch, FetchSnapshotRequest, RaftFetchRequest, VoteRequest, VoteResponse } from "../protocol/raftMessages.js";
import { RaftFetches } from "./raftFetches.js";
import { RaftFollowerFetcher } from "./raftFollowerFetcher.js";
import { EpochElection, recordCandidateVote } from "./raftEpochElection.js";
import { RaftLeaderState } from "./raftLeaderState.js";
import { type MetadataRetention, RaftLog } from "./raftLog.js";
import { binaryExponentialElectionBackoffMs, canGrantVote, type RaftRole } from "./raftQuorumState.js";
import { RaftVoteRequests } from "./raftVoteRequests.js";

/** RaftMetadataLogCleanerManager: KafkaRaftClient cleans its log (KafkaMetadataLog.maybeClean) every 60 s. */
const LOG_CLEAN_INTERVAL_MS = 60_000;

export interface RaftConfig {
  voters: string[];
  electionTimeoutMs: number;
  fetchTimeoutMs: number;
  electionBackoffMaxMs: number;
  requestTimeoutMs: number;
  /** controller.quorum.retry.backoff.ms: a failed fetch is sent again after this. */
  retryBackoffMs: number;
  /** How long the leader holds a fetch with nothing new (KRaft long-polls fetches). */
  fetchMaxWaitMs: number;
  /** metadata.max.retention.bytes / .ms: when old snapshots and the log below the next one are deleted. */
  retention: MetadataRetention;
}

export interface RaftListener {
  becameLeader(): void;
  resigned(): void;
  /** New entries were appended (by the leader or fetched): apply them to the image. */
  appended(fromOffset: number): void;
  /** The log was truncated: rebuild the image. */
  truncated(): void;
  /** A snapshot fetched from the leader replaced the log (FetchSnapshot): rebuild the image from it. */
  loadedSnapshot(snapshot: MetadataSnapshot): void;
  committed(highWatermark: number): void;
}

/**
 * One controller's KRaft state machine (KIP-595, Kafka `KafkaRaftClient`): pull-based replication of the metadata
 * log, elections with randomized timeouts from the seeded stream, majority commit, and the leader's check-quorum
 * resignation. Elections start with a pre-vote (KIP-996, Kafka 4.0): a voter whose fetch or election timeout expires
 * becomes Prospective and asks for pre-votes in its epoch; only a majority of them makes it a Candidate that bumps
 * the epoch, so a voter cut off from the quorum comes back in its old epoch and follows the leader it left. Quorum state (epoch, vote) is durable. Requests go through the controller's KRaft NetworkClient (one
 * request in flight per connection, as KafkaRaftManager's); answers come back on the connection they were asked on.
 * A follower below the leader's log start downloads the leader's latest snapshot (KIP-630, FetchSnapshot); snapshots
 * are taken by the controller (`createSnapshot`) and let the log start move (`KafkaMetadataLog.maybeClean`).
 * The leader's answers to fetches are `RaftFetches`; a follower's fetching from its leader is `RaftFollowerFetcher`.
 * The states are `RaftRole` (Kafka 4's QuorumState names). Simplification: static voters; on restart a node starts
 * Unattached in its durable epoch with its durable vote (Kafka also persists the leader it knew and starts as its
 * Follower, or Resigned/Candidate when it led or stood in that epoch).
 */
export class RaftNode {
  epoch: number;
  votedFor: string | null;
  readonly log: RaftLog;
  highWatermark = 0;
  role: RaftRole = { kind: "unattached" };
  private electionTimer = -1;
  /** When the election timer (or a candidate's back-off) fires, µs; for `remainingElectionTimeMs`. */
  private electionDeadlineUs = 0;
  private checkQuorumTimer = -1;
  private readonly rnd;
  /** The leader's side of replication: answering fetches. */
  private readonly fetches: RaftFetches;
  /** The follower's side: fetching from the leader, its fetch timeout and snapshot downloads. */
  private readonly follower: RaftFollowerFetcher;
  /** A nominee's Vote requests, resent after a request timeout or a failure (RequestManager). */
  private readonly votes: RaftVoteRequests;
  /** When the log is next checked for retention (RaftMetadataLogCleanerManager), ms. */
  private nextCleanMs: number;
  /** The election timeout (randomized in [T, 2T], plus a back-off after a failed election). */
  private readonly election: Timer;
  /** Wakes the leader when its check-quorum timer (RaftLeaderState) would expire. */
  private readonly checkQuorumPeriod: Timer;

  constructor(
    private readonly ctx: ActorContext,
    private readonly cfg: RaftConfig,
    private readonly listener: RaftListener,
    private readonly client: NetworkClient,
  ) {
    this.log = ctx.disk.open("metadata-log", () => new RaftLog());
    this.epoch = ctx.disk.kv.get<number>("quorum.epoch") ?? 0;
    this.votedFor = ctx.disk.kv.get<string | null>("quorum.votedFor") ?? null;
    this.rnd = ctx.stream("raft-election");
    this.fetches = new RaftFetches(ctx, this, cfg.fetchMaxWaitMs);
    this.follower = new RaftFollowerFetcher(ctx, cfg, client, {
      log: this.log,
      epoch: () => this.epoch,
      following: () => (this.role.kind === "follower" ? this.role.leader : null),
      becomeFollower: (epoch, leader) => this.becomeFollower(epoch, leader),
      becomeUnattached: (epoch) => this.becomeUnattached(epoch),
      transitionToProspective: () => this.transitionToProspective(),
      fetchedFromLeader: () => {
        if (this.role.kind === "follower") this.role.hasFetchedFromLeader = true;
      },
      maybeCleanLog: () => this.maybeCleanLog(),
      advanceHighWatermark: (hw) => this.advanceFollowerHighWatermark(hw),
      appended: (fromOffset) => listener.appended(fromOffset),
      truncated: () => listener.truncated(),
      loadedSnapshot: (snapshot) => listener.loadedSnapshot(snapshot),
    });
    this.votes = new RaftVoteRequests(ctx, cfg, client, {
      asking: (election) => (this.role.kind === "prospective" || (this.role.kind === "candidate" && !this.role.backingOff)) && this.role.election === election,
      buildVoteRequest: (preVote) => ({ type: "Vote", correlationId: client.correlationId(), epoch: this.epoch, candidate: ctx.name, lastEpoch: this.log.lastEpoch(), lastOffset: this.log.endOffset, preVote }),
      handleVoteResponse: (from, res, election) => this.handleVoteResponse(from, res, election),
    });
    this.nextCleanMs = ctx.nowMs + LOG_CLEAN_INTERVAL_MS;
    this.election = ctx.timer(() => {
      this.electionTimer = -1;
      this.onElectionTimeout();
    });
    this.checkQuorumPeriod = ctx.timer(() => {
      this.checkQuorumTimer = -1;
      this.checkQuorum();
    });
  }

  get majority(): number {
    return Math.floor(this.cfg.voters.length / 2) + 1;
  }

  /** The leader this node knows in its epoch (QuorumState.leaderId): a Prospective keeps the one it followed. */
  get leader(): string | null {
    switch (this.role.kind) {
      case "leader":
        return this.ctx.name;
      case "follower":
      case "prospective":
        return this.role.leader;
      default:
        return null;
    }
  }

  isLeader(): boolean {
    return this.role.kind === "leader";
  }

  /**
   * QuorumState.leaderIdOrSentinel: the leader named in this node's Vote, Fetch and FetchSnapshot answers. A
   * Resigned leader names itself (ResignedState.election() is withElectedLeader(epoch, localId)), where `leader`,
   * what the controller acts on, is null once it resigned. Simplification: Kafka's QuorumController also hints
   * itself (latestController() is raftClient.leaderAndEpoch().leaderId()) in NOT_CONTROLLER answers while resigned.
   */
  private get leaderIdOrSentinel(): string | null {
    return this.role.kind === "resigned" ? this.ctx.name : this.leader;
  }

  /**
   * KafkaRaftClient.initialize: the node starts Unattached in its durable epoch with its election timer running; an
   * only voter becomes Candidate at once (`quorum.isOnlyVoter() && !quorum.isCandidate()` → transitionToCandidate),
   * its own vote a majority, so it leads in the next epoch without waiting an election timeout.
   */
  start(): void {
    this.resetElectionTimer();
    if (this.cfg.voters.length === 1 && this.cfg.voters[0] === this.ctx.name) this.transitionToCandidate();
  }

  /** Leader only: appends a record in the current epoch. Returns its offset. */
  append(record: MetadataRecord): number {
    if (this.role.kind !== "leader") throw new Error("append on a non-leader");
    const offset = this.log.endOffset;
    this.log.append([{ epoch: this.epoch, record }]);
    this.listener.appended(offset);
    if (this.role.state.updateLocalState(this.log.endOffset)) this.onUpdateLeaderHighWatermark(this.role.state);
    this.fetches.answerParked();
    return offset;
  }

  /**
   * A leader announced itself (KIP-595 BeginQuorumEpoch; KafkaRaftClient.maybeTransition): followed when its epoch is
   * higher, or is this node's and this node knows no leader in it (a Prospective that knows one keeps to its election).
   */
  handleBeginQuorumEpoch(m: BeginQuorumEpoch): void {
    if (m.epoch > this.epoch || (m.epoch === this.epoch && this.leader === null && this.role.kind !== "leader" && this.role.kind !== "resigned")) this.becomeFollower(m.epoch, m.leader);
  }

  /**
   * RaftClient.createSnapshot + onSnapshotFrozen: keeps `snapshot` (of committed state: its end offset is at most
   * the high watermark, and newer than the latest snapshot held). Returns whether it kept it.
   */
  createSnapshot(snapshot: MetadataSnapshot): boolean {
    const latest = this.log.latestSnapshot();
    if (snapshot.id.endOffset > this.highWatermark || snapshot.id.endOffset < this.log.startOffset || (latest && snapshot.id.endOffset <= latest.id.endOffset)) return false;
    this.log.addSnapshot(snapshot);
    return true;
  }

  /**
   * KafkaRaftClient.poll's periodic log clean (RaftMetadataLogCleanerManager, every 60 s): checked on each Fetch the
   * leader serves or the follower is answered, as Kafka's poll loop runs on them, and after a snapshot is taken.
   */
  maybeCleanLog(): void {
    if (this.ctx.nowMs < this.nextCleanMs) return;
    this.nextCleanMs = this.ctx.nowMs + LOG_CLEAN_INTERVAL_MS;
    const from = this.log.startOffset;
    if (this.log.maybeClean(this.ctx.nowMs, this.cfg.retention)) this.ctx.trace("raft.log-start", { from, to: this.log.startOffset, sizeBytes: this.log.sizeBytes });
  }

  // ---- elections ----

  private persist(): void {
    this.ctx.disk.kv.put("quorum.epoch", this.epoch);
    this.ctx.disk.kv.put("quorum.votedFor", this.votedFor);
    this.ctx.disk.kv.fsync();
  }

  /** QuorumState.randomElectionTimeoutMs: the election timeout randomized in [T, 2T), ms. */
  private randomElectionTimeoutMs(): number {
    return this.cfg.electionTimeoutMs * (1 + this.rnd.next());
  }

  /** (Re)arms the election timer (election timeout or a candidate's back-off) to fire in `ms`. */
  private setElectionTimer(ms: number): void {
    if (this.electionTimer >= 0) this.election.cancel(this.electionTimer);
    this.electionDeadlineUs = this.ctx.nowUs + ms * 1000;
    this.electionTimer = this.election.set(ms);
  }

  private cancelElectionTimer(): void {
    if (this.electionTimer >= 0) this.election.cancel(this.electionTimer);
    this.electionTimer = -1;
  }

  /** The time left on the election timer, ms (0 once it fired). */
  private remainingElectionTimeMs(): number {
    return this.electionTimer < 0 ? 0 : Math.max(0, (this.electionDeadlineUs - this.ctx.nowUs) / 1000);
  }

  private resetElectionTimer(): void {
    this.setElectionTimer(this.randomElectionTimeoutMs());
  }

  /** KafkaRaftClient's poll of each state when its election timer expires (pollUnattachedAsVoter, pollProspective, pollCandidate, pollResigned). */
  private onElectionTimeout(): void {
    const role = this.role;
    switch (role.kind) {
      case "unattached":
        this.transitionToProspective();
        return;
      case "prospective":
        this.prospectiveTransitionAfterElectionLoss(role);
        return;
      case "candidate":
        // The election timed out: back off, then stand as Prospective again (pollCandidate).
        if (role.backingOff) this.transitionToProspective();
        else this.startBackingOff(role);
        return;
      case "resigned":
        // pollResigned: a resigned leader may not vote in its own epoch; it goes on Unattached in the next, whose
        // election timeout is what is left of its own (none), so at once Prospective.
        this.becomeUnattached(this.epoch + 1, 0);
        return;
      default:
        return;
    }
  }

  /**
   * QuorumState.transitionToProspective (KIP-996): after a fetch or election timeout, or a lost election as
   * Candidate, ask every voter for a pre-vote in the current epoch, keeping the epoch, the vote cast in it and the
   * leader known in it. Nothing is persisted: the durable state does not change.
   */
  private transitionToProspective(): void {
    const retries = this.role.kind === "candidate" ? this.role.retries + 1 : 1;
    const leader = this.leader;
    const wasLeader = this.role.kind === "leader";
    this.clearRoleTimers();
    const role: RaftRole = { kind: "prospective", election: new EpochElection(this.cfg.voters, this.ctx.name), leader, retries };
    this.role = role;
    if (wasLeader) this.listener.resigned();
    this.ctx.trace("raft.prospective", { epoch: this.epoch, ...(leader !== null ? { leader } : {}) });
    this.setElectionTimer(this.randomElectionTimeoutMs());
    this.sendVoteRequests(role.election, true);
    this.maybeTransitionForward();
  }

  /**
   * KafkaRaftClient.prospectiveTransitionAfterElectionLoss: a Prospective whose pre-vote was rejected by a majority
   * or timed out goes back to following the leader it knew, in the same epoch (no epoch bump), else to Unattached.
   */
  private prospectiveTransitionAfterElectionLoss(role: Extract<RaftRole, { kind: "prospective" }>): void {
    if (role.leader !== null) {
      this.becomeFollower(this.epoch, role.leader);
      return;
    }
    // QuorumState.transitionToUnattached: a timed-out pre-vote leaves what was left of its timeout (none), so the
    // node stands again at once; a rejected one waits a fresh election timeout.
    const timeoutMs = role.election.isVoteRejected() ? this.randomElectionTimeoutMs() : this.remainingElectionTimeMs();
    this.becomeUnattached(this.epoch, timeoutMs);
  }

  /** QuorumState.transitionToCandidate: a Prospective with a majority of pre-votes bumps the epoch and asks for votes. */
  private transitionToCandidate(): void {
    const retries = this.role.kind === "prospective" ? this.role.retries : 1;
    this.clearRoleTimers();
    this.epoch++;
    this.votedFor = this.ctx.name;
    this.persist();
    const role: RaftRole = { kind: "candidate", election: new EpochElection(this.cfg.voters, this.ctx.name), retries, backingOff: false };
    this.role = role;
    this.ctx.trace("raft.candidate", { epoch: this.epoch, lastOffset: this.log.endOffset });
    this.setElectionTimer(this.randomElectionTimeoutMs());
    this.sendVoteRequests(role.election, false);
    this.maybeTransitionForward();
  }

  /**
   * KafkaRaftClient.maybeSendVoteRequests: a Vote (a pre-vote when Prospective) to every other voter, sent again to a
   * voter that has not answered after a request timeout or a failure (`RaftVoteRequests`); answers count only toward
   * this `election` (a later state's election does not take an earlier state's answers).
   */
  private sendVoteRequests(election: EpochElection, preVote: boolean): void {
    this.votes.start(election, preVote);
  }

  /** KafkaRaftClient.maybeTransitionForward: a majority granted: a Candidate leads, a Prospective stands as Candidate. */
  private maybeTransitionForward(): void {
    const role = this.role;
    if ((role.kind !== "candidate" && role.kind !== "prospective") || !role.election.isVoteGranted()) return;
    if (role.kind === "candidate") this.becomeLeader();
    else this.transitionToCandidate();
  }

  /**
   * KafkaRaftClient.maybeHandleElectionLoss: a Candidate rejected by a majority backs off at once (not waiting for its
   * election timeout); a rejected Prospective goes back to its leader or to Unattached.
   */
  private maybeHandleElectionLoss(): void {
    const role = this.role;
    if ((role.kind !== "candidate" && role.kind !== "prospective") || !role.election.isVoteRejected()) return;
    if (role.kind === "candidate") {
      if (!role.backingOff) this.startBackingOff(role);
    } else this.prospectiveTransitionAfterElectionLoss(role);
  }

  /** CandidateState.startBackingOff with KafkaRaftClient.binaryExponentialElectionBackoffMs(retries). */
  private startBackingOff(role: Extract<RaftRole, { kind: "candidate" }>): void {
    role.backingOff = true;
    this.setElectionTimer(binaryExponentialElectionBackoffMs(role.retries, this.cfg.electionBackoffMaxMs, this.rnd.next()));
  }

  /**
   * KafkaRaftClient.handleVoteRequest: a higher epoch (even a pre-vote's) makes this node Unattached in it; then the
   * state decides (`canGrantVote`) on the sender's log being at least as up to date as this node's. A granted real
   * vote is durable and restarts the election timeout; a pre-vote changes nothing here. The answer names this
   * node's epoch and the leader it knows.
   */
  handleVote(req: VoteRequest, conn: ConnectionId): void {
    if (req.epoch > this.epoch) this.becomeUnattached(req.epoch);
    let granted = false;
    if (req.epoch === this.epoch) {
      const upToDate = req.lastEpoch > this.log.lastEpoch() || (req.lastEpoch === this.log.lastEpoch() && req.lastOffset >= this.log.endOffset);
      granted = canGrantVote(this.role, this.votedFor, req.candidate, upToDate, req.preVote);
      if (granted && !req.preVote && this.votedFor === null) this.addVotedState(req.candidate);
    }
    this.ctx.write(conn, { type: "VoteResponse", correlationId: req.correlationId, epoch: this.epoch, leader: this.leaderIdOrSentinel, granted } satisfies VoteResponse);
  }

  /**
   * QuorumState.unattachedAddVotedState / prospectiveAddVotedState: the vote for `candidate` is persisted and the
   * election timeout starts again (the candidate has as good a chance as this node); a Prospective's pre-vote
   * starts over in a fresh ProspectiveState.
   */
  private addVotedState(candidate: string): void {
    this.votedFor = candidate;
    this.persist();
    const role = this.role;
    if (role.kind === "prospective") {
      const fresh: RaftRole = { ...role, election: new EpochElection(this.cfg.voters, this.ctx.name) };
      this.role = fresh;
      this.resetElectionTimer();
      this.sendVoteRequests(fresh.election, true);
    } else if (role.kind === "unattached") this.resetElectionTimer();
  }

  /**
   * KafkaRaftClient.handleVoteResponse after maybeHandleCommonResponse: a higher epoch moves this node to it (following
   * its leader when the answer names one); an answer in this epoch naming a leader this node did not know makes it
   * that leader's Follower; otherwise the vote counts toward `election` if that is still this node's.
   */
  private handleVoteResponse(from: string, res: VoteResponse, election: EpochElection): void {
    if (res.epoch > this.epoch) {
      if (res.leader !== null && res.leader !== this.ctx.name) this.becomeFollower(res.epoch, res.leader);
      else this.becomeUnattached(res.epoch);
      return;
    }
    if (res.epoch < this.epoch) return;
    if (res.leader !== null && res.leader !== this.ctx.name && this.leader === null && this.role.kind !== "resigned") {
      this.becomeFollower(this.epoch, res.leader);
      return;
    }
    const role = this.role;
    if ((role.kind !== "candidate" && role.kind !== "prospective") || role.election !== election) return;
    if (role.kind === "prospective") role.election.recordVote(from, res.granted);
    else {
      // CandidateState refuses a changed answer (IllegalArgumentException); only the latest request's answer comes
      // through (RaftVoteRequests) and none is sent to a voter that answered, so the model ignores a repeated answer
      // instead of failing the run.
      if (role.election.isGrantedVoter(from) || role.election.isRejectedVoter(from)) return;
      recordCandidateVote(role.election, from, res.granted);
    }
    if (res.granted) this.maybeTransitionForward();
    else this.maybeHandleElectionLoss();
  }

  /**
   * QuorumState.transitionToUnattached: no leader known in `epoch`; a new epoch forgets the vote cast in the old one.
   * The election timeout is `timeoutMs`, by default what is left of a nominee's, Unattached's or Resigned's own, or
   * a fresh one after Leader or Follower.
   */
  private becomeUnattached(epoch: number, timeoutMs?: number): void {
    const kind = this.role.kind;
    const wasLeader = kind === "leader";
    const remaining = (kind === "candidate" || kind === "unattached" || kind === "resigned" || (kind === "prospective" && !this.role.election.isVoteRejected())) && this.electionTimer >= 0;
    const t = timeoutMs ?? (remaining ? this.remainingElectionTimeMs() : this.randomElectionTimeoutMs());
    this.clearRoleTimers();
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.votedFor = null;
      this.persist();
    }
    this.role = { kind: "unattached" };
    if (wasLeader) this.listener.resigned();
    this.setElectionTimer(t);
  }

  private becomeLeader(): void {
    this.clearRoleTimers();
    this.cancelElectionTimer();
    const state = new RaftLeaderState(this.ctx.name, this.cfg.voters, this.log.endOffset, this.ctx.nowUs, this.cfg.fetchTimeoutMs);
    this.role = { kind: "leader", state };
    this.ctx.trace("raft.leader", { epoch: this.epoch, logEnd: this.log.endOffset });
    // The model does not wait for BeginQuorumEpoch's answer: the new leader learns of its followers from their fetches.
    for (const v of this.cfg.voters)
      if (v !== this.ctx.name) this.client.sendWhenReady(v, { type: "BeginQuorumEpoch", correlationId: this.client.correlationId(), epoch: this.epoch, leader: this.ctx.name } satisfies BeginQuorumEpoch, null);
    // The LeaderChange record commits entries of earlier epochs once it is committed itself.
    this.append({ type: "LeaderChange", leader: this.ctx.name, epoch: this.epoch });
    this.armCheckQuorum(state);
    this.listener.becameLeader();
  }

  private becomeFollower(epoch: number, leader: string): void {
    const wasLeader = this.role.kind === "leader";
    const changed = epoch !== this.epoch || this.role.kind !== "follower" || this.role.leader !== leader;
    if (!changed) return;
    this.clearRoleTimers();
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.votedFor = null;
      this.persist();
    }
    this.cancelElectionTimer();
    this.role = { kind: "follower", leader, hasFetchedFromLeader: false };
    // KafkaRaftClient.onBecomeFollower: the fetches parked on this node are answered at once, naming the new leader.
    this.fetches.completeAllExceptionally("NOT_LEADER_OR_FOLLOWER", this.epoch, leader, this.highWatermark);
    if (wasLeader) this.listener.resigned();
    this.ctx.trace("raft.follower", { epoch, leader });
    this.follower.sendFetch();
  }

  /** Wakes the leader when its check-quorum timer would expire (KafkaRaftClient.pollLeader's timeUntilCheckQuorumExpires). */
  private armCheckQuorum(state: RaftLeaderState): void {
    const ms = state.timeUntilCheckQuorumExpiresMs(this.ctx.nowUs);
    if (ms !== Infinity) this.checkQuorumTimer = this.checkQuorumPeriod.set(ms);
  }

  /**
   * KRaft check-quorum (KafkaRaftClient.pollLeader): a leader whose LeaderState check-quorum timer expired — no
   * majority of voters fetched within 1.5 × controller.quorum.fetch.timeout.ms since it last restarted — becomes
   * Resigned (QuorumState.transitionToResigned; not persisted: its vote for itself in this epoch is). A timer that
   * was restarted meanwhile is waited for again.
   */
  private checkQuorum(): void {
    if (this.role.kind !== "leader") return;
    if (this.role.state.timeUntilCheckQuorumExpiresMs(this.ctx.nowUs) === 0) {
      this.ctx.trace("raft.resign", { epoch: this.epoch, reason: "no majority fetched within check-quorum window" });
      // KafkaRaftClient.transitionToResigned: the parked fetches are answered before the state changes, so they name
      // this epoch and this node.
      this.fetches.completeAllExceptionally("NOT_LEADER_OR_FOLLOWER", this.epoch, this.ctx.name, this.highWatermark);
      this.clearRoleTimers();
      this.role = { kind: "resigned" };
      this.listener.resigned();
      this.resetElectionTimer();
      return;
    }
    this.armCheckQuorum(this.role.state);
  }

  private clearRoleTimers(): void {
    this.follower.cancel();
    this.votes.cancel();
    if (this.checkQuorumTimer >= 0) this.checkQuorumPeriod.cancel(this.checkQuorumTimer);
    this.checkQuorumTimer = -1;
    // The fetch purgatory outlives the role (KafkaRaftClient completes it only on becoming Follower or Resigned; a
    // leader gone Unattached answers a parked fetch when it expires, RaftFetches).
  }

  // ---- replication ----

  handleFetch(from: string, req: RaftFetchRequest, conn: ConnectionId): void {
    if (req.epoch > this.epoch && !req.observer) {
      this.becomeUnattached(req.epoch);
    }
    if (this.role.kind !== "leader") return this.fetches.refuse(req, conn, "NOT_LEADER_OR_FOLLOWER", this.epoch, this.leaderIdOrSentinel, this.highWatermark);
    // A voter that missed an election is told who leads now.
    if (req.epoch < this.epoch && !req.observer) return this.fetches.refuse(req, conn, "FENCED_LEADER_EPOCH", this.epoch, this.ctx.name, this.highWatermark);
    // KafkaRaftClient.tryCompleteFetchRequest: only a valid fetch (at offset N with a matching last epoch, proving the
    // follower has everything below N) updates the replica's state and counts for check-quorum; one that diverges or
    // is sent to a snapshot does not.
    if (!req.observer && this.fetches.validate(req).kind === "valid" && this.role.state.updateReplicaState(req.replica, this.ctx.nowUs, req.fetchOffset)) this.onUpdateLeaderHighWatermark(this.role.state);
    this.fetches.answerOrPark(from, req, conn);
    this.maybeCleanLog();
  }

  /** KafkaRaftClient.onUpdateLeaderHighWatermark: the leader's HW moved (LeaderState decided it): commit up to it. */
  private onUpdateLeaderHighWatermark(state: RaftLeaderState): void {
    const hw = state.highWatermark;
    if (hw === null) return;
    this.highWatermark = hw;
    this.listener.committed(hw);
    this.fetches.answerParked();
  }

  /** A follower's HW: the leader's, up to its own log end (KafkaRaftClient.updateFollowerHighWatermark). */
  private advanceFollowerHighWatermark(leaderHighWatermark: number): void {
    const hw = Math.min(leaderHighWatermark, this.log.endOffset);
    if (hw > this.highWatermark) {
      this.highWatermark = hw;
      this.listener.committed(hw);
    }
  }

  /**
   * KafkaRaftClient.handleFetchSnapshotRequest (leader only): a chunk of the snapshot asked for, from its position;
   * a voter's FetchSnapshot counts for check-quorum as its Fetch does.
   */
  handleFetchSnapshot(req: FetchSnapshotRequest, conn: ConnectionId): void {
    if (this.role.kind === "leader" && req.epoch === this.epoch && req.replica !== this.ctx.name) this.role.state.updateCheckQuorumForFollowingVoter(req.replica, this.ctx.nowUs);
    const error = this.role.kind !== "leader" ? "NOT_LEADER_OR_FOLLOWER" : req.epoch < this.epoch ? "FENCED_LEADER_EPOCH" : null;
    this.fetches.answerFetchSnapshot(req, conn, error, this.leaderIdOrSentinel);
  }
}

