import type { ActorContext } from "../../sim/index.js";
import { PartitionLog } from "../log/partitionLog.js";
import { ProducerStateManager } from "../log/producerStateManager.js";
import { cleanReplica, logToClean, type LogToClean } from "../log/logCleaner.js";
import { deleteOldSegments } from "../log/retention.js";
import { compactedTopicRecordError, legacyFormatProducerError, validateCompression } from "../log/logValidator.js";
import { candidateBatch, lastOffsetOf, type RecordBatch } from "../log/recordBatch.js";
import type { ErrorName } from "../protocol/errors.js";
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
  /** flush.messages for the topic (topic override, else log.flush.interval.messages): appends between fsyncs. */
  flushMessages(topic: string): number;
  /**
   * CPU ns the append spent on codecs (LogValidator: decompression, recompression), charged to the I/O thread handling
   * the request when the broker has a request path with CPU costs (capacity.brokerCpu); absent or a no-op otherwise.
   */
  chargeIoNs?(ns: number): void;
}

/**
 * A leader append's outcome at the log (Kafka `LogAppendInfo`): appended at offsets `baseOffset`..`lastOffset`; a
 * duplicate of a batch already appended there (nothing written); or the error that refused it (nothing written).
 */
export type LogAppend = { kind: "appended" | "duplicate"; baseOffset: number; lastOffset: number } | { kind: "error"; error: ErrorName };

/**
 * One partition's log on one broker with what Kafka's `UnifiedLog` keeps beside it: the producer state
 * (`ProducerStateManager`), the high watermark and its checkpoint, the leader's and the follower's appends
 * (validation, producer-state checks, segment rolls, flush.messages), retention, log-start moves and producer
 * expiry. `Partition` (the replica's role, the leader's checks before an append, the ISR) builds on it; the log's own storage is
 * `PartitionLog` (src/kafka/log). Offsets are log offsets; times are ms of simulated time.
 */
export class ReplicaLog {
  readonly key: string;
  readonly log: PartitionLog;
  readonly producerState = new ProducerStateManager();
  private hw = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly logHost: ReplicaLogHost,
  ) {
    this.key = tpKey(topic, partition);
    this.log = logHost.ctx.disk.open(`log/${this.key}`, () => new PartitionLog());
    // Recovery: producer state replayed from the log (LogLoader), then the HW from the checkpoint
    // (Partition.createLog → UnifiedLog.updateHighWatermark), which drops the replayed transactions whose marker is
    // below it from the unstable ones.
    this.rebuildProducerState();
    this.highWatermark = Math.max(this.log.logStartOffset, Math.min(this.log.highWatermarkCheckpoint, this.log.logEndOffset));
  }

  /** UnifiedLog.highWatermark: recovered from the checkpoint, moved by the leader's ISR (Partition) or its fetches. */
  get highWatermark(): number {
    return this.hw;
  }

  /**
   * Every HW update goes through here, as Kafka's through `UnifiedLog.updateHighWatermarkMetadata`, which tells the
   * producer state (`ProducerStateManager.onHighWatermarkUpdated`): a completed transaction stops bounding the LSO
   * once its marker is below the HW.
   */
  set highWatermark(hw: number) {
    this.hw = hw;
    this.producerState.onHighWatermarkUpdated(hw);
  }

  /**
   * `UnifiedLog.lastStableOffset`: min(HW, first unstable offset), the first unstable offset being that of the
   * oldest transaction still open or whose marker the HW has not yet passed (ProducerStateManager.firstUnstableOffset),
   * never below the log start (`UnifiedLog.maybeIncrementFirstUnstableOffset`: retention or DeleteRecords past an
   * open transaction's first offset move it up to the log start). Offsets.
   */
  get lastStableOffset(): number {
    return Math.min(this.highWatermark, Math.max(this.producerState.firstUnstableOffset(), this.log.logStartOffset));
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
   * `UnifiedLog.appendAsLeader` for a batch the leader (`Partition.appendRecordsToLeader`, which checked the role, the
   * leader epoch and min.insync.replicas) takes in `leaderEpoch` from `from` with `requiredAcks`: the batch's size
   * against max.message.bytes and the codec step (analyzeAndValidateRecords, LogValidator), a compacted topic's
   * keys, the producer-state checks (analyzeAndValidateProducerState: fencing, sequences, duplicates), then the roll,
   * the append, the producer state's update and the flush flush.messages asks for. Errors: MESSAGE_TOO_LARGE,
   * UNSUPPORTED_FOR_MESSAGE_FORMAT (a producer id on a legacy-format topic), INVALID_RECORD, and the producer-state errors (INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, ...), each
   * traced as `partition.reject-produce`; nothing is written then. A duplicate of a batch still in the producer's
   * state returns that batch's offsets and writes nothing. CPU (codecs) and disk time (page cache, fsync) are
   * charged to the I/O thread handling the request (`chargeIoNs`, ns).
   */
  protected appendAsLeader(batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, leaderEpoch: number, requiredAcks: -1 | 0 | 1, from: string): LogAppend {
    // UnifiedLog.analyzeAndValidateRecords: a batch larger than max.message.bytes is refused before any producer-state
    // check (RecordTooLargeException → MESSAGE_TOO_LARGE). The broker's own writes (markers, coordinators) are small.
    const maxMessageBytes = this.logHost.logConfig(this.topic).maxMessageBytes;
    if (batch.sizeBytes > maxMessageBytes) {
      this.trace("partition.reject-produce", { error: "MESSAGE_TOO_LARGE", sizeBytes: batch.sizeBytes, maxMessageBytes });
      return { kind: "error", error: "MESSAGE_TOO_LARGE" };
    }
    // LogValidator.validateBatch: a legacy format has no producer id, so idempotent and transactional batches are refused.
    const formatError = legacyFormatProducerError(batch, this.logHost.logConfig(this.topic).recordMagic);
    if (formatError) {
      this.trace("partition.reject-produce", { error: "UNSUPPORTED_FOR_MESSAGE_FORMAT", reason: formatError, producerId: batch.producerId });
      return { kind: "error", error: "UNSUPPORTED_FOR_MESSAGE_FORMAT" };
    }
    // LogValidator's codec step: decompress to validate, recompress when the topic's compression.type asks for
    // another codec. Internal topics keep what their writer sends (Kafka creates them with their own compression.type).
    if (!this.topic.startsWith("__")) {
      const v = validateCompression(batch, this.logHost.logConfig(this.topic).compressionType);
      if (v.cpuNs > 0) this.logHost.chargeIoNs?.(v.cpuNs);
      // Stryker disable next-line ConditionalExpression: without a recompression v.batch is the batch itself, already checked against max.message.bytes
      if (v.recompressed) {
        batch = v.batch;
        if (batch.sizeBytes > maxMessageBytes) {
          this.trace("partition.reject-produce", { error: "MESSAGE_TOO_LARGE", sizeBytes: batch.sizeBytes, maxMessageBytes });
          return { kind: "error", error: "MESSAGE_TOO_LARGE" };
        }
      }
    }
    const recordError = compactedTopicRecordError(batch, this.logHost.logConfig(this.topic).compact);
    if (recordError) {
      this.trace("partition.reject-produce", { error: "INVALID_RECORD", reason: recordError });
      return { kind: "error", error: "INVALID_RECORD" };
    }
    const candidate = candidateBatch(batch, this.log.logEndOffset, leaderEpoch, this.ctx.nowMs);
    const check = batch.isControl ? this.producerState.checkMarker(batch.producerId, batch.producerEpoch, Number(batch.records[0].value)) : this.producerState.check(candidate, true);
    if (check.kind === "error") {
      this.trace("partition.reject-produce", { error: check.error, reason: check.message, producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence });
      return { kind: "error", error: check.error };
    }
    if (check.kind === "duplicate") {
      // UnifiedLog: "if we find a duplicate, we return the metadata of the appended batch".
      this.trace("partition.duplicate-batch", { producerId: batch.producerId, baseSequence: batch.baseSequence, baseOffset: check.firstOffset });
      return { kind: "duplicate", baseOffset: check.firstOffset, lastOffset: check.lastOffset };
    }
    // ProducerAppendInfo.checkSequence: with no state for the producer (expired by producer.id.expiration.ms, or its
    // batches deleted and no snapshot kept it) any sequence is accepted — Kafka 4 no longer answers
    // UNKNOWN_PRODUCER_ID (KIP-360). Traced, as it is where the idempotence window ends.
    if (batch.producerId >= 0 && batch.baseSequence > 0 && !batch.isControl && !this.producerState.producers.has(batch.producerId))
      this.trace("partition.unknown-producer", { producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence, logStartOffset: this.log.logStartOffset });
    this.maybeRoll(batch.sizeBytes, this.ctx.nowMs);
    const appended = this.log.appendAsLeader(batch, leaderEpoch, this.ctx.nowMs);
    this.producerState.update(appended);
    const baseOffset = appended.baseOffset;
    const lastOffset = lastOffsetOf(appended);
    // Built whole, in the fields' trace order (`tp` first, as `trace` adds it): no spread copies on every append.
    if (batch.isControl)
      this.ctx.trace("partition.marker", { tp: this.key, baseOffset, lastOffset, acks: requiredAcks, producerId: appended.producerId, producerEpoch: appended.producerEpoch, marker: batch.records[0].key, leaderEpoch, from });
    else
      this.ctx.trace("partition.append", {
        tp: this.key,
        baseOffset,
        lastOffset,
        acks: requiredAcks,
        producerId: appended.producerId,
        producerEpoch: appended.producerEpoch,
        baseSequence: appended.baseSequence,
        transactional: appended.isTransactional,
        leaderEpoch,
        from,
      });
    // The write into the page cache (a throttled writer waits) and UnifiedLog.append's flush when flush.messages
    // asks (an fsync): both on the I/O thread handling the produce, so its busy time and the response include them.
    const diskUs = this.disk.append(this.key, appended, this.log.logStartOffset) + this.maybeFlush();
    if (diskUs > 0) this.logHost.chargeIoNs?.(diskUs * 1000);
    return { kind: "appended", baseOffset, lastOffset };
  }

  /** UnifiedLog.append: `if (localLog.unflushedMessages >= config.flushInterval) flush(false)`; the fsync's µs. */
  private maybeFlush(): number {
    return this.log.unflushedMessages >= this.logHost.flushMessages(this.topic) ? this.flushLog() : 0;
  }

  /**
   * A follower's append of the leader's batch (ReplicaFetcherThread.processPartitionData → appendAsFollower). Returns
   * the µs the writing thread (the replica fetcher) was throttled on the page cache's dirty limit (0 without a disk).
   */
  appendAsFollower(b: RecordBatch): number {
    this.maybeRoll(b.sizeBytes, b.maxTimestampMs ?? 0);
    this.log.appendAsFollower(b);
    this.producerState.update(b);
    return this.disk.append(this.key, b, this.log.logStartOffset);
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
    // UnifiedLog.deleteSegments → maybeIncrementLogStartOffset → ProducerStateManager.onLogStartOffsetIncremented.
    if (deleted > 0) this.producerState.onLogStartOffsetIncremented(this.log.logStartOffset);
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
    if (this.log.maybeIncrementLogStartOffset(target)) {
      this.producerState.onLogStartOffsetIncremented(target);
      this.trace("log.start-offset", { oldLogStartOffset: before, logStartOffset: target, reason: "leader-offset-incremented" });
    }
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
