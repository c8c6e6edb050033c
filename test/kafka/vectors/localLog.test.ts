// Vectors from Kafka's core/src/test/scala/unit/kafka/log/LocalLogTest.scala (apache/kafka 1eb7644): rolls, flushes,
// appends, truncation and full truncation of a log's segments, run against kafkasim's PartitionLog
// (src/kafka/log/partitionLog.ts), which is LocalLog and UnifiedLog in one.
//
// Shapes adapted:
// - `appendRecords(records, initialOffset)` (LocalLog.append with the offsets given) is appendAsFollower of a batch at
//   `initialOffset`: the records at consecutive offsets, as Kafka's MemoryRecords.withRecords(initialOffset, ...).
// - `log.roll()` is PartitionLog.roll(now); `log.roll(Some(o))` the same (kafkasim rolls at the log end, which is
//   where every roll of these tests lands); `log.segments.numberOfSegments` is `segments.length`.
// - `log.recoveryPoint` (what has been flushed) is `flushedOffset`; `log.flush(o); log.markFlushed(o)` with o the log
//   end is `flush()`.
// - `readRecords(startOffset)` is `read(startOffset, Infinity)`, and a record `KeyValue(key, value)` its key ("" for
//   none) and value.
// - `log.truncateTo(o)` / `truncateFullyAndStartAt(o)` answer the segments they removed in Kafka; kafkasim's answer
//   the offsets removed, so the vectors compare the segments before and after instead.
// - `log.updateLogEndOffset(1L)` sets `logEndOffset`.
//
// Not ported, with why: files and directories (renames, deletion, close handlers, suffixes, parsing directory
// names), asynchronous segment deletion, testWhenFetchOffsetHigherThanMaxOffset (reads bounded by a
// LogOffsetMetadata with file positions: kafkasim reads by offset), testNonActiveSegmentsFrom (a segment-list helper
// the model does not use), testLogDeleteSegmentsSuccess (deleteAllSegments leaves no segment, which kafkasim's log
// never has: its retention rolls a new one first, as UnifiedLog.deleteSegments does).
import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import type { KafkaRecord, RecordBatch } from "../../../src/kafka/log/recordBatch.js";

/** MockTime's clock. */
const NOW = 1_700_000_000_000;

/** A batch of `records` at `baseOffset`, as LocalLogTest.appendRecords builds it. */
function batch(records: KafkaRecord[], baseOffset: number, timestampMs = NOW): RecordBatch {
  return { baseOffset, leaderEpoch: 0, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records, sizeBytes: 61 + 8 * records.length, maxTimestampMs: timestampMs };
}
const kv = (key: string, value: string): KafkaRecord => ({ key, value });
/** `new SimpleRecord(time, "a".getBytes)`: no key. */
const A: KafkaRecord = { key: null, value: "a" };

function appendRecords(log: PartitionLog, records: KafkaRecord[], initialOffset = 0, timestampMs = NOW): void {
  log.appendAsFollower(batch(records, initialOffset, timestampMs));
}

/** The records read from `startOffset`, as KeyValues. */
function readKvs(log: PartitionLog, startOffset = 0): { key: string; value: string }[] {
  return log.read(startOffset, Infinity).flatMap((b) => b.records.map((r) => ({ key: r.key ?? "", value: r.value })));
}

describe("LocalLogTest", () => {
  it("testRollEmptyActiveSegment: an empty active segment is replaced, not followed", () => {
    const log = new PartitionLog();
    const oldActiveSegment = log.activeSegment;
    log.roll(NOW);
    expect(log.segments.length).toBe(1);
    expect(log.activeSegment).not.toBe(oldActiveSegment);
  });

  it("testLogFlush: the recovery point moves to the flushed offset", () => {
    const log = new PartitionLog();
    expect(log.flushedOffset).toBe(0);
    appendRecords(log, [A]);
    const newSegment = log.roll(NOW + 1);
    expect(newSegment.baseOffset).toBe(1);
    log.flush();
    expect(log.flushedOffset).toBe(1);
  });

  it("testLogAppend", () => {
    const log = new PartitionLog();
    expect(log.read(0, 1)).toEqual([]);
    const keyValues = [kv("abc", "ABC"), kv("de", "DE")];
    appendRecords(log, keyValues);
    expect(log.logEndOffset).toBe(2);
    expect(log.flushedOffset).toBe(0);
    expect(readKvs(log)).toEqual(keyValues);
  });

  // LocalLog.truncateFullyAndStartAt leaves the recovery point where it was (0: updateLogEndOffset only lowers it),
  // and so does the whole UnifiedLog / LogManager path: the 10 offsets below the new start count as unflushed
  // (unflushedMessages = logEndOffset - recoveryPoint, which log.flush.interval.messages reads).
  it("testTruncateFullyAndStartAt", () => {
    const log = new PartitionLog();
    for (let offset = 0; offset <= 7; offset++) {
      appendRecords(log, [A], offset);
      if (offset % 2 !== 0) log.roll(NOW);
    }
    for (let offset = 8; offset <= 12; offset++) appendRecords(log, [A], offset);
    expect(log.segments.length).toBe(5);
    expect(log.activeSegment.baseOffset).not.toBe(10);
    log.truncateFullyAndStartAt(10, NOW);
    expect(log.segments.length).toBe(1);
    expect(log.activeSegment.baseOffset).toBe(10);
    expect(log.flushedOffset).toBe(0);
    expect(log.logEndOffset).toBe(10);
    expect(log.read(10, Infinity)).toEqual([]);
  });

  it("testTruncateTo: truncating below the active segment's base drops the segments above", () => {
    const log = new PartitionLog();
    for (let offset = 0; offset <= 11; offset++) {
      appendRecords(log, [A], offset);
      if (offset % 3 === 2) log.roll(NOW);
    }
    expect(log.segments.length).toBe(5);
    expect(log.logEndOffset).toBe(12);
    // The segments Kafka answers as deleted: those from 9 to the log end.
    const expected = log.segments.filter((s) => s.baseOffset >= 9).map((s) => s.baseOffset);
    expect(expected).toEqual([9, 12]);
    // Truncate to an offset before the base offset of the active segment.
    log.truncateTo(7);
    expect(log.segments.map((s) => s.baseOffset).filter((b) => expected.includes(b))).toEqual([]);
    expect(log.segments.length).toBe(3);
    expect(log.activeSegment.baseOffset).toBe(6);
    expect(log.flushedOffset).toBe(0);
    expect(log.logEndOffset).toBe(7);
    expect(readKvs(log, 6)).toEqual([{ key: "", value: "a" }]);
    // We can still append to the active segment.
    appendRecords(log, [A], 7);
    expect(log.logEndOffset).toBe(8);
  });

  it("testRollSegmentThatAlreadyExists", () => {
    const log = new PartitionLog();
    expect(log.segments.length, "Log begins with a single empty segment.").toBe(1);
    // Rolling an active segment of size zero at the same base offset recreates the segment.
    log.roll(NOW);
    expect(log.segments.length, "Expect 1 segment after roll() empty segment with base offset.").toBe(1);
    const keyValues1 = [kv("k1", "v1")];
    appendRecords(log, keyValues1);
    expect(log.activeSegment.baseOffset).toBe(0);
    const keyValues2 = [kv("k2", "v2")];
    appendRecords(log, keyValues2, 1, NOW + 10);
    expect(log.logEndOffset, "Expect two records in the log").toBe(2);
    expect(readKvs(log)).toEqual([...keyValues1, ...keyValues2]);
    // Roll so that the active segment is empty.
    log.roll(NOW);
    expect(log.activeSegment.baseOffset, "Expect base offset of active segment to be LEO").toBe(2);
    expect(log.segments.length, "Expect two segments.").toBe(2);
    expect(log.logEndOffset).toBe(2);
  });

  it("testNewSegmentsAfterRoll", () => {
    const log = new PartitionLog();
    expect(log.segments.length, "Log begins with a single empty segment.").toBe(1);
    let newSegment = log.roll(NOW);
    expect(newSegment.baseOffset).toBe(0);
    expect(log.segments.length).toBe(1);
    expect(log.logEndOffset).toBe(0);

    appendRecords(log, [kv("k1", "v1")]);
    newSegment = log.roll(NOW);
    expect(newSegment.baseOffset).toBe(1);
    expect(log.segments.length).toBe(2);
    expect(log.logEndOffset).toBe(1);

    appendRecords(log, [kv("k2", "v2")], 1);
    newSegment = log.roll(NOW);
    expect(newSegment.baseOffset).toBe(2);
    expect(log.segments.length).toBe(3);
    expect(log.logEndOffset).toBe(2);
  });

  it("testRollSegmentErrorWhenNextOffsetIsIllegal: a roll below the active segment's base offset is refused", () => {
    const log = new PartitionLog();
    expect(log.segments.length, "Log begins with a single empty segment.").toBe(1);
    appendRecords(log, [kv("k1", "v1"), kv("k2", "v2"), kv("k3", "v3")]);
    expect(log.activeSegment.baseOffset).toBe(0);
    expect(log.logEndOffset).toBe(3);
    // Roll to create an empty active segment.
    log.roll(NOW);
    expect(log.activeSegment.baseOffset).toBe(3);
    // Set the log end offset up to introduce an error later.
    log.logEndOffset = 1;
    // Rolling to a new offset (1) lower than the base offset (3) of the active segment is an error.
    expect(() => log.roll(NOW)).toThrow(/lower than start offset of the active segment/);
  });
});
