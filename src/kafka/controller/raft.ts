import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { MetadataSnapshot } from "../metadata/metadataSnapshot.js";
import type { MetadataRecord } from "../metadata/records.js";
import type { BeginQuorumEpoch, FetchSnapshotRequest, RaftFetchRequest, VoteRequest, VoteResponse } from "../protocol/raftMessages.js";
import { RaftFetches } from "./raftFetches.js";
import { RaftFollowerFetcher } from "./raftFollowerFetcher.js";
import { RaftLeaderState } from "./raftLeaderState.js";
import { type MetadataRetention, RaftLog } from "./raftLog.js";

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

type Role =
  | { kind: "unattached" }
  | { kind: "follower"; leader: string }
  | { kind: "candidate"; votes: Set<string> }
  | { kind: "leader"; state: RaftLeaderState };

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
 * resignation. Quorum state (epoch, vote) is durable. Requests go through the controller's KRaft NetworkClient (one
 * request in flight per connection, as KafkaRaftManager's); answers come back on the connection they were asked on.
 * A follower below the leader's log start downloads the leader's latest snapshot (KIP-630, FetchSnapshot); snapshots
 * are taken by the controller (`createSnapshot`) and let the log start move (`KafkaMetadataLog.maybeClean`).
 * The leader's answers to fetches are `RaftFetches`; a follower's fetching from its leader is `RaftFollowerFetcher`.
 * Simplification: no pre-vote (KIP-996), static voters.
 */
export class RaftNode {
  epoch: number;
  votedFor: string | null;
  readonly log: RaftLog;
  highWatermark = 0;
  role: Role = { kind: "unattached" };
  private electionTimer = -1;
  private checkQuorumTimer = -1;
  private readonly rnd;
  /** The leader's side of replication: answering fetches. */
  private readonly fetches: RaftFetches;
  /** The follower's side: fetching from the leader, its fetch timeout and snapshot downloads. */
  private readonly follower: RaftFollowerFetcher;
  /** When the log is next checked for retention (RaftMetadataLogCleanerManager), ms. */
  private nextCleanMs: number;
  /** The election timeout (randomized in [T, 2T], plus a back-off after a failed election). */
  private readonly election: Timer;
  /** The leader's check-quorum period. */
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
      startElection: () => this.startElection(),
      maybeCleanLog: () => this.maybeCleanLog(),
      advanceHighWatermark: (hw) => this.advanceFollowerHighWatermark(hw),
      appended: (fromOffset) => listener.appended(fromOffset),
      truncated: () => listener.truncated(),
      loadedSnapshot: (snapshot) => listener.loadedSnapshot(snapshot),
    });
    this.nextCleanMs = ctx.nowMs + LOG_CLEAN_INTERVAL_MS;
    this.election = ctx.timer(() => {
      this.electionTimer = -1;
      if (this.role.kind !== "leader") this.startElection();
    });
    this.checkQuorumPeriod = ctx.timer(() => {
      this.checkQuorumTimer = -1;
      this.checkQuorum();
    });
  }

  get majority(): number {
    return Math.floor(this.cfg.voters.length / 2) + 1;
  }

  get leader(): string | null {
    return this.role.kind === "leader" ? this.ctx.name : this.role.kind === "follower" ? this.role.leader : null;
  }

  isLeader(): boolean {
    return this.role.kind === "leader";
  }

  start(): void {
    this.resetElectionTimer();
  }

  /** Leader only: appends a record in the current epoch. Returns its offset. */
  append(record: MetadataRecord): number {
    if (this.role.kind !== "leader") throw new Error("append on a non-leader");
    const offset = this.log.endOffset;
    this.log.append([{ epoch: this.epoch, record }]);
    this.listener.appended(offset);
    this.role.state.updateLocalState(this.log.endOffset);
    this.maybeAdvanceHighWatermark();
    this.fetches.answerParked();
    return offset;
  }

  /** A higher epoch's leader announced itself (KIP-595 BeginQuorumEpoch). */
  handleBeginQuorumEpoch(m: BeginQuorumEpoch): void {
    if (m.epoch >= this.epoch && !(m.epoch === this.epoch && this.role.kind === "leader")) this.becomeFollower(m.epoch, m.leader);
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

  private resetElectionTimer(): void {
    if (this.electionTimer >= 0) this.election.cancel(this.electionTimer);
    // KRaft randomizes the election timeout in [T, 2T].
    const t = this.cfg.electionTimeoutMs * (1 + this.rnd.next());
    this.electionTimer = this.election.set(t);
  }

  private startElection(): void {
    const wasLeader = this.role.kind === "leader";
    this.clearRoleTimers();
    this.epoch++;
    this.votedFor = this.ctx.name;
    this.persist();
    this.role = { kind: "candidate", votes: new Set([this.ctx.name]) };
    if (wasLeader) this.listener.resigned();
    this.ctx.trace("raft.candidate", { epoch: this.epoch, lastOffset: this.log.endOffset });
    for (const v of this.cfg.voters) {
      if (v === this.ctx.name) continue;
      const req: VoteRequest = { type: "Vote", correlationId: this.client.correlationId(), epoch: this.epoch, candidate: this.ctx.name, lastEpoch: this.log.lastEpoch(), lastOffset: this.log.endOffset };
      this.client.sendWhenReady(v, req, (res) => {
        if (res.type !== "Disconnected") this.handleVoteResponse(v, res);
      });
    }
    if (this.role.votes.size >= this.majority) {
      this.becomeLeader();
      return;
    }
    // Election timeout plus a random back-off before the next attempt (controller.quorum.election.backoff.max.ms).
    if (this.electionTimer >= 0) this.election.cancel(this.electionTimer);
    const t = this.cfg.electionTimeoutMs * (1 + this.rnd.next()) + this.rnd.next() * this.cfg.electionBackoffMaxMs;
    this.electionTimer = this.election.set(t);
  }

  handleVote(req: VoteRequest, conn: ConnectionId): void {
    if (req.epoch > this.epoch) this.becomeUnattached(req.epoch);
    let granted = false;
    if (req.epoch === this.epoch && this.role.kind !== "leader") {
      const upToDate = req.lastEpoch > this.log.lastEpoch() || (req.lastEpoch === this.log.lastEpoch() && req.lastOffset >= this.log.endOffset);
      if ((this.votedFor === null || this.votedFor === req.candidate) && upToDate) {
        granted = true;
        this.votedFor = req.candidate;
        this.persist();
        this.resetElectionTimer();
      }
    }
    this.ctx.write(conn, { type: "VoteResponse", correlationId: req.correlationId, epoch: this.epoch, granted } satisfies VoteResponse);
  }

  private handleVoteResponse(from: string, res: VoteResponse): void {
    if (res.epoch > this.epoch) {
      this.becomeUnattached(res.epoch);
      return;
    }
    if (this.role.kind !== "candidate" || res.epoch !== this.epoch || !res.granted) return;
    this.role.votes.add(from);
    if (this.role.votes.size >= this.majority) this.becomeLeader();
  }

  private becomeUnattached(epoch: number): void {
    const wasLeader = this.role.kind === "leader";
    this.clearRoleTimers();
    this.epoch = epoch;
    this.votedFor = null;
    this.persist();
    this.role = { kind: "unattached" };
    if (wasLeader) this.listener.resigned();
    this.resetElectionTimer();
  }

  private becomeLeader(): void {
    this.clearRoleTimers();
    if (this.electionTimer >= 0) this.election.cancel(this.electionTimer);
    this.electionTimer = -1;
    this.role = { kind: "leader", state: new RaftLeaderState(this.ctx.name, this.cfg.voters, this.log.endOffset, this.ctx.nowUs) };
    this.ctx.trace("raft.leader", { epoch: this.epoch, logEnd: this.log.endOffset });
    // The model does not wait for BeginQuorumEpoch's answer: the new leader learns of its followers from their fetches.
    for (const v of this.cfg.voters)
      if (v !== this.ctx.name) this.client.sendWhenReady(v, { type: "BeginQuorumEpoch", correlationId: this.client.correlationId(), epoch: this.epoch, leader: this.ctx.name } satisfies BeginQuorumEpoch, null);
    // The LeaderChange record commits entries of earlier epochs once it is committed itself.
    this.append({ type: "LeaderChange", leader: this.ctx.name, epoch: this.epoch });
    this.checkQuorumTimer = this.checkQuorumPeriod.set(this.cfg.fetchTimeoutMs * 1.5);
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
    if (this.electionTimer >= 0) this.election.cancel(this.electionTimer);
    this.electionTimer = -1;
    this.role = { kind: "follower", leader };
    if (wasLeader) this.listener.resigned();
    this.ctx.trace("raft.follower", { epoch, leader });
    this.follower.sendFetch();
  }

  /** KRaft check-quorum: a leader that has not heard from a majority within 1.5 × fetch timeout resigns. */
  private checkQuorum(): void {
    if (this.role.kind !== "leader") return;
    const windowUs = this.cfg.fetchTimeoutMs * 1.5 * 1000;
    if (this.role.state.votersHeardWithin(this.ctx.nowUs, windowUs) < this.majority) {
      this.ctx.trace("raft.resign", { epoch: this.epoch, reason: "no majority fetched within check-quorum window" });
      this.becomeUnattached(this.epoch);
      this.votedFor = this.ctx.name;
      this.persist();
      return;
    }
    this.checkQuorumTimer = this.checkQuorumPeriod.set(this.cfg.fetchTimeoutMs * 1.5);
  }

  private clearRoleTimers(): void {
    this.follower.cancel();
    if (this.checkQuorumTimer >= 0) this.checkQuorumPeriod.cancel(this.checkQuorumTimer);
    this.checkQuorumTimer = -1;
    this.fetches.clear();
  }

  // ---- replication ----

  handleFetch(from: string, req: RaftFetchRequest, conn: ConnectionId): void {
    if (req.epoch > this.epoch && !req.observer) {
      this.becomeUnattached(req.epoch);
    }
    if (this.role.kind !== "leader") return this.fetches.refuse(req, conn, "NOT_LEADER_OR_FOLLOWER", this.epoch, this.leader, this.highWatermark);
    // A voter that missed an election is told who leads now.
    if (req.epoch < this.epoch && !req.observer) return this.fetches.refuse(req, conn, "FENCED_LEADER_EPOCH", this.epoch, this.ctx.name, this.highWatermark);
    if (!req.observer) {
      this.role.state.recordFetch(req.replica, this.ctx.nowUs);
      // A fetch at offset N with a matching last epoch proves the follower has everything below N.
      if (this.fetches.validate(req).kind === "valid") {
        this.role.state.updateReplicaState(req.replica, req.fetchOffset);
        this.maybeAdvanceHighWatermark();
      }
    }
    this.fetches.answerOrPark(from, req, conn);
    this.maybeCleanLog();
  }

  private maybeAdvanceHighWatermark(): void {
    if (this.role.kind !== "leader") return;
    const candidate = this.role.state.highWatermarkCandidate(this.log.endOffset, this.majority, this.highWatermark);
    if (candidate !== null) {
      this.highWatermark = candidate;
      this.listener.committed(candidate);
      this.fetches.answerParked();
    }
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
    if (this.role.kind === "leader" && req.epoch === this.epoch && this.cfg.voters.includes(req.replica)) this.role.state.recordFetch(req.replica, this.ctx.nowUs);
    const error = this.role.kind !== "leader" ? "NOT_LEADER_OR_FOLLOWER" : req.epoch < this.epoch ? "FENCED_LEADER_EPOCH" : null;
    this.fetches.answerFetchSnapshot(req, conn, error, this.leader);
  }
}

