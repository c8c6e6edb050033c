// Vectors from Kafka's storage/src/test/java/org/apache/kafka/storage/internals/log/LogSegmentTest.java (apache/kafka
// 1eb7644): reads by offset (before the first offset, into a gap, past the last), truncation and the next offset of
// one segment, run against kafkasim's PartitionLog (src/kafka/log/partitionLog.ts), whose segments are offsets and
// sizes over the log's batches.
//
// Shapes adapted:
// - `createSegment(40)` is a PartitionLog started, empty, at 40 (truncateFullyAndStartAt(40)): one segment at 40.
// - `seg.append(largestOffset, ts, ..., records(offset, ...))` is appendAsFollower of a batch at `offset` (Kafka's
//   `records(offset, ...)` stamps each record with timestamp offset * 10); a follower's appends may leave gaps, as
//   a segment's offsets may.
// - `seg.read(offset, maxSize)` is `read(offset, maxSize)`: Kafka's null ("beyond the last offset") is an empty read.
//   The batches read are compared by base offset and records.
// - `seg.readNextOffset()` is `logEndOffset`; `seg.largestTimestamp()` the segment's largestTimestampMs;
//   `getFirstBatchTimestamp()` its firstBatchTimestampMs, where Kafka's "none" is Long.MAX_VALUE and kafkasim's -1.
// - `seg.shouldRoll(RollParams(maxSegmentMs, ...))` is `shouldRoll(batchBytes, now, { segmentBytes, segmentMs })`.
//
// Not ported, with why: offset and time indexes (entries, resizing, corruption, recovery), file suffixes and
// preallocation, testAppendForLogSegmentOffsetOverflowException (relative offsets in an int: kafkasim has no index
// to overflow), testReadWhenNoMaxPosition (file positions), testFindOffsetByTimestamp (ListOffsets by timestamp is not
// modelled), transaction index and epoch-cache recovery (kafka/log recovery tests), appendFromFile.
import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";

/** LogSegmentTest.records(offset, ...values): one batch at `offset`, its records stamped offset * 10. */
function records(offset: number, ...values: string[]): RecordBatch {
  return { baseOffset: offset, leaderEpoch: 0, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: values.map((value) => ({ key: null, value })), sizeBytes: 61 + 8 * values.length, maxTimestampMs: offset * 10 };
}

/** `createSegment(offset)`: an empty log whose one segment starts at `offset`. */
function createSegment(offset: number, nowMs = 0): PartitionLog {
  const log = new PartitionLog();
  log.truncateFullyAndStartAt(offset, nowMs);
  return log;
}

/** What a read returned, comparably: each batch's base offset and record values. */
const shape = (bs: readonly RecordBatch[]) => bs.map((b) => ({ baseOffset: b.baseOffset, values: b.records.map((r) => r.value) }));

describe("LogSegmentTest", () => {
  it("testReadOnEmptySegment: a read on an empty segment returns nothing", () => {
    const seg = createSegment(40);
    expect(seg.read(40, 300), "Read beyond the last offset in the segment should be null").toEqual([]);
  });

  it("testReadBeforeFirstOffset: a read before the first offset starts at the segment's first batch", () => {
    const seg = createSegment(40);
    const ms = records(50, "hello", "there", "little", "bee");
    seg.appendAsFollower(ms);
    expect(shape(seg.read(41, 300))).toEqual(shape([ms]));
  });

  it("testReadAfterLast: a read past the last offset returns nothing", () => {
    const seg = createSegment(40);
    seg.appendAsFollower(records(50, "hello", "there"));
    expect(seg.read(52, 200), "Read beyond the last offset in the segment should give null").toEqual([]);
  });

  it("testReadFromGap: a read from an offset in a gap starts at the next batch", () => {
    const seg = createSegment(40);
    seg.appendAsFollower(records(50, "hello", "there"));
    const ms2 = records(60, "alpha", "beta");
    seg.appendAsFollower(ms2);
    expect(shape(seg.read(55, 200))).toEqual(shape([ms2]));
  });

  it("testTruncate: append two, truncate off the second, read the first only", () => {
    const seg = createSegment(40);
    let offset = 40;
    for (let i = 0; i < 30; i++) {
      const ms1 = records(offset, "hello");
      seg.appendAsFollower(ms1);
      const ms2 = records(offset + 1, "hello");
      seg.appendAsFollower(ms2);
      // Both messages read back.
      expect(shape(seg.read(offset, 10000))).toEqual(shape([ms1, ms2]));
      // Truncate off the last message.
      seg.truncateTo(offset + 1);
      expect(shape(seg.read(offset, 10000))).toEqual(shape([ms1]));
      offset += 1;
    }
  });

  it("testTruncateEmptySegment: an empty segment is not rolled for its age", () => {
    const maxSegmentMs = 300000;
    let now = 0;
    const reopened = createSegment(0, now);
    now += 500;
    reopened.truncateTo(57, now);
    expect(reopened.shouldRoll(100, now, { segmentBytes: 2147483647, segmentMs: maxSegmentMs })).toBe(false);
    // Not rolled even once maxSegmentMs has passed.
    now += maxSegmentMs + 1;
    expect(reopened.shouldRoll(100, now, { segmentBytes: 2147483647, segmentMs: maxSegmentMs })).toBe(false);
    // (Kafka's last assertion, a roll when the next offset does not fit the segment's int index, has no index here.)
  });

  it("testReloadLargestTimestampAndNextOffsetAfterTruncation", () => {
    const numMessages = 30;
    const seg = createSegment(40);
    let offset = 40;
    for (let i = 0; i < numMessages; i++) {
      seg.appendAsFollower(records(offset, "hello"));
      offset++;
    }
    expect(seg.logEndOffset).toBe(offset);
    seg.truncateTo(41);
    expect(seg.activeSegment.largestTimestampMs, "Largest timestamp should be 400").toBe(400);
    expect(seg.logEndOffset).toBe(41);
  });

  it("testTruncateFull: truncating the whole segment, then re-appending at the original offset", () => {
    const seg = createSegment(40);
    seg.appendAsFollower(records(40, "hello", "there"));
    seg.truncateTo(0);
    expect(seg.read(0, 1024), "Segment should be empty.").toEqual([]);
    expect(() => seg.appendAsFollower(records(40, "hello", "there"))).not.toThrow();
    expect(seg.logEndOffset).toBe(42);
  });

  it("testNextOffsetCalculation: offsets are assigned sequentially and the next offset follows", () => {
    const seg = createSegment(40);
    expect(seg.logEndOffset).toBe(40);
    seg.appendAsFollower(records(50, "hello", "there", "you"));
    expect(seg.logEndOffset).toBe(53);
  });

  it("testGetFirstBatchTimestamp", () => {
    const segment = createSegment(1);
    expect(segment.activeSegment.firstBatchTimestampMs).toBe(-1); // Kafka: Long.MAX_VALUE, "none"
    segment.appendAsFollower({ ...records(1, "one"), maxTimestampMs: 1000 });
    expect(segment.activeSegment.firstBatchTimestampMs).toBe(1000);
  });
});
