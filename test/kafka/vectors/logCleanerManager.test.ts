// Vectors from Kafka's core/src/test/scala/unit/kafka/log/LogCleanerManagerTest.scala (apache/kafka 1eb7644): which
// range of a compacted log the cleaner may clean (LogCleanerManager.cleanableOffsets) and whether a log is picked
// (grabFilthiestCompactedLog's filter), run against kafkasim's cleanableOffsets / logToClean / shouldClean
// (src/kafka/log/logCleaner.ts) on a PartitionLog.
//
// Shapes adapted:
// - `cleanableOffsets(log, Some(checkpoint), now)` is kafkasim's cleanableOffsets with `log.cleanerCheckpoint` set
//   and the log's last stable offset: min(HW, the oldest transaction open or whose marker the HW has not passed), as ReplicaLog's
//   lastStableOffset computes it from the ProducerStateManager (UnifiedLog.lastStableOffset).
// - grabFilthiestCompactedLog returning the log (or None) for one log is `shouldClean(logToClean(...))`; its
//   `firstDirtyOffset` is logToClean's. min.cleanable.dirty.ratio is createLowRetentionLogConfig's 0.05.
// - Records carry their timestamp as the batch's max timestamp: kafkasim stamps it at the append (`nowMs`), so a
//   record "with timestamp t" is appended at t.
//
// Not ported, with why: forceUpdateCheckpoint (testCleanableOffsetsNeedsCheckpointReset,
// testCheckpointUpdatedForInvalidOffset*: kafkasim writes the checkpoint only after a cleaning), the manager's
// in-progress / paused / uncleanable-partition bookkeeping, checkpoint files, log dir failure and deletion tests,
// and testGrabFilthiestCompactedLogReturnsLogWithDirtiestRatio across several logs (kafkasim's LogCleanerThread
// orders by cleanableRatio; test/kafka/log/logCleaner.test.ts covers it).
import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import { ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import { cleanableOffsets, type CompactionConfig, logToClean, shouldClean } from "../../../src/kafka/log/logCleaner.js";
import { RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes } from "../../../src/kafka/log/recordSize.js";
import type { KafkaRecord, RecordBatch } from "../../../src/kafka/log/recordBatch.js";

function config(segmentBytes: number, minCompactionLagMs = 0): CompactionConfig {
  return { compact: true, delete: false, deleteRetentionMs: 86_400_000, minCleanableDirtyRatio: 0.05, minCompactionLagMs, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, segmentBytes };
}

class Log {
  readonly log = new PartitionLog();
  readonly state = new ProducerStateManager();
  private hw = 0;
  constructor(readonly cfg: CompactionConfig) {}

  get highWatermark(): number {
    return this.hw;
  }

  /** UnifiedLog.updateHighWatermark: tells the producer state (onHighWatermarkUpdated), as ReplicaLog's does. */
  set highWatermark(hw: number) {
    this.hw = hw;
    this.state.onHighWatermarkUpdated(hw);
  }

  append(records: KafkaRecord[], nowMs: number, extra: Partial<RecordBatch> = {}): void {
    let sizeBytes = RECORD_BATCH_OVERHEAD_BYTES;
    records.forEach((r, i) => (sizeBytes += recordSizeInBytes(i, 0, r.key === null ? -1 : r.key.length, r.value.length)));
    if (extra.isControl) sizeBytes = 78;
    if (this.log.shouldRoll(sizeBytes, nowMs, { segmentBytes: this.cfg.segmentBytes, segmentMs: Infinity })) this.log.roll(nowMs);
    const b = this.log.appendAsLeader({ producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records, sizeBytes, ...extra }, 0, nowMs);
    this.state.update(b);
  }

  /** LogCleanerManagerTest.records(key, value, timestamp). */
  record(key: number, value: number, timestampMs: number): void {
    this.append([{ key: String(key), value: String(value) }], timestampMs);
  }

  /** appendRecords(log, numRecords): one batch of key-n/value-n records, then the HW moves to the log end. */
  appendRecords(numRecords: number, nowMs = 0): void {
    const start = this.log.logEndOffset;
    const records: KafkaRecord[] = [];
    for (let o = start; o < start + numRecords; o++) records.push({ key: `key-${o}`, value: `value-${o}` });
    this.append(records, nowMs);
    this.highWatermark = this.log.logEndOffset;
  }

  /** writeRecords(log, numBatches, recordsPerBatch = 1, batchesPerSegment = 5), as setupIncreasinglyFilthyLogs. */
  writeRecords(numBatches: number): void {
    for (let i = 0; i < numBatches; i++) {
      this.appendRecords(1);
      if (i % 5 === 0) this.log.roll(0);
    }
    this.log.roll(0);
  }

  get lastStableOffset(): number {
    return Math.min(this.highWatermark, this.state.firstUnstableOffset());
  }

  cleanableOffsets(checkpoint: number, nowMs: number) {
    this.log.cleanerCheckpoint = checkpoint;
    return cleanableOffsets(this.log, this.lastStableOffset, nowMs, this.cfg);
  }

  /** grabFilthiestCompactedLog for this log alone: its LogToClean when it is picked, else null. */
  grabFilthiest(checkpoint: number, nowMs = 0) {
    this.log.cleanerCheckpoint = checkpoint;
    const l = logToClean(this.log, this.lastStableOffset, nowMs, this.cfg);
    return shouldClean(l, this.cfg) ? l : null;
  }
}

describe("LogCleanerManagerTest: cleanableOffsets", () => {
  function eightSegments(cfg: CompactionConfig, t: number): Log {
    const log = new Log(cfg);
    while (log.log.segments.length < 8) log.record(log.log.logEndOffset, log.log.logEndOffset, t);
    return log;
  }

  it("testCleanableOffsetsForNone: from the log start, bounded by the last stable offset (the HW, 50)", () => {
    const log = eightSegments(config(1024), 0);
    log.highWatermark = 50;
    const o = log.cleanableOffsets(0, 0);
    expect(o.firstDirtyOffset).toBe(0);
    expect(log.lastStableOffset).toBe(log.highWatermark);
    expect(o.firstUncleanableDirtyOffset).toBe(log.lastStableOffset);
  });

  it("testCleanableOffsetsActiveSegment: with the HW at the log end, bounded by the active segment", () => {
    const log = eightSegments(config(1024), 0);
    log.highWatermark = log.log.logEndOffset;
    const o = log.cleanableOffsets(0, 0);
    expect(o.firstDirtyOffset).toBe(0);
    expect(o.firstUncleanableDirtyOffset).toBe(log.log.activeSegment.baseOffset);
  });

  it("testCleanableOffsetsForTime: min.compaction.lag.ms stops at the first segment written after t0 + lag", () => {
    const lag = 60 * 60 * 1000;
    const log = new Log(config(1024, lag));
    const t0 = 1_000_000;
    while (log.log.segments.length < 4) log.record(log.log.logEndOffset, log.log.logEndOffset, t0);
    const activeSegAtT0 = log.log.activeSegment.baseOffset;
    const t1 = t0 + lag + 1;
    while (log.log.segments.length < 8) log.record(log.log.logEndOffset, log.log.logEndOffset, t1);
    log.highWatermark = log.log.logEndOffset;
    const o = log.cleanableOffsets(0, t1);
    expect(o.firstDirtyOffset).toBe(0);
    expect(o.firstUncleanableDirtyOffset).toBe(activeSegAtT0);
  });

  it("testCleanableOffsetsForShortTime: once the lag has passed for every segment, the active segment bounds it", () => {
    const lag = 60 * 60 * 1000;
    const t0 = 1_000_000;
    const log = eightSegments(config(1024, lag), t0);
    log.highWatermark = log.log.logEndOffset;
    const o = log.cleanableOffsets(0, t0 + lag + 1);
    expect(o.firstDirtyOffset).toBe(0);
    expect(o.firstUncleanableDirtyOffset).toBe(log.log.activeSegment.baseOffset);
  });

  it("testUndecidedTransactionalDataNotCleanable: an open transaction holds the cleaner back, whatever the lag", () => {
    const lag = 60 * 60 * 1000;
    const log = new Log(config(1024, lag));
    let now = 1_000_000;
    const txn = { producerId: 15, producerEpoch: 0, isTransactional: true };
    log.append([{ key: "1", value: "a" }, { key: "2", value: "b" }], now, { ...txn, baseSequence: 0 });
    log.append([{ key: "3", value: "c" }], now, { ...txn, baseSequence: 2 });
    log.log.roll(now);
    log.highWatermark = 3;
    now += lag + 1;
    let o = log.cleanableOffsets(0, now);
    expect(o.firstDirtyOffset).toBe(0);
    expect(o.firstUncleanableDirtyOffset).toBe(0);

    log.append([{ key: "ABORT", value: "15" }], now, { ...txn, baseSequence: -1, isControl: true });
    log.log.roll(now);
    log.highWatermark = 4;
    o = log.cleanableOffsets(0, now);
    expect(o.firstDirtyOffset).toBe(0);
    expect(o.firstUncleanableDirtyOffset).toBe(3);

    now += lag + 1;
    o = log.cleanableOffsets(0, now);
    expect(o.firstDirtyOffset).toBe(0);
    expect(o.firstUncleanableDirtyOffset).toBe(4);
  });
});

describe("LogCleanerManagerTest: grabFilthiestCompactedLog for one log", () => {
  it("testDirtyOffsetResetIfLargerThanEndOffset: a checkpoint past the log end restarts at the log start", () => {
    const log = new Log(config(2048));
    log.writeRecords(20);
    expect(log.grabFilthiest(200)?.firstDirtyOffset).toBe(0);
  });

  it("testDirtyOffsetResetIfSmallerThanStartOffset: a checkpoint below the log start restarts at the log start", () => {
    const log = new Log(config(2048));
    log.writeRecords(20);
    log.log.maybeIncrementLogStartOffset(10);
    expect(log.grabFilthiest(0)?.firstDirtyOffset).toBe(10);
  });

  it("testLogStartOffsetLargerThanActiveSegmentBaseOffset: a log that is all active segment is not picked", () => {
    const log = new Log(config(2048));
    log.appendRecords(3);
    log.appendRecords(3);
    log.appendRecords(3);
    expect(log.log.segments.length).toBe(1);
    log.log.maybeIncrementLogStartOffset(2);
    expect(log.grabFilthiest(0)).toBeNull();
  });

  it("testDirtyOffsetLargerThanActiveSegmentBaseOffset: a checkpoint inside the active segment picks nothing", () => {
    const log = new Log(config(2048));
    log.appendRecords(3);
    log.appendRecords(3);
    expect(log.log.segments.length).toBe(1);
    expect(log.log.activeSegment.baseOffset).toBe(0);
    expect(log.grabFilthiest(3)).toBeNull();
  });
});
