import type { ActorContext, Timer } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { MetadataSnapshot } from "../metadata/metadataSnapshot.js";
import { SnapshotFetcher } from "../metadata/snapshotFetcher.js";
import type { RaftFetchRequest, RaftFetchResponse } from "../protocol/raftMessages.js";
import type { RaftLog } from "./raftLog.js";

/** What a voter's fetching needs of its `RaftNode`: its state, its role changes and its listener. */
export interface RaftFollowerHost {
  readonly log: RaftLog;
  /** The node's epoch now. */
  epoch(): number;
  /** The leader this node follows now; null when it is not a follower (unattached, candidate or leader). */
  following(): string | null;
  /** A fetch answer from a higher epoch named its leader: follow it (KafkaRaftClient.transitionToFollower). */
  becomeFollower(epoch: number, leader: string): void;
  /** A fetch answer from a higher epoch named no leader (KafkaRaftClient.transitionToUnattached). */
  becomeUnattached(epoch: number): void;
  /**
   * controller.quorum.fetch.timeout.ms passed without the leader's answer: stand as Prospective and ask for pre-votes
   * (KafkaRaftClient.pollFollowerAsVoter → transitionToProspective, KIP-996), keeping the epoch.
   */
  transitionToProspective(): void;
  /** The leader answered a fetch (FollowerState.resetFetchTimeoutForSuccessfulFetch sets hasFetchedFromLeader). */
  fetchedFromLeader(): void;
  /** KafkaRaftClient.poll's periodic log clean, checked on each answered fetch. */
  maybeCleanLog(): void;
  /** The follower's HW moves to min(`leaderHighWatermark`, its log end) when that is higher (offsets). */
  advanceHighWatermark(leaderHighWatermark: number): void;
  /** Entries fetched from the leader were appended from offset `fromOffset` (RaftListener.appended). */
  appended(fromOffset: number): void;
  /** The log was truncated to where it diverged from the leader's (RaftListener.truncated). */
  truncated(): void;
  /** A snapshot fetched from the leader replaced the log (RaftListener.loadedSnapshot). */
  loadedSnapshot(snapshot: MetadataSnapshot): void;
}

/** The timings of a voter's fetching (the quorum's settings, ms). */
export interface RaftFollowerConfig {
  /** controller.quorum.fetch.timeout.ms: no answer from the leader this long makes the follower Prospective. */
  fetchTimeoutMs: number;
  /** controller.quorum.retry.backoff.ms: a fetch whose connection failed or timed out is sent again after this. */
  retryBackoffMs: number;
}

/**
 * A voter's side of KRaft's pull replication while it follows a leader (Kafka `KafkaRaftClient.pollFollowerAsVoter`
 * → `maybeSendFetchOrFetchSnapshot`, `handleFetchResponse`, and `FollowerState`'s fetch timer): one Fetch of the
 * metadata log at a time from the log end with the last fetched epoch; an answer appends the leader's entries,
 * truncates to where the logs diverge (KIP-595 DivergingEpoch) or starts a snapshot download (KIP-630), moves the
 * follower's HW and fetches again. A higher epoch in an answer changes the node's role; no answer within
 * controller.quorum.fetch.timeout.ms makes the voter Prospective (a pre-vote, KIP-996); a failed fetch is retried after controller.quorum.retry.backoff.ms.
 * The leader's side (answering fetches) is `RaftFetches`.
 */
export class RaftFollowerFetcher {
  private fetchTimeoutTimer = -1;
  private fetchRetryTimer = -1;
  /** A follower's snapshot download (FollowerState.fetchingSnapshot). */
  private readonly snapshotFetcher: SnapshotFetcher;
  /** controller.quorum.fetch.timeout.ms without a leader's answer: a follower becomes Prospective. */
  private readonly fetchTimeout: Timer;
  /** A follower's fetch whose connection failed or timed out: fetch again after the retry back-off. */
  private readonly fetchRetry: Timer;

  constructor(
    private readonly ctx: ActorContext,
    private readonly cfg: RaftFollowerConfig,
    private readonly client: NetworkClient,
    private readonly node: RaftFollowerHost,
  ) {
    this.snapshotFetcher = new SnapshotFetcher(ctx, client);
    this.fetchTimeout = ctx.timer(() => {
      this.fetchTimeoutTimer = -1;
      const leader = this.node.following();
      if (leader !== null) {
        this.ctx.trace("raft.fetch-timeout", { leader, epoch: this.node.epoch() });
        this.node.transitionToProspective();
      }
    });
    this.fetchRetry = ctx.timer(() => {
      this.fetchRetryTimer = -1;
      if (this.node.following() !== null) this.sendFetch();
    });
  }

  /** The node's role changed: no fetch timeout, retry or snapshot download of the old role goes on. */
  cancel(): void {
    if (this.fetchTimeoutTimer >= 0) this.fetchTimeout.cancel(this.fetchTimeoutTimer);
    if (this.fetchRetryTimer >= 0) this.fetchRetry.cancel(this.fetchRetryTimer);
    this.fetchTimeoutTimer = this.fetchRetryTimer = -1;
    this.snapshotFetcher.cancel();
  }

  /** KafkaRaftClient.buildFetchRequest: a Fetch from the log end to the leader followed (none when not a follower). */
  sendFetch(): void {
    const leader = this.node.following();
    if (leader === null) return;
    const epoch = this.node.epoch();
    const req: RaftFetchRequest = {
      type: "Fetch",
      correlationId: this.client.correlationId(),
      epoch,
      replica: this.ctx.name,
      observer: false,
      fetchOffset: this.node.log.endOffset,
      lastFetchedEpoch: this.node.log.lastEpoch(),
    };
    this.client.sendWhenReady(leader, req, (res) => {
      if (res.type !== "Disconnected") return this.handleFetchResponse(leader, res);
      if (this.node.following() !== leader || this.node.epoch() !== epoch) return;
      if (this.fetchRetryTimer >= 0) this.fetchRetry.cancel(this.fetchRetryTimer);
      this.fetchRetryTimer = this.fetchRetry.set(this.cfg.retryBackoffMs);
    });
    if (this.fetchTimeoutTimer < 0) this.fetchTimeoutTimer = this.fetchTimeout.set(this.cfg.fetchTimeoutMs);
  }

  /** FollowerState.resetFetchTimeoutForSuccessfulFetch: the leader answered (from now on no pre-vote is granted). */
  private resetFetchTimeout(): void {
    this.node.fetchedFromLeader();
    if (this.fetchTimeoutTimer >= 0) this.fetchTimeout.cancel(this.fetchTimeoutTimer);
    this.fetchTimeoutTimer = this.fetchTimeout.set(this.cfg.fetchTimeoutMs);
  }

  /** KafkaRaftClient.handleFetchResponse, on a voter following `from`. */
  private handleFetchResponse(from: string, res: RaftFetchResponse): void {
    const node = this.node;
    if (res.epoch > node.epoch()) {
      if (res.leader) node.becomeFollower(res.epoch, res.leader);
      else node.becomeUnattached(res.epoch);
      return;
    }
    if (node.following() !== from || res.epoch !== node.epoch()) return;
    if (res.error !== "NONE") return;
    node.maybeCleanLog();
    this.resetFetchTimeout();
    const log = node.log;
    if (res.divergingEpoch) {
      // KafkaRaftClient.handleFetchResponse → ReplicatedLog.truncateToEndOffset.
      const from0 = log.endOffset;
      const to = log.truncateToEndOffset(res.divergingEpoch.endOffset, res.divergingEpoch.epoch);
      this.ctx.trace("raft.truncate", { from: from0, to, epoch: node.epoch() });
      node.truncated();
    } else if (res.snapshotId) {
      // KafkaRaftClient.handleFetchResponse: the leader asks for a snapshot fetch; the log is fetched after it.
      const leader = from;
      const epoch = node.epoch();
      this.snapshotFetcher.start(
        leader,
        epoch,
        res.snapshotId,
        (s) => this.onSnapshotFetched(s),
        () => {
          if (node.following() === leader && node.epoch() === epoch) this.sendFetch();
        },
      );
      return;
    } else if (res.baseOffset === log.endOffset && res.entries.length > 0) {
      const from0 = log.endOffset;
      log.append(res.entries);
      node.appended(from0);
    }
    node.advanceHighWatermark(res.highWatermark);
    this.sendFetch();
  }

  /**
   * handleFetchSnapshotResponse, the last chunk: the snapshot is frozen (onSnapshotFrozen), the log truncated to it
   * (truncateToLatestSnapshot), the listener loads it (handleLoadSnapshot) and the HW is at least its end.
   */
  private onSnapshotFetched(s: MetadataSnapshot): void {
    if (this.node.following() === null) return;
    this.resetFetchTimeout();
    const log = this.node.log;
    log.addSnapshot(s);
    if (log.truncateToLatestSnapshot()) {
      this.ctx.trace("metadata.snapshot-load", { endOffset: s.id.endOffset, epoch: s.id.epoch, sizeBytes: s.sizeBytes, from: "leader" });
      this.node.loadedSnapshot(s);
    }
    this.node.advanceHighWatermark(s.id.endOffset);
    this.sendFetch();
  }
}
