import type { DiskResident } from "../../sim/index.js";
import { LeaderEpochCache } from "./leaderEpochCache.js";
import type { ProducerSnapshot } from "./producerStateManager.js";
import { PackedRecordBatch, stampedBatch } from "./packedRecordBatch.js";
import { batchBelow, lastOffsetOf, type RecordBatch } from "./recordBatch.js";

/**
 * One segment of a log (Kafka `LogSegment`), by its offsets and sizes only: its batches are the log's batches from
 * `baseOffset` up to the next segment's base offset. Sizes are the batches' modelled sizes (batch overhead plus
 * each record's framing, key, value and padding bytes: `recordSizeBytes`), not real wire bytes.
 */
export interface LogSegment {
  baseOffset: number;
  sizeBytes: number;
  /** Max timestamp (ms) of the segment's first batch (`LogSegment.rollingBasedTimestamp`), -1 while empty. */
  firstBatchTimestampMs: number;
  /** `LogSegment.largestTimestamp`: the newest batch's max timestamp (ms); its creation time while empty. */
  largestTimestampMs: number;
  /** The producer-state snapshot taken when this segment was rolled in (at its base offset), if any. */
  producerSnapshot?: ProducerSnapshot;
}

/** When a log rolls a new segment (`LogConfig` segment.bytes, segment.ms). */
export interface RollConfig {
  segmentBytes: number;
  segmentMs: number;
}

/**
 * One replica's log of one partition, resident on the broker's disk. Appends land in the page cache and become
 * durable at the flush point (`log.flush.interval.messages` / `flush.ms`; Kafka does not fsync per write); an
 * unclean crash that loses unflushed data truncates to it. The HW checkpoint is what a restart recovers the HW from.
 */
export class PartitionLog implements DiskResident {
  batches: RecordBatch[] = [];
  /** The segments, oldest first; the last is the active segment. Never empty. */
  segments: LogSegment[] = [{ baseOffset: 0, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 0 }];
  /**
   * The first offset a reader may fetch. Moved by segment deletion (retention) and by DeleteRecords; durable at once
   * (simplification: Kafka checkpoints it every log.flush.start.offset.checkpoint.interval.ms, 60s).
   */
  logStartOffset = 0;
  logEndOffset = 0;
  /** Everything below this offset is fsynced. */
  flushedOffset = 0;
  readonly epochCache = new LeaderEpochCache();
  private flushedEpochCache = new LeaderEpochCache();
  /** `replication-offset-checkpoint`: the HW as last checkpointed. */
  highWatermarkCheckpoint = 0;
  /**
   * `cleaner-offset-checkpoint`: the first dirty offset (everything below was cleaned), -1 before the first clean.
   * Durable with the log (Kafka writes it after each cleaning).
   */
  cleanerCheckpoint = -1;
  /** The last packed batch: its header and value prefix are shared with the next (one per producer life, not per batch). */
  private lastPacked: PackedRecordBatch | null = null;

  /** Appends a batch as leader: stamps the next offset, the leader epoch and the append time (ms). */
  appendAsLeader(batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, leaderEpoch: number, nowMs = 0): RecordBatch {
    const stamped = stampedBatch(batch, this.logEndOffset, leaderEpoch, nowMs, this.lastPacked);
    if (stamped instanceof PackedRecordBatch) this.lastPacked = stamped;
    this.append(stamped);
    return stamped;
  }

  /**
   * Appends a batch fetched from the leader, as it is. It may start past the log end when the leader's cleaner
   * removed the batches in between (offsets are sparse on a compacted log; `LogSegment.append` only asks that
   * offsets grow).
   */
  appendAsFollower(batch: RecordBatch): void {
    if (batch.baseOffset < this.logEndOffset)
      throw new Error(`follower append at ${batch.baseOffset} but log end is ${this.logEndOffset}`);
    this.append(batch);
  }

  private append(b: RecordBatch): void {
    this.epochCache.assign(b.leaderEpoch, b.baseOffset);
    this.batches.push(b);
    this.logEndOffset = lastOffsetOf(b) + 1;
    const seg = this.activeSegment;
    const ts = b.maxTimestampMs ?? 0;
    seg.sizeBytes += b.sizeBytes;
    if (seg.firstBatchTimestampMs < 0) seg.firstBatchTimestampMs = ts;
    seg.largestTimestampMs = Math.max(seg.largestTimestampMs, ts);
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  /** The log's size in bytes (`UnifiedLog.size`): the sum of its segments. */
  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.sizeBytes;
    return n;
  }

  /**
   * `LogSegment.shouldRoll` (from `UnifiedLog.maybeRoll`, before an append): the active segment cannot take
   * `batchBytes` more within segment.bytes, or it is not empty and the batch is segment.ms newer than its first
   * batch (segment.jitter.ms is 0 by default; index-full rolls are not modelled).
   */
  shouldRoll(batchBytes: number, batchTimestampMs: number, cfg: RollConfig): boolean {
    const seg = this.activeSegment;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty segment (no first batch) is also 0 bytes, which the next line checks
    const waitedMs = seg.firstBatchTimestampMs < 0 ? 0 : batchTimestampMs - seg.firstBatchTimestampMs;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a segment of 0 bytes has no first batch, so waitedMs is 0 and never over segment.ms
    return seg.sizeBytes > cfg.segmentBytes - batchBytes || (seg.sizeBytes > 0 && waitedMs > cfg.segmentMs);
  }

  /**
   * `LocalLog.roll`: a new, empty active segment at the log end, carrying the producer-state snapshot taken at that
   * offset. An empty active segment is replaced rather than followed. A log end below the active segment's base
   * offset is a broken log, refused as LocalLog.roll refuses it (KafkaException: "Trying to roll a new log segment
   * ... lower than start offset of the active segment").
   */
  roll(nowMs: number, snapshot?: ProducerSnapshot): LogSegment {
    if (this.logEndOffset < this.activeSegment.baseOffset)
      throw new Error(`Trying to roll a new log segment with start offset ${this.logEndOffset} (LEO) lower than start offset of the active segment ${this.activeSegment.baseOffset}`);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: every batch has bytes (its 61-byte header at least), so an active segment is empty exactly when it starts at the log end
    if (this.activeSegment.sizeBytes === 0 && this.activeSegment.baseOffset === this.logEndOffset) this.segments.pop();
    const seg: LogSegment = { baseOffset: this.logEndOffset, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: nowMs, ...(snapshot ? { producerSnapshot: snapshot } : {}) };
    this.segments.push(seg);
    return seg;
  }

  /**
   * The newest producer-state snapshot usable for recovery and truncation: at or below the log end and above the
   * log start (`ProducerStateManager.truncateAndReload` deletes snapshots outside (logStartOffset, logEndOffset]).
   */
  latestProducerSnapshot(): ProducerSnapshot | undefined {
    // Stryker disable next-line EqualityOperator: the first segment's snapshot is at its base offset, never above the log start
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const snap = this.segments[i].producerSnapshot;
      if (snap && snap.offset <= this.logEndOffset && snap.offset > this.logStartOffset) return snap;
    }
    return undefined;
  }

  /**
   * `UnifiedLog.maybeIncrementLogStartOffset`: moves the log start forward (never back, never past `highWatermark`:
   * the caller checks that). The leader-epoch cache forgets epochs wholly below it. Returns whether it moved.
   */
  maybeIncrementLogStartOffset(offset: number): boolean {
    if (offset <= this.logStartOffset) return false;
    this.logStartOffset = offset;
    this.epochCache.truncateFromStart(offset);
    this.flushedEpochCache.truncateFromStart(offset);
    return true;
  }

  /**
   * `UnifiedLog.deletableSegments`: the oldest segments, in order, while `predicate` holds, each wholly below the
   * high watermark (its next segment's base offset, or the log end for the last, at most `highWatermark`). A last,
   * empty segment is never deletable.
   */
  deletableSegments(highWatermark: number, predicate: (seg: LogSegment, next: LogSegment | undefined) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i];
      const next = this.segments[i + 1];
      const upper = next ? next.baseOffset : this.logEndOffset;
      if (!next && seg.sizeBytes === 0) break;
      if (!(highWatermark >= upper && predicate(seg, next))) break;
      n++;
    }
    return n;
  }

  /**
   * `UnifiedLog.deleteSegments`: removes the oldest `count` segments and their batches, and moves the log start to
   * the first segment left. Deleting every segment rolls a new empty one first (Kafka keeps at least one segment),
   * so the new active segment is never deleted. Returns the new log start offset.
   */
  deleteSegments(count: number, nowMs: number): number {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: deleting 0 segments goes through as no change (the first segment's base is at or below the log start)
    if (count <= 0) return this.logStartOffset;
    if (count >= this.segments.length) {
      this.roll(nowMs);
      count = Math.min(count, this.segments.length - 1);
    }
    const newStart = this.segments[count].baseOffset;
    this.maybeIncrementLogStartOffset(newStart);
    this.segments.splice(0, count);
    let drop = 0;
    while (drop < this.batches.length && lastOffsetOf(this.batches[drop]) < newStart) drop++;
    this.batches.splice(0, drop);
    return this.logStartOffset;
  }

  /**
   * `UnifiedLog.replaceSegments` after a cleaning: the batches below `upper` (the first `replacedCount` of the log's)
   * become `cleaned`, and the segments wholly below `upper` are recounted (size and first/newest batch timestamps;
   * an emptied segment keeps its newest timestamp, as `LogSegment.largestTimestamp` falls back to its mtime).
   */
  replaceCleaned(cleaned: RecordBatch[], replacedCount: number, upper: number): void {
    this.batches = [...cleaned, ...this.batches.slice(replacedCount)];
    let k = 0;
    for (let i = 0; i < this.segments.length - 1 && this.segments[i + 1].baseOffset <= upper; i++) {
      const seg = this.segments[i];
      const end = this.segments[i + 1].baseOffset;
      // Stryker disable next-line ConditionalExpression,UpdateOperator: the previous segment's loop already took every cleaned batch below this segment's base
      while (k < cleaned.length && cleaned[k].baseOffset < seg.baseOffset) k++;
      let size = 0;
      let first = -1;
      let largest = -1;
      for (; k < cleaned.length && cleaned[k].baseOffset < end; k++) {
        const b = cleaned[k];
        const ts = b.maxTimestampMs ?? 0;
        size += b.sizeBytes;
        if (first < 0) first = ts;
        largest = Math.max(largest, ts);
      }
      seg.sizeBytes = size;
      seg.firstBatchTimestampMs = first;
      if (largest >= 0) seg.largestTimestampMs = largest;
    }
  }

  /**
   * `UnifiedLog.truncateFullyAndStartAt`: everything goes and the log restarts, empty, at `offset` (a follower far
   * behind a leader whose log start passed it). The flush point (Kafka's recovery point) is only lowered to `offset`,
   * never raised (LocalLog.truncateFullyAndStartAt → updateLogEndOffset; neither UnifiedLog.truncateFullyAndStartAt
   * nor LogManager.truncateFullyAndStartAt, which checkpoints it as it is, moves it otherwise): the offsets below the
   * new start still count as unflushed for log.flush.interval.messages until the next flush. The leader-epoch cache
   * is cleared and flushed (clearAndFlush).
   */
  truncateFullyAndStartAt(offset: number, nowMs: number): void {
    this.batches = [];
    this.segments = [{ baseOffset: offset, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: nowMs }];
    this.logStartOffset = offset;
    this.logEndOffset = offset;
    this.flushedOffset = Math.min(this.flushedOffset, offset);
    this.epochCache.entries = [];
    this.flushedEpochCache = new LeaderEpochCache();
  }

  get unflushedMessages(): number {
    return this.logEndOffset - this.flushedOffset;
  }

  /** Bytes of the batches not yet fsynced (those ending at or past the flush point): what an fsync writes. */
  get unflushedBytes(): number {
    let bytes = 0;
    for (let k = this.batches.length - 1; k >= 0 && lastOffsetOf(this.batches[k]) >= this.flushedOffset; k--) bytes += this.batches[k].sizeBytes;
    return bytes;
  }

  /**
   * `UnifiedLog.truncateTo`: removes every record at or above `offset`. Returns how many offsets the log end went
   * back. A truncation at or past the log end removes nothing but still drops leader-epoch entries starting at the
   * log end ("we may have a conflicting epoch entry at the end of the log from the leader", one assigned on becoming
   * leader with nothing appended in it). Below the first segment's base offset the log is truncated fully and
   * restarts, empty, at `offset` (`truncateFullyAndStartAt(targetOffset)`; `nowMs` is the new segment's creation
   * time); otherwise the log start moves back to `offset` if it was above it (`logStartOffset = min(targetOffset,
   * logStartOffset)`).
   */
  truncateTo(offset: number, nowMs = 0): number {
    if (offset >= this.logEndOffset) {
      this.epochCache.truncateFromEnd(this.logEndOffset);
      return 0;
    }
    const removed = this.logEndOffset - offset;
    if (offset < this.segments[0].baseOffset) {
      this.truncateFullyAndStartAt(offset, nowMs);
      return removed;
    }
    this.removeFrom(offset, offset);
    this.logStartOffset = Math.min(offset, this.logStartOffset);
    return removed;
  }

  /**
   * Drops the batches at or above `offset` (the one straddling it is cut) and ends the log at `logEndOffset`; the
   * segments and the leader-epoch cache follow, and the flush point comes down to the log end.
   */
  private removeFrom(offset: number, logEndOffset: number): void {
    while (this.batches.length > 0) {
      const last = this.batches[this.batches.length - 1];
      if (last.baseOffset >= offset) this.batches.pop();
      else {
        if (lastOffsetOf(last) >= offset) this.batches[this.batches.length - 1] = batchBelow(last, offset);
        break;
      }
    }
    this.logEndOffset = logEndOffset;
    this.truncateSegments();
    this.epochCache.truncateFromEnd(this.logEndOffset);
    // Stryker disable next-line EqualityOperator: at equal offsets the assignment changes nothing
    if (this.flushedOffset > this.logEndOffset) this.flushedOffset = this.logEndOffset;
  }

  /** `LocalLog.truncateTo` for segments: those starting above the log end go; the last one's size is recounted. */
  private truncateSegments(): void {
    // The log end stays at or above the log start, itself at or above the first segment's base: the first segment is
    // never popped, and the segment left never starts above the log end.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
    while (this.segments.length > 1 && this.activeSegment.baseOffset > this.logEndOffset) this.segments.pop();
    const seg = this.activeSegment;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
    if (seg.baseOffset > this.logEndOffset) seg.baseOffset = this.logEndOffset;
    let size = 0;
    let first = -1;
    let largest = -1;
    for (let k = this.batches.length - 1; k >= 0 && this.batches[k].baseOffset >= seg.baseOffset; k--) {
      const b = this.batches[k];
      size += b.sizeBytes;
      first = b.maxTimestampMs ?? 0;
      largest = Math.max(largest, b.maxTimestampMs ?? 0);
    }
    seg.sizeBytes = size;
    seg.firstBatchTimestampMs = first;
    if (largest >= 0) seg.largestTimestampMs = largest;
    if (seg.producerSnapshot && seg.producerSnapshot.offset > this.logEndOffset) delete seg.producerSnapshot;
  }

  /**
   * Batches holding offsets ≥ `fromOffset`, at least one batch, up to about `maxBytes`: from the first batch whose
   * last offset is at or past it (`LogSegment.translateOffset`), so a read into a range the cleaner emptied returns
   * the next batch that exists.
   */
  read(fromOffset: number, maxBytes: number): RecordBatch[] {
    const i = this.batchIndexFrom(fromOffset);
    if (i < 0) return [];
    const out: RecordBatch[] = [];
    let bytes = 0;
    for (let k = i; k < this.batches.length; k++) {
      const b = this.batches[k];
      if (out.length > 0 && bytes + b.sizeBytes > maxBytes) break;
      out.push(b);
      bytes += b.sizeBytes;
    }
    return out;
  }

  /** Index of the first batch whose last offset is ≥ `offset`, or -1 when there is none. */
  batchIndexFrom(offset: number): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lastOffsetOf(this.batches[mid]) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.batches.length ? lo : -1;
  }

  /** Index of the batch whose offset range holds `offset` (the record itself may have been cleaned), or -1. */
  batchIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.batches[mid];
      if (lastOffsetOf(b) < offset) lo = mid + 1;
      else if (b.baseOffset > offset) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  flush(): void {
    this.flushedOffset = this.logEndOffset;
    this.flushedEpochCache = this.epochCache.clone();
  }

  /**
   * Power loss: the page cache is gone; the log recovers to its last fsync, never below its log start (durable at
   * once here, see `logStartOffset`): this is the disk losing writes, not `UnifiedLog.truncateTo`.
   */
  loseUnflushed(): void {
    if (this.flushedOffset < this.logEndOffset) this.removeFrom(this.flushedOffset, Math.max(this.flushedOffset, this.logStartOffset));
    this.epochCache.entries = this.flushedEpochCache.clone().entries;
    this.epochCache.truncateFromEnd(this.logEndOffset);
  }
}
