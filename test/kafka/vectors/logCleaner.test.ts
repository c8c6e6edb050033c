// Vectors from Kafka's core/src/test/scala/unit/kafka/log/LogCleanerTest.scala (apache/kafka 1eb7644): what the
// cleaner keeps of a compacted log with idempotent and transactional producers, markers and tombstones, run against
// kafkasim's Cleaner (src/kafka/log/logCleaner.ts: logToClean, cleanReplica / doClean) on a PartitionLog whose
// producer state is kafkasim's ProducerStateManager, as UnifiedLog keeps it for Kafka's cleaner.
//
// Shapes adapted:
// - Kafka's `LogToClean(tp, log, firstDirtyOffset, uncleanableOffset)` is kafkasim's `logToClean` with the cleaner
//   checkpoint at `firstDirtyOffset` and the last stable offset at `uncleanableOffset` (cleanableOffsets bounds the
//   uncleanable offset by the active segment's base, which is what every ported test passes).
// - `cleaner.clean(l)` is a cleaning at MockTime's clock (MOCK_NOW); `cleaner.doClean(l, currentTime)` one at
//   `currentTime`. `largeTimestamp` (Long.MaxValue - delete.retention.ms - 1) is LARGE_TS, and `Long.MaxValue` is
//   LONG_MAX: a time past every delete horizon set at LARGE_TS, as Kafka's is. runTwoPassClean is two cleanings,
//   the second delete.retention.ms + 1 later (LogCleanerTest.runTwoPassClean).
// - Records are `key.toString` keys and values, as the test's record(key, value) and appendTransactionalAsLeader
//   build them; batch sizes are Kafka's (61-byte header + DefaultRecord.sizeInBytes), so segment.bytes rolls the
//   log where Kafka's does (UnifiedLog.maybeRoll is PartitionLog.shouldRoll + roll). Markers are 78-byte control
//   batches (EndTransactionMarker, coordinator epoch 0).
// - keysInLog / offsetsInLog / lastOffsetsPerBatchInLog / lastSequencesInLog / batchBaseOffsetsInLog read the
//   log's batches as Kafka's helpers read the segments (a record "has a value" unless it is a tombstone).
//
// Not ported, with why:
// - testPartialSegmentClean, testMultiPassSegmentCleaningWithAbortedTransactions, testLogCleanerStats,
//   testBuildOffsetMap*, testBuildPartialOffsetMap, testSegmentWithOffsetOverflow: a bounded offset map
//   (log.cleaner.dedupe.buffer.size) is not modelled; kafkasim's map holds every dirty key.
// - testCleanSegments, testLargeMessage, testMessageLargerThanMaxMessageSize*, testCleanSegmentsRetainingLastEmptyBatch,
//   testCleanSegmentsWithAbort: they call cleanSegments with a FakeOffsetMap mapping keys to Long.MaxValue, an entry
//   point kafkasim's cleaner does not have (it builds its own map); corrupt records, aborts and throttling are not
//   modelled (testCorruptMessageSizeLargerThanBytesAvailable, testCleanCorruptMessageSet, testMaxCleanTimeSecs, ...).
// - testSegmentGrouping*, testCleaningBeyondMissingOffsets: index sizes and rolls at a chosen offset
//   (log.roll(Some(11L))) are not modelled.
// - testRecoveryAfterCrash, testSizeTrimmedForPreallocatedAndCompactedTopic, metrics and reconfiguration tests.
import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import { ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import { cleanableRatio, cleanReplica, type CompactionConfig, logToClean, type LogToClean } from "../../../src/kafka/log/logCleaner.js";
import { RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes } from "../../../src/kafka/log/recordSize.js";
import { type KafkaRecord, keyBytesOf, lastOffsetOf, lastSequenceOf, offsetOfRecord, type RecordBatch, valueBytesOf } from "../../../src/kafka/log/recordBatch.js";

/** LogCleanerTest.tombstoneRetentionMs: delete.retention.ms's default (1 day). */
const TOMBSTONE_RETENTION_MS = 86_400_000;
/** MockTime's clock when the test calls `cleaner.clean` (any time well before LARGE_TS). */
const MOCK_NOW = 1_000_000;
/** LogCleanerTest.largeTimestamp = Long.MaxValue - tombstoneRetentionMs - 1. */
const LARGE_TS = 2 ** 50;
/** Long.MaxValue: past every delete horizon stamped at LARGE_TS (LARGE_TS + delete.retention.ms). */
const LONG_MAX = LARGE_TS + TOMBSTONE_RETENTION_MS + 1;

function config(segmentBytes: number): CompactionConfig {
  return { compact: true, delete: false, deleteRetentionMs: TOMBSTONE_RETENTION_MS, minCleanableDirtyRatio: 0.5, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, segmentBytes };
}

/** A batch's bytes as Kafka writes it: the v2 header, then each record at its offset delta (timestamp delta 0). */
function kafkaSize(records: readonly KafkaRecord[]): number {
  let n = RECORD_BATCH_OVERHEAD_BYTES;
  records.forEach((r, i) => (n += recordSizeInBytes(i, 0, keyBytesOf(r), valueBytesOf(r))));
  return n;
}

/** A UnifiedLog as LogCleanerTest's makeLog gives it: a log, its producer state, segment.bytes rolls. */
class Log {
  readonly log = new PartitionLog();
  readonly state = new ProducerStateManager();
  readonly cfg: CompactionConfig;
  constructor(segmentBytes = 1024) {
    this.cfg = config(segmentBytes);
  }

  /** UnifiedLog.appendAsLeader (maybeRoll first, then the append and the producer state's update). */
  append(batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch" | "sizeBytes">, leaderEpoch = 0): RecordBatch {
    const sizeBytes = batch.isControl ? 78 : kafkaSize(batch.records);
    if (this.log.shouldRoll(sizeBytes, 0, { segmentBytes: this.cfg.segmentBytes, segmentMs: Infinity })) this.log.roll(0);
    const b = this.log.appendAsLeader({ ...batch, sizeBytes }, leaderEpoch, 0);
    this.state.update(b);
    return b;
  }

  /** LogCleanerTest.record(key, value, producerId, producerEpoch, sequence); a null value is tombstoneRecord(key). */
  record(key: number | null, value: number | null, producerId = -1, producerEpoch = -1, sequence = -1): RecordBatch {
    const r: KafkaRecord = value === null ? { key: String(key), value: "", tombstone: true } : { key: key === null ? null : String(key), value: String(value) };
    return this.append({ producerId, producerEpoch, baseSequence: sequence, isTransactional: false, isControl: false, records: [r] });
  }

  /** appendIdempotentAsLeader / appendTransactionalAsLeader: one batch of `keys` (key = value), sequences from 0. */
  producer(producerId: number, producerEpoch: number, isTransactional: boolean): (keys: (number | string)[]) => RecordBatch {
    let sequence = 0;
    return (keys) => {
      const records = keys.map((k) => ({ key: String(k), value: String(k) }));
      const b = this.append({ producerId, producerEpoch, baseSequence: sequence, isTransactional, isControl: false, records });
      sequence += records.length;
      return b;
    };
  }

  /** commitMarker / abortMarker, coordinator epoch 0. */
  marker(producerId: number, producerEpoch: number, commit: boolean): RecordBatch {
    return this.append({ producerId, producerEpoch, baseSequence: -1, isTransactional: true, isControl: true, records: [{ key: commit ? "COMMIT" : "ABORT", value: "0" }] });
  }

  roll(): void {
    this.log.roll(0);
  }

  get activeBase(): number {
    return this.log.activeSegment.baseOffset;
  }

  /**
   * `LogToClean(tp, log, firstDirtyOffset, uncleanableOffset)`. Where the test passes a first dirty offset at the
   * uncleanable one (the previous round's end, nothing new appended), Kafka's test cleaner still cleans [0, previous
   * end) again with an empty map: its FakeOffsetMap.clear() keeps `latestOffset` (SkimpyOffsetMap.clear resets it,
   * and LogCleanerManager never picks a log with nothing dirty). Here that cleaning is one from offset 0: the range
   * is already compacted, so the map keeps the same records an empty map keeps.
   */
  toClean(firstDirtyOffset: number, uncleanableOffset = this.activeBase): LogToClean {
    this.log.cleanerCheckpoint = firstDirtyOffset >= uncleanableOffset ? 0 : firstDirtyOffset;
    return logToClean(this.log, uncleanableOffset, MOCK_NOW, this.cfg);
  }

  /** `cleaner.doClean(l, currentTime)._1`: the next first dirty offset. */
  doClean(l: LogToClean, currentTimeMs = MOCK_NOW): number {
    const r = cleanReplica({ log: this.log, producerState: this.state, lastStableOffset: this.log.logEndOffset }, l, currentTimeMs, this.cfg);
    return r === null ? l.firstDirtyOffset : r.endOffset;
  }

  /** LogCleanerTest.runTwoPassClean. */
  twoPass(l: LogToClean, currentTimeMs: number): number {
    this.doClean(l, currentTimeMs);
    return this.doClean(l, currentTimeMs + TOMBSTONE_RETENTION_MS + 1);
  }

  keysInLog(): number[] {
    const out: number[] = [];
    for (const b of this.log.batches) if (!b.isControl) for (const r of b.records) if (!r.tombstone && r.key !== null) out.push(Number(r.key));
    return out;
  }

  offsetsInLog(): number[] {
    const out: number[] = [];
    for (const b of this.log.batches) b.records.forEach((r, i) => !r.tombstone && r.key !== null && out.push(offsetOfRecord(b, i)));
    return out;
  }

  lastOffsetsPerBatchInLog(): number[] {
    return this.log.batches.map(lastOffsetOf);
  }

  batchBaseOffsetsInLog(): number[] {
    return this.log.batches.map((b) => b.baseOffset);
  }

  lastSequencesInLog(): Record<number, number> {
    const out: Record<number, number> = {};
    for (const b of this.log.batches) if (!b.isControl && b.producerId >= 0) out[b.producerId] = lastSequenceOf(b);
    return out;
  }

  /** `log.collectAbortedTransactions(0, ...)`: the transaction index. */
  abortedTxns(): { producerId: number; firstOffset: number; lastOffset: number }[] {
    return this.state.aborted.map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset, lastOffset: a.lastOffset }));
  }
}

describe("LogCleanerTest: transactions", () => {
  it("testBasicTransactionAwareCleaning: the aborted transaction's records go, the transaction index stays", () => {
    const log = new Log(2048);
    const p1 = log.producer(1, 0, true);
    const p2 = log.producer(2, 0, true);
    p1([1, 2]);
    p2([2, 3]);
    p1([3, 4]);
    log.marker(1, 0, false);
    log.marker(2, 0, true);
    p1([2]);
    log.marker(1, 0, true);
    const aborted = log.abortedTxns();
    log.roll();
    log.doClean(log.toClean(0));
    expect(log.keysInLog()).toEqual([3, 2]);
    expect(log.offsetsInLog()).toEqual([3, 6, 7, 8, 9]);
    expect(log.abortedTxns()).toEqual(aborted);
  });

  it("testCleanWithTransactionsSpanningSegments: only the first segment is cleaned, then only pid3's keys survive", () => {
    const log = new Log(1024);
    const p1 = log.producer(1, 0, true);
    const p2 = log.producer(2, 0, true);
    const p3 = log.producer(3, 0, true);
    p1([1, 2]);
    p3([2, 3]);
    p2([3, 4]);
    log.roll();
    p2([5, 6]);
    p3([6, 7]);
    p1([7, 8]);
    log.marker(2, 0, false);
    p3([8, 9]);
    log.marker(3, 0, true);
    p1([9, 10]);
    log.marker(1, 0, false);
    const dirtyOffset = log.doClean(log.toClean(0));
    expect(log.keysInLog()).toEqual([2, 3, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10]);
    log.roll();
    p2([11]);
    p1([12]);
    log.doClean(log.toClean(dirtyOffset));
    expect(log.keysInLog()).toEqual([2, 3, 6, 7, 8, 9, 11, 12]);
  });

  it("testCommitMarkerRemoval: a COMMIT marker stays while its transaction has records, then until its horizon", () => {
    const log = new Log(256);
    const p = log.producer(1, 0, true);
    p([1]);
    p([2, 3]);
    log.marker(1, 0, true);
    p([2]);
    log.marker(1, 0, true);
    log.roll();
    let dirtyOffset = log.doClean(log.toClean(0), LARGE_TS);
    expect(log.keysInLog()).toEqual([1, 3, 2]);
    expect(log.offsetsInLog()).toEqual([0, 2, 3, 4, 5]);

    p([1, 3]);
    log.marker(1, 0, true);
    log.roll();
    dirtyOffset = log.doClean(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.keysInLog()).toEqual([2, 1, 3]);
    expect(log.offsetsInLog()).toEqual([3, 4, 5, 6, 7, 8]);

    dirtyOffset = log.doClean(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.keysInLog()).toEqual([2, 1, 3]);
    expect(log.offsetsInLog()).toEqual([3, 4, 5, 6, 7, 8]);

    log.doClean(log.toClean(dirtyOffset), LONG_MAX);
    expect(log.keysInLog()).toEqual([2, 1, 3]);
    expect(log.offsetsInLog()).toEqual([4, 5, 6, 7, 8]);
  });

  it("testDeletedBatchesWithNoMessagesRead: an aborted batch and its marker go; the COMMIT marker after two passes", () => {
    const log = new Log(1000);
    const p = log.producer(1, 0, true);
    p([1]);
    log.marker(1, 0, false);
    p([2]);
    p([2]);
    log.marker(1, 0, true);
    log.roll();
    log.doClean(log.toClean(0), LARGE_TS);
    expect(log.keysInLog()).toEqual([2]);
    expect(log.offsetsInLog()).toEqual([1, 3, 4]);
    log.twoPass(log.toClean(0), LARGE_TS);
    expect(log.keysInLog()).toEqual([2]);
    expect(log.offsetsInLog()).toEqual([3, 4]);
  });

  it("testCommitMarkerRetentionWithEmptyBatch: empty batches keep each producer's last sequence until it writes again", () => {
    const log = new Log(256);
    const producer1 = log.producer(1, 0, true);
    const producer2 = log.producer(2, 0, true);
    producer1([2, 3]);
    log.roll();
    producer2([2, 3]);
    log.marker(2, 0, true);
    log.roll();
    log.record(2, 2);
    log.record(3, 3);
    log.marker(1, 0, true);
    log.roll();

    let dirtyOffset = log.doClean(log.toClean(0), LARGE_TS);
    expect(log.keysInLog()).toEqual([2, 3]);
    expect(log.offsetsInLog()).toEqual([4, 5, 6, 7]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([1, 3, 4, 5, 6, 7]);

    dirtyOffset = log.doClean(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.keysInLog()).toEqual([2, 3]);
    expect(log.offsetsInLog()).toEqual([4, 5, 6, 7]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([1, 3, 4, 5, 6, 7]);

    producer2([1]);
    log.marker(2, 0, true);
    log.roll();
    dirtyOffset = log.doClean(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.keysInLog()).toEqual([2, 3, 1]);
    expect(log.offsetsInLog()).toEqual([4, 5, 6, 7, 8, 9]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([1, 4, 5, 6, 7, 8, 9]);

    log.twoPass(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.keysInLog()).toEqual([2, 3, 1]);
    expect(log.offsetsInLog()).toEqual([5, 6, 7, 8, 9]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([1, 5, 6, 7, 8, 9]);
  });

  it("testCleanEmptyControlBatch: a marker with no transaction is emptied, kept for the epoch, and cleaned again safely", () => {
    const log = new Log(256);
    log.marker(1, 0, true);
    log.record(2, 2);
    log.record(3, 3);
    log.roll();
    let dirtyOffset = log.twoPass(log.toClean(0), LARGE_TS);
    expect(log.keysInLog()).toEqual([2, 3]);
    expect(log.offsetsInLog()).toEqual([1, 2]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([0, 1, 2]);
    dirtyOffset = log.doClean(log.toClean(dirtyOffset), LONG_MAX);
    expect(log.keysInLog()).toEqual([2, 3]);
    expect(log.offsetsInLog()).toEqual([1, 2]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([0, 1, 2]);
  });

  it("testCommittedTransactionSpanningSegments: the record and its marker in another segment both stay", () => {
    const log = new Log(128);
    const p = log.producer(1, 0, true);
    p([1]);
    log.roll();
    log.marker(1, 0, true);
    log.roll();
    log.twoPass(log.toClean(0), LARGE_TS);
    expect(log.offsetsInLog()).toEqual([0, 1]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([0, 1]);
  });

  it("testAbortedTransactionSpanningSegments: the aborted batch stays empty (last of its producer), so its marker stays", () => {
    const log = new Log(128);
    const p = log.producer(1, 0, true);
    p([1]);
    log.roll();
    log.marker(1, 0, false);
    log.roll();
    log.doClean(log.toClean(0), LARGE_TS);
    expect(log.offsetsInLog()).toEqual([1]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([0, 1]);
    log.doClean(log.toClean(0), LONG_MAX);
    expect(log.offsetsInLog()).toEqual([1]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([0, 1]);
  });

  it("testAbortMarkerRemoval: aborted records go at once, the ABORT marker after its delete horizon", () => {
    const log = new Log(256);
    const p = log.producer(1, 0, true);
    p([1]);
    p([2, 3]);
    log.marker(1, 0, false);
    p([3]);
    log.marker(1, 0, true);
    log.roll();
    const dirtyOffset = log.doClean(log.toClean(0), LARGE_TS);
    expect(log.keysInLog()).toEqual([3]);
    expect(log.offsetsInLog()).toEqual([3, 4, 5]);
    log.twoPass(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.keysInLog()).toEqual([3]);
    expect(log.offsetsInLog()).toEqual([4, 5]);
  });

  it("testEmptyBatchRemovalWithSequenceReuse: two transactions from sequence 0; only the last batch stays, empty", () => {
    const log = new Log(2048);
    log.producer(1, 0, true)([1]);
    log.marker(1, 0, true);
    log.producer(1, 0, true)([2]);
    log.marker(1, 0, true);
    log.record(1, 1);
    log.record(2, 1);
    log.roll();
    log.doClean(log.toClean(0), LARGE_TS);
    expect(log.offsetsInLog()).toEqual([1, 3, 4, 5]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([1, 2, 3, 4, 5]);
    log.twoPass(log.toClean(0), LARGE_TS);
    expect(log.offsetsInLog()).toEqual([3, 4, 5]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([2, 3, 4, 5]);
  });

  it("testAbortMarkerRetentionWithEmptyBatch: the ABORT marker and its index entry stay while the empty batch does", () => {
    const log = new Log(256);
    const p = log.producer(1, 0, true);
    p([2, 3]);
    log.marker(1, 0, false);
    log.roll();
    const indexed = [{ producerId: 1, firstOffset: 0, lastOffset: 2 }];
    expect(log.abortedTxns()).toEqual(indexed);

    let dirtyOffset = log.doClean(log.toClean(0), LARGE_TS);
    expect(log.abortedTxns()).toEqual(indexed);
    expect(log.keysInLog()).toEqual([]);
    expect(log.offsetsInLog()).toEqual([2]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([1, 2]);

    dirtyOffset = log.twoPass(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.abortedTxns()).toEqual(indexed);
    expect(log.keysInLog()).toEqual([]);
    expect(log.offsetsInLog()).toEqual([2]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([1, 2]);

    p([1]);
    log.roll();
    dirtyOffset = log.doClean(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.abortedTxns()).toEqual(indexed);
    expect(log.keysInLog()).toEqual([1]);
    expect(log.offsetsInLog()).toEqual([2, 3]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([2, 3]);

    log.twoPass(log.toClean(dirtyOffset), LARGE_TS);
    expect(log.keysInLog()).toEqual([1]);
    expect(log.offsetsInLog()).toEqual([3]);
    expect(log.lastOffsetsPerBatchInLog()).toEqual([3]);
    expect(log.abortedTxns()).toEqual([]);
  });

  it("testLogCleanerRetainsLastSequenceEvenIfTransactionAborted", () => {
    const log = new Log(1024);
    const p = log.producer(1, 0, true);
    p([1]);
    p([2, 3]);
    log.marker(1, 0, false);
    log.roll();
    log.doClean(log.toClean(0));
    expect(log.lastOffsetsPerBatchInLog()).toEqual([2, 3]);
    expect(log.lastSequencesInLog()).toEqual({ 1: 2 });
    expect(log.keysInLog()).toEqual([]);
    expect(log.offsetsInLog()).toEqual([3]);

    p([1, 5]);
    log.roll();
    log.doClean(log.toClean(0));
    expect(log.lastOffsetsPerBatchInLog()).toEqual([3, 5]);
    expect(log.lastSequencesInLog()).toEqual({ 1: 4 });
    expect(log.keysInLog()).toEqual([1, 5]);
    expect(log.offsetsInLog()).toEqual([3, 4, 5]);
  });

  it("testCleaningWithKeysConflictingWithTxnMarkerKeys: a data record keyed like a COMMIT marker removes no marker", () => {
    const log = new Log(1024);
    log.producer(1, 0, true)([1]);
    // Kafka's leaderEpoch 5 for every append; epochs do not enter the cleaner.
    log.marker(1, 0, true);
    log.producer(2, 0, true)(["COMMIT"]);
    log.marker(2, 0, true);
    log.roll();
    expect(log.offsetsInLog()).toEqual([0, 1, 2, 3]);
    log.doClean(log.toClean(0));
    expect(log.lastOffsetsPerBatchInLog()).toEqual([0, 1, 2, 3]);
    expect(log.offsetsInLog()).toEqual([0, 1, 2, 3]);
  });
});

describe("LogCleanerTest: idempotent producers, deletes, unkeyed records", () => {
  it("testLogCleanerRetainsProducerLastSequence: each producer's last batch stays, emptied if need be", () => {
    const log = new Log(1024);
    log.record(0, 0);
    log.record(0, 1, 1, 0, 0);
    log.record(0, 2, 2, 0, 0);
    log.record(0, 3, 3, 0, 0);
    log.record(1, 1, 2, 0, 1);
    log.roll();
    log.doClean(log.toClean(0));
    expect(log.lastOffsetsPerBatchInLog()).toEqual([1, 3, 4]);
    expect(log.lastSequencesInLog()).toEqual({ 1: 0, 2: 1, 3: 0 });
    expect(log.keysInLog()).toEqual([0, 1]);
    expect(log.offsetsInLog()).toEqual([3, 4]);
  });

  it("testDuplicateCheckAfterCleaning: the cleaned log keeps the sequences a duplicate is recognised by", () => {
    const log = new Log(2048);
    const append = (pid: number, keys: number[]) => log.producer(pid, 0, false)(keys);
    append(1, [1, 2, 3]);
    append(2, [3, 1, 4]);
    append(3, [1, 4]);
    log.roll();
    log.doClean(log.toClean(0));
    expect(log.lastOffsetsPerBatchInLog()).toEqual([2, 5, 7]);
    expect(log.lastSequencesInLog()).toEqual({ 1: 2, 2: 2, 3: 1 });
    expect(log.keysInLog()).toEqual([2, 3, 1, 4]);
    expect(log.offsetsInLog()).toEqual([1, 3, 6, 7]);

    // reloadLog(): the producer state is rebuilt from the cleaned log; a retry of each batch is a duplicate.
    const retry = (pid: number, keys: number[]) => {
      log.state.rebuild(log.log.batches);
      const records = keys.map((k) => ({ key: String(k), value: String(k) }));
      return log.state.check({ baseOffset: -1, leaderEpoch: 0, producerId: pid, producerEpoch: 0, baseSequence: 0, isTransactional: false, isControl: false, records, sizeBytes: kafkaSize(records) }, true);
    };
    expect(retry(1, [1, 2, 3])).toEqual({ kind: "duplicate", firstOffset: 0, lastOffset: 2 });
    expect(retry(3, [1, 4])).toEqual({ kind: "duplicate", firstOffset: 6, lastOffset: 7 });
    expect(retry(2, [3, 1, 4])).toEqual({ kind: "duplicate", firstOffset: 3, lastOffset: 5 });

    append(4, [2]);
    log.roll();
    log.doClean(log.toClean(0));
    expect(log.lastSequencesInLog()).toEqual({ 1: 2, 2: 2, 3: 1, 4: 0 });
    expect(log.lastOffsetsPerBatchInLog()).toEqual([2, 5, 7, 8]);
    expect(log.keysInLog()).toEqual([3, 1, 4, 2]);
    expect(log.offsetsInLog()).toEqual([3, 6, 7, 8]);
    expect(retry(1, [1, 2, 3])).toEqual({ kind: "duplicate", firstOffset: 0, lastOffset: 2 });
  });

  it("testCleaningWithDeletes: no key deleted by a tombstone is left", () => {
    const log = new Log(1024);
    while (log.log.segments.length < 2) log.record(log.log.logEndOffset, log.log.logEndOffset);
    const leo = log.log.logEndOffset;
    for (let key = 0; key < leo; key += 2) log.record(key, null);
    while (log.log.segments.length < 4) log.record(log.log.logEndOffset, log.log.logEndOffset);
    log.doClean(log.toClean(0));
    const keys = new Set(log.keysInLog());
    for (let key = 0; key < leo; key += 2) expect(keys.has(key)).toBe(false);
    expect(keys.has(1)).toBe(true);
  });

  it("testCleaningWithUnkeyedMessages: the unkeyed records go and the log shrinks by exactly their bytes", () => {
    const log = new Log(1024);
    while (log.log.segments.length < 2) log.record(null, log.log.logEndOffset);
    const unkeyed = () => log.log.batches.flatMap((b) => b.records).filter((r) => r.key === null && !r.tombstone).length;
    expect(unkeyed()).toBeGreaterThan(0);
    const sizeWithUnkeyedMessages = log.log.sizeBytes;
    while (log.log.segments.length < 3) log.record(log.log.logEndOffset, log.log.logEndOffset);
    const expectedSizeAfterCleaning = log.log.sizeBytes - sizeWithUnkeyedMessages;
    log.doClean(log.toClean(0));
    expect(unkeyed()).toBe(0);
    expect(log.log.sizeBytes).toBe(expectedSizeAfterCleaning);
  });

  it("testCleanTombstone: a tombstone that is the latest of its key stays through cleanings within its horizon", () => {
    const log = new Log(1024 * 1024 * 1024);
    log.record(0, 0);
    log.roll();
    log.doClean(log.toClean(0));
    log.record(0, null);
    log.roll();
    log.doClean(log.toClean(1));
    expect(lastOffsetOf(log.log.batches[0])).toBe(1);
    log.record(1, 1);
    log.roll();
    log.doClean(log.toClean(2));
    expect(lastOffsetOf(log.log.batches[0])).toBe(1);
  });
});

describe("LogCleanerTest: LogToClean", () => {
  /** Six segments of one record each (segment.bytes 100; a 25-byte value with key "1"). */
  function sixSegments(): Log {
    const log = new Log(100);
    for (let i = 0; i < 6; i++) log.append({ producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: [{ key: "1", value: "", padBytes: 25 }] });
    return log;
  }

  it("testLogToClean: total bytes are every segment but the active one", () => {
    const log = sixSegments();
    expect(log.log.segments.length).toBe(6);
    const l = log.toClean(log.activeBase);
    expect(l.cleanBytes + l.cleanableBytes).toBe(log.log.sizeBytes - log.log.activeSegment.sizeBytes);
  });

  it("testLogToCleanWithUncleanableSection: clean bytes [0,1], cleanable [2,3], the ratio of the two", () => {
    const log = sixSegments();
    const segs = log.log.segments;
    const l = log.toClean(segs[2].baseOffset, segs[4].baseOffset);
    const clean = segs[0].sizeBytes + segs[1].sizeBytes;
    const cleanable = segs[2].sizeBytes + segs[3].sizeBytes;
    expect(l.cleanBytes).toBe(clean);
    expect(l.cleanableBytes).toBe(cleanable);
    expect(l.cleanBytes + l.cleanableBytes).toBe(clean + cleanable);
    expect(cleanableRatio(l)).toBeCloseTo(cleanable / (clean + cleanable), 6);
  });

  // Kafka's Cleaner.doClean groups the segments by their sizes before the cleaning (groupSegmentsBySize(log.logSegments(0,
  // endOffset), segmentSize, ...), then cleanSegments per group), so two 994-byte segments (segment.bytes 1024) are
  // cleaned into two segments. kafkasim grouped by the cleaned sizes until this vector found it.
  it("testCleaningWithUncleanableSection: the segments from the first uncleanable offset's keep every value", () => {
    const N = 10;
    const log = new Log(1024);
    while (log.log.segments.length <= 2) log.record(log.log.logEndOffset % N, log.log.logEndOffset);
    const firstUncleanableOffset = log.log.logEndOffset + 1;
    while (log.log.segments.length < 6) log.record(log.log.logEndOffset % N, log.log.logEndOffset);
    const distinctValuesBySegment = () =>
      log.log.segments.map((s, i) => {
        const end = log.log.segments[i + 1]?.baseOffset ?? Infinity;
        return new Set(log.log.batches.filter((b) => b.baseOffset >= s.baseOffset && b.baseOffset < end).flatMap((b) => b.records.map((r) => r.value))).size;
      });
    const before = distinctValuesBySegment();
    for (const n of before.slice(0, -1)) expect(n).toBeGreaterThan(N);
    log.doClean(log.toClean(0, firstUncleanableOffset));
    const after = distinctValuesBySegment();
    for (let i = 0; i < 2; i++) expect(after[i]).toBeLessThan(before[i]);
    expect(after.slice(2)).toEqual(before.slice(2));
  });
});
