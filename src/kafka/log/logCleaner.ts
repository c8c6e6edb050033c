import { CleanedTransactionMetadata } from "./cleanedTransactionMetadata.js";
import type { LogSegment, PartitionLog } from "./partitionLog.js";
import type { AbortedTxn } from "./producerStateManager.js";
import { compressedRecordsBytes } from "./compression.js";
import { compressionOf, type KafkaRecord, keyBytesOf, lastOffsetOf, offsetOfRecord, plainBatch, type RecordBatch, recordCountOf, valueBytesOf } from "./recordBatch.js";
import { RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes } from "./recordSize.js";

/** A log's cleanup settings (Kafka `LogConfig`): cleanup.policy and the cleaner's per-topic keys; ms, a ratio. */
export interface CompactionConfig {
  /** cleanup.policy has `compact` (`LogConfig.compact`). */
  compact: boolean;
  /** cleanup.policy has `delete` (`LogConfig.delete`): retention.ms / retention.bytes apply. */
  delete: boolean;
  deleteRetentionMs: number;
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  /** segment.bytes: the cleaner groups cleaned segments up to this size (`groupSegmentsBySize`). */
  segmentBytes: number;
}

/** `LogCleanerManager.OffsetsToClean`: the first dirty offset and the first offset that may not be cleaned. */
export interface OffsetsToClean {
  firstDirtyOffset: number;
  firstUncleanableDirtyOffset: number;
}

/** A log as the cleaner manager weighs it (Kafka `LogToClean`): bytes already clean and cleanable, and urgency. */
export interface LogToClean extends OffsetsToClean {
  cleanBytes: number;
  cleanableBytes: number;
  /** The base offset of the first segment not wholly below the first uncleanable offset: cleaning stops there. */
  firstUncleanableSegmentOffset: number;
  /** max.compaction.lag.ms passed for a dirty segment (`maxCompactionDelay` > 0): clean whatever the ratio. */
  needCompactionNow: boolean;
}

/** One cleaning's outcome, for the trace: the range cleaned, records and batches removed, bytes before and after. */
export interface CleanResult {
  firstDirtyOffset: number;
  /** The new first dirty offset (the offset map's latest offset + 1): the cleaner checkpoint. */
  endOffset: number;
  recordsRemoved: number;
  batchesRemoved: number;
  tombstonesRemoved: number;
  markersRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** Segments overlapping [from, to) (`UnifiedLog.logSegments(from, to)`), by index into `log.segments`. */
function segmentIndices(log: PartitionLog, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.segments.length; i++) {
    const next = log.segments[i + 1];
    if (log.segments[i].baseOffset < to && (next === undefined || next.baseOffset > from)) out.push(i);
  }
  return out;
}

/** `UnifiedLog.nonActiveLogSegmentsFrom(offset)`: the segment holding `offset` and those after it, the active one excepted. */
function nonActiveSegmentsFrom(log: PartitionLog, offset: number): LogSegment[] {
  const idx = segmentIndices(log, offset, Infinity);
  return idx.filter((i) => i < log.segments.length - 1).map((i) => log.segments[i]);
}

/**
 * `LogCleanerManager.cleanableOffsets`: the first dirty offset is the cleaner checkpoint (the log start when there is
 * none, or when it fell below the log start or passed the log end); nothing at or past the last stable offset (which
 * includes the HW), the active segment, or the first dirty segment whose newest batch is within min.compaction.lag.ms
 * of `nowMs` is cleaned.
 */
export function cleanableOffsets(log: PartitionLog, lastStableOffset: number, nowMs: number, cfg: CompactionConfig): OffsetsToClean {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: no checkpoint (-1) or 0 is at or below every log start, which the next line falls back to
  let firstDirtyOffset = log.cleanerCheckpoint < 0 ? log.logStartOffset : log.cleanerCheckpoint;
  // Stryker disable next-line EqualityOperator: a checkpoint at the log start falls back to the same offset
  if (firstDirtyOffset < log.logStartOffset || firstDirtyOffset > log.logEndOffset) firstDirtyOffset = log.logStartOffset;
  let uncleanable = Math.min(lastStableOffset, log.activeSegment.baseOffset);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with a lag of 0 a segment is young only if its newest batch is in the future, and batches are stamped at their append
  if (cfg.minCompactionLagMs > 0) {
    const young = nonActiveSegmentsFrom(log, firstDirtyOffset).find((s) => s.largestTimestampMs > nowMs - cfg.minCompactionLagMs);
    if (young) uncleanable = Math.min(uncleanable, young.baseOffset);
  }
  return { firstDirtyOffset, firstUncleanableDirtyOffset: Math.max(firstDirtyOffset, uncleanable) };
}

/**
 * `LogCleanerManager.grabFilthiestCompactedLog`'s view of one log: `cleanableOffsets`, then `LogToClean`'s bytes
 * (`calculateCleanableBytes`: the dirty segments up to the first one not wholly below the first uncleanable offset)
 * and `maxCompactionDelay` (a dirty, non-active segment whose first batch is older than max.compaction.lag.ms).
 */
export function logToClean(log: PartitionLog, lastStableOffset: number, nowMs: number, cfg: CompactionConfig): LogToClean {
  const offsets = cleanableOffsets(log, lastStableOffset, nowMs, cfg);
  const { firstDirtyOffset, firstUncleanableDirtyOffset } = offsets;
  const firstUncleanableSegmentOffset = (nonActiveSegmentsFrom(log, firstUncleanableDirtyOffset)[0] ?? log.activeSegment).baseOffset;
  let cleanBytes = 0;
  for (const i of segmentIndices(log, -1, firstDirtyOffset)) cleanBytes += log.segments[i].sizeBytes;
  let cleanableBytes = 0;
  for (const i of segmentIndices(log, Math.min(firstDirtyOffset, firstUncleanableSegmentOffset), firstUncleanableSegmentOffset)) cleanableBytes += log.segments[i].sizeBytes;
  const firstBatchTimes = nonActiveSegmentsFrom(log, firstDirtyOffset).map((s) => s.firstBatchTimestampMs).filter((t) => t > 0);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: Math.min() of no times is Infinity as well
  const earliest = firstBatchTimes.length > 0 ? Math.min(...firstBatchTimes) : Infinity;
  const needCompactionNow = earliest < nowMs - Math.max(cfg.maxCompactionLagMs, 0);
  return { ...offsets, cleanBytes, cleanableBytes, firstUncleanableSegmentOffset, needCompactionNow };
}

/** `LogToClean.cleanableRatio` and grabFilthiestCompactedLog's filter: worth cleaning now? */
export function shouldClean(l: LogToClean, cfg: CompactionConfig): boolean {
  const total = l.cleanBytes + l.cleanableBytes;
  // Stryker disable next-line ConditionalExpression: with no bytes nothing is cleanable and the ratio (NaN) is above no threshold
  if (total === 0) return false;
  return (l.needCompactionNow && l.cleanableBytes > 0) || l.cleanableBytes / total > cfg.minCleanableDirtyRatio;
}

/** `LogToClean.cleanableRatio` (0 for an empty log): the filthiest log is cleaned first. */
export function cleanableRatio(l: LogToClean): number {
  const total = l.cleanBytes + l.cleanableBytes;
  return total === 0 ? 0 : l.cleanableBytes / total;
}

/** The last data offset and epoch of each producer the log still has state for (`lastRecordsOfActiveProducers`). */
export type ActiveProducers = ReadonlyMap<number, { lastDataOffset: number; producerEpoch: number }>;

/**
 * `Cleaner.doClean` for one log, below `l.firstUncleanableSegmentOffset` (whole segments only: a segment holding the
 * first uncleanable offset waits, where Kafka would clean it up to its last offset mapped):
 * 1. `buildOffsetMap`: key → its latest offset over the dirty records (aborted transactions' records left out).
 * 2. `cleanSegments` / `cleanInto` over the whole log from its start (the clean part is cleaned again against the new
 *    map), batch by batch as `MemoryRecords.filterTo` with the cleaner's `RecordFilter`:
 *    - `checkBatchRetention`: a batch of an aborted transaction may be removed whole; a marker once nothing of its
 *      transaction is left and its delete horizon passed; the batch holding a producer's last data offset (or its
 *      last marker) is kept, emptied if need be, for the producer state (`isBatchLastRecordOfProducer`), and so is
 *      the last batch of the round (its last offset must survive);
 *    - `shouldRetainRecord`: the record is the latest of its key (past the map's latest offset everything stays),
 *      a record without a key goes, a tombstone stays until its batch's delete horizon;
 *    - a batch first cleaned with tombstones (or a removable marker) gets its delete horizon: now + delete.retention.ms
 *      (KIP-534).
 * 3. `groupSegmentsBySize`: the cleaned segments are merged while they fit segment.bytes.
 * Offsets never change; the transaction index keeps only the aborted transactions whose marker stays. Returns what
 * was done (`endOffset` is the new cleaner checkpoint), or null when there was nothing cleanable.
 */
export function doClean(log: PartitionLog, l: LogToClean, aborted: readonly AbortedTxn[], activeProducers: ActiveProducers, nowMs: number, cfg: CompactionConfig): { result: CleanResult; retainedAborted: AbortedTxn[] } | null {
  const upper = l.firstUncleanableSegmentOffset;
  if (upper <= l.firstDirtyOffset) return null;
  // 1. The offset map (OffsetMap / SkimpyOffsetMap; unbounded here: log.cleaner.dedupe.buffer.size is not modelled).
  const map = new Map<string, number>();
  // map.latestOffset: the end of the last dirty segment read (`updateLatestOffset(nextSegmentStartOffset - 1)`).
  // Segments start at batch boundaries, so every record the cleaner walks (in batches below `upper`) is at or below it.
  // Stryker disable next-line ArithmeticOperator: see above
  const latestOffset = upper - 1;
  const mapTxns = new CleanedTransactionMetadata(aborted.filter((a) => a.lastOffset >= l.firstDirtyOffset && a.firstOffset < upper));
  for (const b of log.batches) {
    if (b.baseOffset >= upper) break;
    if (lastOffsetOf(b) < l.firstDirtyOffset) continue;
    if (b.isControl) {
      mapTxns.onControlBatchRead(b);
      continue;
    }
    if (mapTxns.onBatchRead(b)) continue;
    b.records.forEach((r, i) => {
      const o = offsetOfRecord(b, i);
      if (r.key !== null && o >= l.firstDirtyOffset) map.set(r.key, o);
    });
  }

  // 2. Clean from the log start up to `upper`.
  const bytesBefore = log.sizeBytes;
  // Stryker disable next-line MethodExpression,ConditionalExpression,EqualityOperator,ArrowFunction: an aborted transaction starting at or past `upper` is never reached: CleanedTransactionMetadata takes them up by first offset as the walk passes it
  const txns = new CleanedTransactionMetadata(aborted.filter((a) => a.firstOffset < upper));
  const out: RecordBatch[] = [];
  let k = 0;
  let recordsRemoved = 0;
  let batchesRemoved = 0;
  let tombstonesRemoved = 0;
  let markersRemoved = 0;
  for (; k < log.batches.length && log.batches[k].baseOffset < upper; k++) {
    const b = log.batches[k];
    const canDiscardBatch = b.isControl ? txns.onControlBatchRead(b) : txns.onBatchRead(b);
    const discardBatchRecords = b.isControl ? canDiscardBatch && b.deleteHorizonMs !== undefined && b.deleteHorizonMs <= nowMs : canDiscardBatch;
    const active = b.producerId >= 0 ? activeProducers.get(b.producerId) : undefined;
    const lastOfProducer = active !== undefined && (active.lastDataOffset >= 0 ? lastOffsetOf(b) === active.lastDataOffset : b.isControl && b.producerEpoch === active.producerEpoch);
    const retainEmpty = lastOfProducer || lastOffsetOf(b) + 1 === upper;
    // Stryker disable next-line ConditionalExpression: a shortcut; without it the batch's records are each dropped below and the emptied batch removed, with the same counts
    if (!retainEmpty && discardBatchRecords) {
      batchesRemoved++;
      recordsRemoved += recordCountOf(b);
      if (b.isControl && recordCountOf(b) > 0) markersRemoved++;
      continue;
    }
    const keptRecords: KafkaRecord[] = [];
    const keptDeltas: number[] = [];
    let containsTombstones = false;
    b.records.forEach((r, i) => {
      const o = offsetOfRecord(b, i);
      let keep: boolean;
      if (discardBatchRecords) keep = false;
      else if (b.isControl) keep = true;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: never true (see latestOffset); kept as Kafka's shouldRetainRecord has it
      else if (o > latestOffset) keep = true;
      else if (r.key === null) keep = false;
      else {
        const found = map.get(r.key) ?? -1;
        const retainDelete = b.deleteHorizonMs === undefined || nowMs < b.deleteHorizonMs;
        keep = o >= found && (!r.tombstone || retainDelete);
        if (!keep && r.tombstone && o >= found) tombstonesRemoved++;
      }
      if (keep) {
        keptRecords.push(r);
        keptDeltas.push(o - b.baseOffset);
        if (r.tombstone) containsTombstones = true;
      } else recordsRemoved++;
    });
    if (keptRecords.length === 0 && b.isControl && recordCountOf(b) > 0) markersRemoved++;
    if (keptRecords.length === 0 && !retainEmpty) {
      batchesRemoved++;
      continue;
    }
    const needToSetDeleteHorizon = keptRecords.length > 0 && (containsTombstones || (canDiscardBatch && b.isControl)) && b.deleteHorizonMs === undefined;
    if (keptRecords.length === recordCountOf(b) && !needToSetDeleteHorizon) {
      out.push(b);
      continue;
    }
    out.push(rebuilt(b, keptRecords, keptDeltas, needToSetDeleteHorizon ? nowMs + cfg.deleteRetentionMs : b.deleteHorizonMs));
  }
  // Grouped by the sizes the segments had before this cleaning, as Kafka groups them before cleaning each group.
  const sizesBefore = log.segments.map((s) => s.sizeBytes);
  log.replaceCleaned(out, k, upper);
  groupSegmentsBySize(log, upper, cfg.segmentBytes, sizesBefore);
  const endOffset = Math.max(upper, l.firstDirtyOffset);
  log.cleanerCheckpoint = endOffset;
  return {
    result: { firstDirtyOffset: l.firstDirtyOffset, endOffset, recordsRemoved, batchesRemoved, tombstonesRemoved, markersRemoved, bytesBefore, bytesAfter: log.sizeBytes },
    retainedAborted: txns.retained,
  };
}

/**
 * `MemoryRecords.buildRetainedRecordsInto` (or `DefaultRecordBatch.writeEmptyHeader` when nothing is kept): the same
 * base offset, producer fields, epoch and last offset, the kept records at their offsets, its delete horizon. Its
 * size is recounted with each record's offset delta and a timestamp delta of 0 (the model keeps one timestamp per
 * batch). A compressed batch is rebuilt with its own codec (`filterTo` writes with the batch's compression type), its
 * records compressed by the codec's ratio (src/kafka/log/compression.ts).
 */
function rebuilt(b: RecordBatch, records: KafkaRecord[], deltas: number[], deleteHorizonMs: number | undefined): RecordBatch {
  let recordsBytes = 0;
  records.forEach((r, i) => (recordsBytes += recordSizeInBytes(deltas[i], 0, keyBytesOf(r), valueBytesOf(r))));
  const sizeBytes = RECORD_BATCH_OVERHEAD_BYTES + compressedRecordsBytes(recordsBytes, compressionOf(b));
  const out: RecordBatch = { ...plainBatch(b), records, offsetDeltas: deltas, lastOffsetDelta: lastOffsetOf(b) - b.baseOffset, sizeBytes: Math.min(sizeBytes, b.sizeBytes) };
  // Stryker disable next-line ConditionalExpression: an undefined delete horizon reads as none (`deleteHorizonMs !== undefined` everywhere)
  if (deleteHorizonMs !== undefined) out.deleteHorizonMs = deleteHorizonMs;
  else delete out.deleteHorizonMs;
  return out;
}

/**
 * `Cleaner.groupSegmentsBySize` then `cleanSegments` / `replaceSegments`: consecutive segments below `upper` are
 * merged into one while their sizes before this cleaning (`sizesBefore`, by index; Kafka groups the segments as they
 * are, then cleans each group into one) add up to at most segment.bytes (the first one's base offset and producer
 * snapshot stay). The index-size and offset-range limits of Kafka's grouping are not modelled.
 */
function groupSegmentsBySize(log: PartitionLog, upper: number, maxBytes: number, sizesBefore: readonly number[]): void {
  const segs = log.segments;
  const merged: LogSegment[] = [];
  let groupBytesBefore = 0;
  let i = 0;
  for (; i < segs.length - 1 && (segs[i + 1]?.baseOffset ?? Infinity) <= upper; i++) {
    const last = merged[merged.length - 1];
    const s = segs[i];
    if (last && groupBytesBefore + sizesBefore[i] <= maxBytes) {
      groupBytesBefore += sizesBefore[i];
      last.sizeBytes += s.sizeBytes;
      last.largestTimestampMs = Math.max(last.largestTimestampMs, s.largestTimestampMs);
      if (last.firstBatchTimestampMs < 0) last.firstBatchTimestampMs = s.firstBatchTimestampMs;
    } else {
      merged.push(s);
      groupBytesBefore = sizesBefore[i];
    }
  }
  log.segments = [...merged, ...segs.slice(i)];
}

/** What one replica gives the cleaner: its log, producer state and LSO (the HW and open transactions bound it). */
export interface CleanableReplica {
  log: PartitionLog;
  producerState: { aborted: AbortedTxn[]; lastRecordsOfActiveProducers(): ActiveProducers; retainAbortedBelow(upTo: number, kept: readonly AbortedTxn[]): void };
  lastStableOffset: number;
}

/**
 * One replica's cleaning (`Cleaner.clean`, then the checkpoint and the rewritten transaction index): `l` from
 * `logToClean`. Returns what was done, or null when nothing was cleanable.
 */
export function cleanReplica(r: CleanableReplica, l: LogToClean, nowMs: number, cfg: CompactionConfig): CleanResult | null {
  const done = doClean(r.log, l, r.producerState.aborted, r.producerState.lastRecordsOfActiveProducers(), nowMs, cfg);
  if (!done) return null;
  r.producerState.retainAbortedBelow(done.result.endOffset, done.retainedAborted);
  return done.result;
}
