// Vectors from Kafka's core/src/test/scala/unit/kafka/log/UnifiedLogTest.scala (apache/kafka 1eb7644): truncation,
// size-based rolls, retention (deleteOldSegments) with the high watermark and the log start offset, the leader-epoch
// cache as segments go, and the first unstable offset — run against kafkasim's PartitionLog
// (src/kafka/log/partitionLog.ts), deleteOldSegments (src/kafka/log/retention.ts) and ProducerStateManager.
//
// Shapes adapted:
// - UnifiedLog.appendAsLeader is PartitionLog.shouldRoll + roll (UnifiedLog.maybeRoll) then appendAsLeader, with the
//   batch's size as Kafka writes it (61-byte header + DefaultRecord.sizeInBytes), so segment.bytes =
//   createRecords.sizeInBytes * 5 rolls every 5 records as Kafka's does. A record's timestamp is the batch's max
//   timestamp, stamped at the append (`nowMs`).
// - `log.updateHighWatermark(hw); log.deleteOldSegments()` is deleteOldSegments(log, hw, cfg, now); the config is
//   LogTestUtils.createLogConfig's (retention.ms / retention.bytes -1 unless given, cleanup.policy delete).
// - `log.leaderEpochCache` / `epochCache(log)` is `log.epochCache`; `maybeAssignEpochStartOffset` is its assign.
// - `log.firstUnstableOffset` is the ProducerStateManager's (null for None).
//
// Not ported, with why: index files and their resizing, producer snapshot files and their deletion
// (testRetentionDeletesProducerStateSnapshots, ...: kafkasim keeps one snapshot per segment in memory), remote
// storage (KIP-405), time-based rolls with jitter (segment.jitter.ms is not modelled), log directory renames and
// deletion, message format upgrades/downgrades, testLogSegmentsCallCorrect (UnifiedLog.logSegments(from, to) is
// private to kafkasim's cleaner).
import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import { ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import { deleteOldSegments, type RetentionConfig } from "../../../src/kafka/log/retention.js";
import { RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes } from "../../../src/kafka/log/recordSize.js";
import type { KafkaRecord, RecordBatch } from "../../../src/kafka/log/recordBatch.js";

/** MockTime's clock. */
const NOW = 1_700_000_000_000;

/** A batch's bytes as Kafka writes it. */
function kafkaSize(records: readonly KafkaRecord[]): number {
  let n = RECORD_BATCH_OVERHEAD_BYTES;
  records.forEach((r, i) => (n += recordSizeInBytes(i, 0, r.key === null ? -1 : r.key.length, r.value.length)));
  return n;
}

/** TestUtils.singletonRecords(value = "test", key = null): 72 bytes. */
const TEST_RECORD: KafkaRecord = { key: null, value: "test" };
const SET_SIZE = kafkaSize([TEST_RECORD]);

class Log {
  readonly log = new PartitionLog();
  readonly state = new ProducerStateManager();
  constructor(
    readonly segmentBytes: number,
    readonly retention: RetentionConfig = { retentionMs: -1, retentionBytes: -1, delete: true },
  ) {}

  append(records: KafkaRecord[], timestampMs = NOW, extra: Partial<RecordBatch> = {}, leaderEpoch = 0): RecordBatch {
    const sizeBytes = extra.isControl ? 78 : kafkaSize(records);
    if (this.log.shouldRoll(sizeBytes, timestampMs, { segmentBytes: this.segmentBytes, segmentMs: 7 * 24 * 3600 * 1000 })) this.log.roll(timestampMs);
    const b = this.log.appendAsLeader({ producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records, sizeBytes, ...extra }, leaderEpoch, timestampMs);
    this.state.update(b);
    return b;
  }

  appendTimes(n: number, record = TEST_RECORD, timestampMs = NOW): void {
    for (let i = 0; i < n; i++) this.append([record], timestampMs);
  }

  deleteOldSegments(highWatermark: number, nowMs = NOW): number {
    return deleteOldSegments(this.log, highWatermark, this.retention, nowMs).reduce((n, d) => n + d.baseOffsets.length, 0);
  }

  get numberOfSegments(): number {
    return this.log.segments.length;
  }

  get epochEntries(): { epoch: number; startOffset: number }[] {
    return this.log.epochCache.entries.map((e) => ({ epoch: e.epoch, startOffset: e.startOffset }));
  }
}

describe("UnifiedLogTest: truncation", () => {
  it("testTruncateTo: at or past the log end nothing changes; below it the log end and size drop", () => {
    const msgPerSeg = 10;
    const log = new Log(msgPerSeg * SET_SIZE);
    expect(log.numberOfSegments).toBe(1);
    log.appendTimes(msgPerSeg);
    expect(log.numberOfSegments).toBe(1);
    expect(log.log.logEndOffset).toBe(msgPerSeg);

    const lastOffset = log.log.logEndOffset;
    const size = log.log.sizeBytes;
    log.log.truncateTo(log.log.logEndOffset);
    expect(log.log.logEndOffset).toBe(lastOffset);
    expect(log.log.sizeBytes).toBe(size);
    log.log.truncateTo(log.log.logEndOffset + 1);
    expect(log.log.logEndOffset).toBe(lastOffset);
    expect(log.log.sizeBytes).toBe(size);
    log.log.truncateTo(msgPerSeg / 2);
    expect(log.log.logEndOffset).toBe(msgPerSeg / 2);
    expect(log.log.sizeBytes).toBeLessThan(size);
    log.log.truncateTo(0);
    expect(log.log.logEndOffset).toBe(0);
    expect(log.log.sizeBytes).toBe(0);

    log.appendTimes(msgPerSeg);
    expect(log.log.logEndOffset).toBe(lastOffset);
    expect(log.log.sizeBytes).toBe(size);
    log.log.truncateFullyAndStartAt(log.log.logEndOffset - (msgPerSeg - 1), NOW);
    expect(log.log.logEndOffset).toBe(lastOffset - (msgPerSeg - 1));
    expect(log.log.sizeBytes).toBe(0);

    log.appendTimes(msgPerSeg);
    expect(log.log.logEndOffset).toBeGreaterThan(msgPerSeg);
    expect(log.log.sizeBytes).toBe(size);
  });

  // Was a pinned disagreement: UnifiedLog.truncateTo below the first segment's base offset truncates fully and
  // restarts the log there (truncateFullyAndStartAt(targetOffset)); kafkasim's PartitionLog.truncateTo left the log
  // end at the log start (1 here, where Kafka's is 0).
  it("testTruncateTo, last step: truncating below the first segment's base restarts the log at the target", () => {
    const log = new Log(10 * SET_SIZE);
    log.log.truncateFullyAndStartAt(1, NOW);
    log.appendTimes(10);
    log.log.truncateTo(0, NOW);
    expect(log.log.logEndOffset).toBe(0);
    expect(log.log.logStartOffset).toBe(0);
    expect(log.log.sizeBytes).toBe(0);
    expect(log.log.segments.map((s) => s.baseOffset)).toEqual([0]);
    log.appendTimes(10);
    expect(log.log.logEndOffset).toBe(10);
  });

  // UnifiedLog.truncateTo at or above the first segment's base: `logStartOffset = math.min(targetOffset,
  // logStartOffset)`, so a log start that DeleteRecords moved inside the segment comes back to the target.
  it("truncateTo between the first segment's base and the log start moves the log start back to the target", () => {
    const log = new Log(10 * SET_SIZE);
    log.appendTimes(10);
    log.log.maybeIncrementLogStartOffset(6);
    log.log.truncateTo(4, NOW);
    expect(log.log.logEndOffset).toBe(4);
    expect(log.log.logStartOffset).toBe(4);
    expect(log.log.segments.map((s) => s.baseOffset)).toEqual([0]);
  });

  it("truncateTo above the log start leaves the log start where it is", () => {
    const log = new Log(10 * SET_SIZE);
    log.appendTimes(10);
    log.log.maybeIncrementLogStartOffset(3);
    log.log.truncateTo(7, NOW);
    expect(log.log.logEndOffset).toBe(7);
    expect(log.log.logStartOffset).toBe(3);
  });

  // DISAGREEMENT, pinned: UnifiedLog.truncateTo(target >= logEndOffset) changes no record but still calls
  // leaderEpochCache.truncateFromEndAsyncFlush(logEndOffset) ("we may have a conflicting epoch entry at the end of
  // the log from the leader"): an epoch a broker assigned on becoming leader, with nothing appended in it, goes when
  // it truncates as a follower. kafkasim's PartitionLog.truncateTo returned at once, so the entry stayed (and the
  // replica answered OffsetsForLeaderEpoch with it later), until this vector found it.
  it("testTruncateToEndOffsetClearsEpochCache: a truncation at or past the log end drops an epoch entry at the log end", () => {
    const log = new Log(1024 * 1024 * 1024);
    const b: RecordBatch = { baseOffset: 27, leaderEpoch: 19, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: [{ key: null, value: "a" }, { key: null, value: "b" }], sizeBytes: 80 };
    log.log.truncateFullyAndStartAt(27, NOW);
    log.log.appendAsFollower(b);
    expect(log.log.epochCache.entries.at(-1)).toEqual({ epoch: 19, startOffset: 27 });
    expect(log.log.logEndOffset).toBe(29);
    const verifyTruncationClearsEpochCache = (epoch: number, truncationOffset: number) => {
      log.log.epochCache.assign(epoch, log.log.logEndOffset);
      expect(log.log.epochCache.entries.at(-1)).toEqual({ epoch, startOffset: 29 });
      expect(log.log.logEndOffset).toBe(29);
      log.log.truncateTo(truncationOffset);
      expect(log.log.epochCache.entries.at(-1)).toEqual({ epoch: 19, startOffset: 27 });
      expect(log.log.logEndOffset).toBe(29);
    };
    verifyTruncationClearsEpochCache(20, log.log.logEndOffset);
    verifyTruncationClearsEpochCache(24, log.log.logEndOffset + 1);
  });

  it("testSizeBasedLogRoll: segment.bytes of 10 × (set size - 1) rolls at the 11th record", () => {
    const log = new Log(10 * (SET_SIZE - 1));
    expect(log.numberOfSegments).toBe(1);
    log.appendTimes(11);
    expect(log.numberOfSegments).toBe(2);
  });
});

describe("UnifiedLogTest: deleteOldSegments", () => {
  it("testDeleteOldSegments: nothing at or above the HW goes; all expired segments go; the epoch entry moves to the log end", () => {
    const log = new Log(SET_SIZE * 5, { retentionMs: 999, retentionBytes: -1, delete: true });
    log.appendTimes(100, TEST_RECORD, NOW - 1000);
    log.log.epochCache.assign(0, 40);
    log.log.epochCache.assign(1, 90);
    const numSegments = log.numberOfSegments;
    log.deleteOldSegments(0);
    expect(log.numberOfSegments).toBe(numSegments);
    expect(log.log.logStartOffset).toBe(0);
    for (let hw = 25; hw <= 30; hw++) {
      log.deleteOldSegments(hw);
      expect(log.log.logStartOffset).toBeLessThanOrEqual(hw);
      // Every segment left has its last record at or above the HW.
      log.log.segments.forEach((s, i) => {
        const end = log.log.segments[i + 1]?.baseOffset ?? log.log.logEndOffset;
        if (end > s.baseOffset) expect(end - 1).toBeGreaterThanOrEqual(hw);
      });
    }
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.numberOfSegments).toBe(1);
    expect(log.epochEntries).toEqual([{ epoch: 1, startOffset: 100 }]);
  });

  it("testCannotDeleteSegmentsAtOrAboveHighWatermark: for every HW 0..100, only segments wholly below it go", () => {
    const log = new Log(512, { retentionMs: 999, retentionBytes: -1, delete: true });
    for (let i = 0; i < 100; i++) log.append([{ key: null, value: `test${i}` }], NOW - 1000);
    expect(log.numberOfSegments).toBeGreaterThan(5);
    expect(log.log.logStartOffset).toBe(0);
    expect(log.log.logEndOffset).toBe(100);
    for (let hw = 0; hw <= 100; hw++) {
      log.deleteOldSegments(hw);
      expect(log.log.logStartOffset).toBeLessThanOrEqual(hw);
      const [head, ...tail] = log.log.segments;
      expect(head.baseOffset).toBeLessThanOrEqual(hw);
      expect(head.baseOffset).toBeGreaterThanOrEqual(log.log.logStartOffset);
      for (const s of tail) {
        expect(s.baseOffset).toBeGreaterThan(hw);
        expect(s.baseOffset).toBeGreaterThanOrEqual(log.log.logStartOffset);
      }
    }
    expect(log.log.logStartOffset).toBe(100);
    expect(log.numberOfSegments).toBe(1);
    expect(log.log.activeSegment.sizeBytes).toBe(0);
  });

  it("testLogDeletionAfterDeleteRecords: segments wholly below the log start go, the one holding it stays", () => {
    const log = new Log(SET_SIZE * 5);
    log.appendTimes(15);
    expect(log.numberOfSegments).toBe(3);
    const hw = log.log.logEndOffset;
    log.log.maybeIncrementLogStartOffset(1);
    log.deleteOldSegments(hw);
    expect(log.numberOfSegments).toBe(3);
    expect(log.log.logStartOffset).toBe(1);
    log.log.maybeIncrementLogStartOffset(6);
    log.deleteOldSegments(hw);
    expect(log.numberOfSegments).toBe(2);
    expect(log.log.logStartOffset).toBe(6);
    log.log.maybeIncrementLogStartOffset(15);
    log.deleteOldSegments(hw);
    expect(log.numberOfSegments).toBe(1);
    expect(log.log.logStartOffset).toBe(15);
  });

  it("shouldDeleteSizeBasedSegments: retention.bytes of 10 records leaves 2 of 3 segments", () => {
    const log = new Log(SET_SIZE * 5, { retentionMs: -1, retentionBytes: SET_SIZE * 10, delete: true });
    log.appendTimes(15);
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.numberOfSegments).toBe(2);
  });

  it("shouldNotDeleteSizeBasedSegmentsWhenUnderRetentionSize: retention.bytes of 15 records keeps all 3", () => {
    const log = new Log(SET_SIZE * 5, { retentionMs: -1, retentionBytes: SET_SIZE * 15, delete: true });
    log.appendTimes(15);
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.numberOfSegments).toBe(3);
  });

  it("shouldDeleteTimeBasedSegmentsReadyToBeDeleted: records at timestamp 10 are past retention.ms 10000", () => {
    const log = new Log(SET_SIZE * 5, { retentionMs: 10_000, retentionBytes: -1, delete: true });
    log.appendTimes(15, TEST_RECORD, 10);
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.numberOfSegments).toBe(1);
  });

  it("shouldNotDeleteTimeBasedSegmentsWhenNoneReadyToBeDeleted: records at now are within retention.ms", () => {
    const log = new Log(SET_SIZE * 5, { retentionMs: 10_000_000, retentionBytes: -1, delete: true });
    log.appendTimes(15);
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.numberOfSegments).toBe(3);
  });

  const keyed: KafkaRecord = { key: "test", value: "test" };
  const keyedSize = kafkaSize([keyed]);

  it("shouldNotDeleteSegmentsWhenPolicyDoesNotIncludeDelete: cleanup.policy=compact ignores retention.ms", () => {
    const log = new Log(keyedSize * 5, { retentionMs: 10_000, retentionBytes: -1, delete: false });
    log.appendTimes(15, keyed, 10);
    const segments = log.numberOfSegments;
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.numberOfSegments).toBe(segments);
  });

  it("shouldDeleteSegmentsReadyToBeDeletedWhenCleanupPolicyIsCompactAndDelete", () => {
    const log = new Log(keyedSize * 5, { retentionMs: 10_000, retentionBytes: -1, delete: true });
    log.appendTimes(15, keyed, 10);
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.numberOfSegments).toBe(1);
  });

  it("shouldDeleteStartOffsetBreachedSegmentsWhenPolicyDoesNotIncludeDelete: compact still drops what is below the log start", () => {
    const log = new Log(keyedSize * 5, { retentionMs: 10_000, retentionBytes: -1, delete: false });
    log.appendTimes(15, keyed, 10);
    expect(log.numberOfSegments).toBe(3);
    log.log.maybeIncrementLogStartOffset(5);
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.numberOfSegments).toBe(2);
    expect(log.log.segments[0].baseOffset).toBeLessThanOrEqual(log.log.logStartOffset);
    for (const s of log.log.segments.slice(1)) expect(s.baseOffset).toBeGreaterThan(log.log.logStartOffset);
  });

  it("shouldTruncateLeaderEpochsWhenDeletingSegments: the epoch wholly in the deleted segment goes", () => {
    const log = new Log(SET_SIZE * 5, { retentionMs: -1, retentionBytes: SET_SIZE * 10, delete: true });
    log.appendTimes(15);
    log.log.epochCache.assign(0, 0);
    log.log.epochCache.assign(1, 5);
    log.log.epochCache.assign(2, 10);
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.epochEntries).toEqual([
      { epoch: 1, startOffset: 5 },
      { epoch: 2, startOffset: 10 },
    ]);
  });

  it("shouldUpdateOffsetForLeaderEpochsWhenDeletingSegments: the epoch spanning the new log start now starts there", () => {
    const log = new Log(SET_SIZE * 5, { retentionMs: -1, retentionBytes: SET_SIZE * 10, delete: true });
    log.appendTimes(15);
    log.log.epochCache.assign(0, 0);
    log.log.epochCache.assign(1, 7);
    log.log.epochCache.assign(2, 10);
    log.deleteOldSegments(log.log.logEndOffset);
    expect(log.epochEntries).toEqual([
      { epoch: 0, startOffset: 5 },
      { epoch: 1, startOffset: 7 },
      { epoch: 2, startOffset: 10 },
    ]);
  });
});

describe("UnifiedLogTest: first unstable offset", () => {
  it("testFirstUnstableOffsetNoTransactionalData: none", () => {
    const log = new Log(1024 * 1024 * 5);
    log.append([{ key: null, value: "foo" }, { key: null, value: "bar" }, { key: null, value: "baz" }]);
    expect(log.state.firstUnstableOffset()).toBe(Infinity);
  });

  // Was a pinned disagreement: Kafka's ProducerStateManager keeps a transaction ended by a marker among its
  // `unreplicatedTxns` until the high watermark passes the marker (completeTxn, then onHighWatermarkUpdated), and
  // firstUnstableOffset (hence the LSO) counts them; kafkasim's forgot the transaction when the marker was appended.
  it("testFirstUnstableOffsetWithTransactionalData: the first offset stays unstable until the HW passes the marker", () => {
    const log = new Log(1024 * 1024 * 5);
    const txn = { producerId: 137, producerEpoch: 5, isTransactional: true };
    const first = log.append([{ key: null, value: "foo" }, { key: null, value: "bar" }, { key: null, value: "baz" }], NOW, { ...txn, baseSequence: 0 });
    expect(log.state.firstUnstableOffset()).toBe(first.baseOffset);
    log.append([{ key: null, value: "blah" }], NOW, { ...txn, baseSequence: 3 });
    expect(log.state.firstUnstableOffset()).toBe(first.baseOffset);
    const marker = log.append([{ key: "COMMIT", value: "0" }], NOW, { ...txn, baseSequence: -1, isControl: true });
    // "first unstable offset is not updated until the high watermark is advanced"
    expect(log.state.firstUnstableOffset()).toBe(first.baseOffset);
    // UnifiedLogTest: `log.updateHighWatermark(commitAppendInfo.lastOffset + 1)` → "now there should be no first unstable offset".
    log.state.onHighWatermarkUpdated(marker.baseOffset + 1);
    expect(log.state.firstUnstableOffset()).toBe(Infinity);
  });
});
