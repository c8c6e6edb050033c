import type { ActorContext } from "../../sim/index.js";
import { PartitionLog } from "../log/partitionLog.js";
import { ProducerStateManager } from "../log/producerStateManager.js";
import { cleanReplica, logToClean, type LogToClean } from "../log/logCleaner.js";
import { deleteOldSegments } from "../log/retention.js";
import type { RecordBatch } from "../log/recordBatch.js";
import { tpKey } from "../protocol/messages.js";
import type { LogDefaults } from "./brokerSettings.js";
import { type LogDirDisk, NO_LOG_DIR_DISK } from "./logDirDisk.js";

/** What a replica's log needs from its broker. */
export interface ReplicaLogHost {
  ctx: ActorContext;
  /** The topic's segment and retention settings (topic overrides, else the broker's log.* defaults). */
  logConfig(topic: string): LogDefaults;
  /** The broker's log directory on its disk (`capacity.disk`); absent: appends and flushes cost no time. */
  disk?: LogDirDisk;
}

/**
 * One partition's log on one broker with what Kafka's `UnifiedLog` keeps beside it: the producer state
 * (`ProducerStateManager`), the high watermark and its checkpoint, segment rolls, retention, log-start moves and
 * producer expiry. `Partition` (the replica's role, appends, the ISR) builds on it; the log's own storage is
 * `PartitionLog` (src/kafka/log). Offsets are log offsets; times are ms of simulated time.
 */
export class ReplicaLog {
  readonly key: string;
  readonly log: PartitionLog;
  readonly producerState = new ProducerStateManager();
  /** UnifiedLog.highWatermark: recovered from the checkpoint, moved by the leader's ISR (Partition) or its fetches. */
  highWatermark: number;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly logHost: ReplicaLogHost,
  ) {
    this.key = tpKey(topic, partition);
    this.log = logHost.ctx.disk.open(`log/${this.key}`, () => new PartitionLog());
    // Recovery: HW from the checkpoint, producer state replayed from the log.
    this.highWatermark = Math.max(this.log.logStartOffset, Math.min(this.log.highWatermarkCheckpoint, this.log.logEndOffset));
    this.rebuildProducerState();
  }

  /** The last stable offset: min(HW, first offset of the oldest open transaction). */
  get lastStableOffset(): number {
    return Math.min(this.highWatermark, this.producerState.firstUnstableOffset());
  }

  protected get ctx(): ActorContext {
    return this.logHost.ctx;
  }

  /** Producer state from the latest snapshot on disk and the log after it (recovery, truncation). */
  rebuildProducerState(): void {
    this.producerState.rebuild(this.log.batches, this.log.latestProducerSnapshot(), this.log.logStartOffset);
  }

  trace(type: string, data: Record<string, unknown>): void {
    this.ctx.trace(type, { tp: this.key, ...data });
  }

  /**
   * `UnifiedLog.maybeRoll` then the append: rolls a new segment (with a producer-state snapshot at its base
   * offset, as `LocalLog.roll` → `ProducerStateManager.takeSnapshot`) when the batch would not fit segment.bytes or
   * is segment.ms newer than the active segment's first batch.
   */
  protected maybeRoll(sizeBytes: number, timestampMs: number): void {
    const cfg = this.logHost.logConfig(this.topic);
    if (!this.log.shouldRoll(sizeBytes, timestampMs, cfg)) return;
    const seg = this.log.roll(this.ctx.nowMs, this.producerState.snapshot(this.log.logEndOffset));
    this.trace("log.roll", { baseOffset: seg.baseOffset, segments: this.log.segments.length });
  }

  /**
   * A follower's append of the leader's batch (ReplicaFetcherThread.processPartitionData → appendAsFollower). Returns
   * the µs the writing thread (the replica fetcher) was throttled on the page cache's dirty limit (0 without a disk).
   */
  appendAsFollower(b: RecordBatch): number {
    this.maybeRoll(b.sizeBytes, b.maxTimestampMs ?? 0);
    this.log.appendAsFollower(b);
    this.producerState.update(b);
    return this.disk.append(b.sizeBytes);
  }

  /** The broker's log directory disk (`capacity.disk`), or one where nothing costs time. */
  protected get disk(): LogDirDisk {
    return this.logHost.disk ?? NO_LOG_DIR_DISK;
  }

  /**
   * `UnifiedLog.flush(logEndOffset)`: everything appended becomes durable; returns the fsync's µs on the calling
   * thread (0 without a disk). See LogDirDisk.flush.
   */
  flushLog(): number {
    return this.disk.flush(this.log);
  }

  /** Retention on this replica (`deleteOldSegments`, below its own HW); each deletion is traced. */
  deleteOldSegments(nowMs: number): number {
    let deleted = 0;
    for (const d of deleteOldSegments(this.log, this.highWatermark, this.logHost.logConfig(this.topic), nowMs)) {
      deleted += d.baseOffsets.length;
      this.trace("log.delete-segments", { ...d, highWatermark: this.highWatermark });
    }
    return deleted;
  }

  /** The cleaner's view of this replica's log (`LogCleanerManager`: below its own LSO; log/logCleaner.ts). */
  logToClean(nowMs: number): LogToClean {
    return logToClean(this.log, this.lastStableOffset, nowMs, this.logHost.logConfig(this.topic));
  }

  /** The cleaner cleans this replica's log (each replica on its own, as each broker's LogCleaner does); traced. */
  clean(l: LogToClean, nowMs: number): void {
    const r = cleanReplica(this, l, nowMs, this.logHost.logConfig(this.topic));
    if (r) this.trace("log.clean", { ...r, highWatermark: this.highWatermark });
  }

  /** A follower learns the leader's log start from each fetch response (ReplicaFetcherThread.processPartitionData). */
  followerLogStartOffset(leaderLogStartOffset: number): void {
    const target = Math.min(leaderLogStartOffset, this.highWatermark);
    const before = this.log.logStartOffset;
    if (this.log.maybeIncrementLogStartOffset(target)) this.trace("log.start-offset", { oldLogStartOffset: before, logStartOffset: target, reason: "leader-offset-incremented" });
  }

  /** Producer state removal by age (UnifiedLog's PeriodicProducerExpirationCheck → removeExpiredProducers). */
  removeExpiredProducers(nowMs: number, expirationMs: number): void {
    const removed = this.producerState.removeExpiredProducers(nowMs, expirationMs);
    if (removed.length > 0) this.trace("producer-state.expired", { producerIds: removed, expirationMs });
  }

  /** Writes the HW checkpoint (replica.high.watermark.checkpoint.interval.ms). */
  checkpointHighWatermark(): void {
    this.log.highWatermarkCheckpoint = this.highWatermark;
  }
}
