import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import { deleteOldSegments, type RetentionConfig } from "../../../src/kafka/log/retention.js";

/**
 * Time- and size-based retention (Kafka `UnifiedLog.deleteOldSegments`, run by `LogManager.cleanupLogs`): which
 * segments go, for which reason, in which order, and never a segment that is not wholly below the high watermark.
 */

const batch = (value: string): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> => ({ producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: [{ key: null, value }], sizeBytes: 100 });

/** Three one-batch segments of 100 bytes: a (offset 0, newest at 1000 ms), b (1, 5000 ms), c (2, the active one, 9000 ms). */
function threeSegments(): PartitionLog {
  const log = new PartitionLog();
  log.appendAsLeader(batch("a"), 0, 1000);
  log.roll(2000);
  log.appendAsLeader(batch("b"), 0, 5000);
  log.roll(6000);
  log.appendAsLeader(batch("c"), 0, 9000);
  return log;
}

const cfg = (c: Partial<RetentionConfig>): RetentionConfig => ({ retentionMs: -1, retentionBytes: -1, delete: true, ...c });

describe("retention.ms (deleteRetentionMsBreachedSegments)", () => {
  it("deletes the oldest segments whose newest record is more than retention.ms old, and moves the log start past them", () => {
    const log = threeSegments();
    expect(deleteOldSegments(log, 3, cfg({ retentionMs: 4000 }), 9500)).toEqual([{ reason: "retention-ms-breach", baseOffsets: [0, 1], oldLogStartOffset: 0, logStartOffset: 2 }]);
    expect(log.logStartOffset).toBe(2);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([2]);
  });

  it("keeps a segment exactly retention.ms old", () => {
    expect(deleteOldSegments(threeSegments(), 3, cfg({ retentionMs: 4500 }), 9500).map((d) => d.baseOffsets)).toEqual([[0]]);
  });

  it("never deletes a segment not wholly below the high watermark", () => {
    expect(deleteOldSegments(threeSegments(), 1, cfg({ retentionMs: 0 }), 100_000).map((d) => d.baseOffsets)).toEqual([[0]]);
  });

  it("-1 means no limit", () => {
    expect(deleteOldSegments(threeSegments(), 3, cfg({}), 1e12)).toEqual([]);
  });
});

describe("retention.bytes (deleteRetentionSizeBreachedSegments)", () => {
  it("deletes the oldest segments while what is left stays at or above retention.bytes", () => {
    expect(deleteOldSegments(threeSegments(), 3, cfg({ retentionBytes: 150 }), 0)).toEqual([{ reason: "retention-size-breach", baseOffsets: [0], oldLogStartOffset: 0, logStartOffset: 1 }]);
    expect(deleteOldSegments(threeSegments(), 3, cfg({ retentionBytes: 100 }), 0).map((d) => d.baseOffsets)).toEqual([[0, 1]]);
  });

  it("retention.bytes=0 deletes every segment below the HW, the active one too (a new empty one is rolled)", () => {
    const log = threeSegments();
    expect(deleteOldSegments(log, 3, cfg({ retentionBytes: 0 }), 0)).toEqual([{ reason: "retention-size-breach", baseOffsets: [0, 1, 2], oldLogStartOffset: 0, logStartOffset: 3 }]);
    expect(log.segments.map((s) => [s.baseOffset, s.sizeBytes])).toEqual([[3, 0]]);
  });

  it("deletes nothing when the log is at or within retention.bytes", () => {
    expect(deleteOldSegments(threeSegments(), 3, cfg({ retentionBytes: 300 }), 0)).toEqual([]);
    expect(deleteOldSegments(threeSegments(), 3, cfg({ retentionBytes: 299 }), 0)).toEqual([]);
    expect(deleteOldSegments(threeSegments(), 3, cfg({ retentionBytes: 200 }), 0).map((d) => d.baseOffsets)).toEqual([[0]]);
  });
});

describe("the log start (deleteLogStartOffsetBreachedSegments) and the order of the three", () => {
  it("a compact-only log deletes only the segments below its log start (after DeleteRecords), whatever retention.ms says", () => {
    const log = threeSegments();
    log.maybeIncrementLogStartOffset(2);
    expect(deleteOldSegments(log, 3, cfg({ delete: false, retentionMs: 0, retentionBytes: 0 }), 1e9)).toEqual([{ reason: "log-start-offset-breach", baseOffsets: [0, 1], oldLogStartOffset: 2, logStartOffset: 2 }]);
  });

  it("the log start goes first, then size, then time, each reported as its own step", () => {
    const log = threeSegments();
    log.maybeIncrementLogStartOffset(1);
    expect(deleteOldSegments(log, 3, cfg({ retentionBytes: 150, retentionMs: 4000 }), 9500)).toEqual([
      { reason: "log-start-offset-breach", baseOffsets: [0], oldLogStartOffset: 1, logStartOffset: 1 },
      { reason: "retention-ms-breach", baseOffsets: [1], oldLogStartOffset: 1, logStartOffset: 2 },
    ]);
  });

  it("an empty log has nothing to delete", () => {
    expect(deleteOldSegments(new PartitionLog(), 0, cfg({ retentionMs: 0, retentionBytes: 0 }), 1e9)).toEqual([]);
  });
});
