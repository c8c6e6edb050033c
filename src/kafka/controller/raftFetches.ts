import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { FetchSnapshotRequest, FetchSnapshotResponse, RaftFetchRequest, RaftFetchResponse } from "../protocol/raftMessages.js";
import type { RaftLog, ValidOffsetAndEpoch } from "./raftLog.js";

/** KafkaRaftClient.MAX_FETCH_SIZE_BYTES: the largest chunk of a snapshot one FetchSnapshot answer carries. */
const MAX_FETCH_SIZE_BYTES = 8 * 1024 * 1024;

/** What answering fetches reads of the leader (`RaftNode`). */
export interface RaftFetchSource {
  readonly epoch: number;
  readonly highWatermark: number;
  readonly log: RaftLog;
  /** Whether the node still leads (a fetch parked on it may outlive its leadership). */
  isLeader(): boolean;
}

interface Parked {
  /** The fetcher (the parked fetches are keyed by it). */
  from: string;
  /** The connection the fetch came on: its answer goes back on it. */
  conn: ConnectionId;
  request: RaftFetchRequest;
  timer: number;
  /** The leader's epoch and high watermark when the fetch was parked: its answer should it expire after the leader stepped down. */
  epoch: number;
  highWatermark: number;
}

/**
 * The leader's answers to Fetch of the metadata log (Kafka `KafkaRaftClient.handleFetchRequest` with its fetch
 * purgatory): voters read up to the log end, observers (brokers) only what is committed; a fetcher whose last epoch
 * diverges from the leader's log is told where to truncate (KIP-595 DivergingEpoch); one below the log start is
 * given the latest snapshot's id (KIP-630, `tryCompleteFetchRequest`'s SNAPSHOT answer); a fetch with nothing to read
 * waits until something is appended or committed, or for `fetchMaxWaitMs` (KRaft long-polls fetches).
 */
export class RaftFetches {
  private readonly parked = new Map<string, Parked>();
  private readonly parkTimer: Timer<string>;

  constructor(
    private readonly ctx: ActorContext,
    private readonly leader: RaftFetchSource,
    private readonly fetchMaxWaitMs: number,
  ) {
    this.parkTimer = ctx.timer((from) => {
      const p = this.parked.get(from);
      if (p) {
        this.parked.delete(p.from);
        if (this.leader.isLeader()) this.answer(p.conn, p.request);
        else this.answerExpiredAfterSteppingDown(p);
      }
    });
  }

  /**
   * KafkaRaftClient.tryCompleteFetchRequest's check of a fetch: a fetcher at offset 0 while the leader has a snapshot
   * is sent the snapshot (cheaper than the whole log); otherwise ReplicatedLog.validateOffsetAndEpoch. Simplification:
   * the model's observers (brokers) send no last fetched epoch and read only committed entries, so only their offset
   * is checked (below the log start: the snapshot).
   */
  validate(req: RaftFetchRequest): ValidOffsetAndEpoch {
    const log = this.leader.log;
    const latest = log.latestSnapshot();
    if (latest && (req.fetchOffset === 0 || (req.observer && req.fetchOffset < log.startOffset))) return { kind: "snapshot", snapshotId: latest.id };
    if (req.observer) return { kind: "valid" };
    return log.validateOffsetAndEpoch(req.fetchOffset, req.lastFetchedEpoch);
  }

  /**
   * KafkaRaftClient.handleFetchRequest's refusals: NOT_LEADER_OR_FOLLOWER from a node that does not lead, or
   * FENCED_LEADER_EPOCH to a voter fetching in an older epoch; either names the epoch and leader the node knows,
   * so the fetcher can find the leader.
   */
  refuse(req: RaftFetchRequest, conn: ConnectionId, error: "NOT_LEADER_OR_FOLLOWER" | "FENCED_LEADER_EPOCH", epoch: number, leader: string | null, highWatermark: number): void {
    this.ctx.write(conn, { type: "FetchResponse", correlationId: req.correlationId, epoch, leader, error, baseOffset: req.fetchOffset, entries: [], highWatermark } satisfies RaftFetchResponse);
  }

  /** Answers at once when there is something to read (or a divergence to report); otherwise parks the fetch. */
  answerOrPark(from: string, req: RaftFetchRequest, conn: ConnectionId): void {
    const limit = req.observer ? this.leader.highWatermark : this.leader.log.endOffset;
    if (req.fetchOffset < limit || this.validate(req).kind !== "valid") {
      this.answer(conn, req);
      return;
    }
    const old = this.parked.get(from);
    if (old) this.parkTimer.cancel(old.timer);
    this.parked.set(from, { from, conn, request: req, timer: this.parkTimer.set(this.fetchMaxWaitMs, from), epoch: this.leader.epoch, highWatermark: this.leader.highWatermark });
  }

  /** Entries were appended or committed: parked fetches with something to read now get it. */
  answerParked(): void {
    for (const p of [...this.parked.values()]) {
      const limit = p.request.observer ? this.leader.highWatermark : this.leader.log.endOffset;
      if (p.request.fetchOffset < limit || !p.request.observer) {
        this.parkTimer.cancel(p.timer);
        this.parked.delete(p.from);
        this.answer(p.conn, p.request);
      }
    }
  }

  /**
   * KafkaRaftClient.onBecomeFollower / transitionToResigned: `fetchPurgatory.completeAllExceptionally`: every parked
   * fetch is answered at once with `error` (NOT_LEADER_OR_FOLLOWER), no records, and the epoch and leader the node
   * knows now (`buildEmptyFetchResponse`), so its fetcher finds the new leader without waiting for a timeout.
   * Simplification: the answer carries the node's high watermark where Kafka's carries none.
   */
  completeAllExceptionally(error: "NOT_LEADER_OR_FOLLOWER", epoch: number, leader: string | null, highWatermark: number): void {
    const parked = [...this.parked.values()];
    this.parked.clear();
    for (const p of parked) {
      this.parkTimer.cancel(p.timer);
      this.refuse(p.request, p.conn, error, epoch, leader, highWatermark);
    }
  }

  /**
   * KafkaRaftClient.handleFetchRequest's purgatory timeout (REQUEST_TIMED_OUT: "just return the original fetch
   * response") for a fetch whose leader stepped down to Unattached meanwhile (transitionToUnattached leaves the
   * purgatory alone): the empty answer it would have had when parked, in the leader's old epoch.
   */
  private answerExpiredAfterSteppingDown(p: Parked): void {
    this.ctx.write(p.conn, {
      type: "FetchResponse",
      correlationId: p.request.correlationId,
      epoch: p.epoch,
      leader: this.ctx.name,
      error: "NONE",
      baseOffset: p.request.fetchOffset,
      entries: [],
      highWatermark: p.highWatermark,
    } satisfies RaftFetchResponse);
  }

  /**
   * KafkaRaftClient.handleFetchSnapshotRequest: the chunk of the snapshot from `position`, up to 8 MiB; the last
   * chunk carries the snapshot's content. SNAPSHOT_NOT_FOUND when the leader no longer (or never) held it. `error`
   * is the leader check's (not the leader, or a stale epoch).
   */
  answerFetchSnapshot(req: FetchSnapshotRequest, conn: ConnectionId, error: "NOT_LEADER_OR_FOLLOWER" | "FENCED_LEADER_EPOCH" | null, leader: string | null): void {
    const snapshot = error ? undefined : this.leader.log.snapshot(req.snapshotId);
    const base = { type: "FetchSnapshotResponse", correlationId: req.correlationId, epoch: this.leader.epoch, leader, snapshotId: req.snapshotId, position: req.position } as const;
    if (!snapshot || req.position > snapshot.sizeBytes) {
      this.ctx.write(conn, { ...base, error: error ?? "SNAPSHOT_NOT_FOUND", size: 0, chunkBytes: 0 } satisfies FetchSnapshotResponse);
      return;
    }
    const chunkBytes = Math.min(MAX_FETCH_SIZE_BYTES, snapshot.sizeBytes - req.position);
    const last = req.position + chunkBytes >= snapshot.sizeBytes;
    this.ctx.write(conn, {
      ...base,
      error: "NONE",
      size: snapshot.sizeBytes,
      chunkBytes,
      ...(last ? { image: snapshot.image, lastContainedTimestampMs: snapshot.lastContainedTimestampMs } : {}),
    } satisfies FetchSnapshotResponse);
  }

  private answer(conn: ConnectionId, req: RaftFetchRequest): void {
    const v = this.validate(req);
    const limit = req.observer ? this.leader.highWatermark : this.leader.log.endOffset;
    const log = this.leader.log;
    const entries = v.kind !== "valid" || req.fetchOffset >= limit ? [] : log.entries.slice(req.fetchOffset - log.startOffset, Math.min(limit, req.fetchOffset + 500) - log.startOffset);
    const res: RaftFetchResponse = {
      type: "FetchResponse",
      correlationId: req.correlationId,
      epoch: this.leader.epoch,
      leader: this.ctx.name,
      error: "NONE",
      baseOffset: req.fetchOffset,
      entries,
      highWatermark: this.leader.highWatermark,
      ...(v.kind === "diverging" ? { divergingEpoch: { epoch: v.epoch, endOffset: v.endOffset } } : {}),
      ...(v.kind === "snapshot" ? { snapshotId: v.snapshotId } : {}),
    };
    this.ctx.write(conn, res);
  }
}
