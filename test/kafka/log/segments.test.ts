import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import { ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";

/** A 100-byte batch of `n` records, optionally from an idempotent producer. */
function batch(n: number, producerId = -1, baseSequence = -1): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> {
  return { producerId, producerEpoch: producerId < 0 ? -1 : 0, baseSequence, isTransactional: false, isControl: false, records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${i}` })), sizeBytes: 100 };
}

const ROLL = { segmentBytes: 250, segmentMs: 604800000 };

/** Appends as a leader would: roll first when the batch does not fit (UnifiedLog.maybeRoll), then append. */
function append(log: PartitionLog, b: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, nowMs: number, cfg = ROLL, psm?: ProducerStateManager): void {
  if (log.shouldRoll(b.sizeBytes, nowMs, cfg)) log.roll(nowMs, psm?.snapshot(log.logEndOffset));
  const appended = log.appendAsLeader(b, 0, nowMs);
  psm?.update(appended);
}

describe("segments (LogSegment.shouldRoll, LocalLog.roll)", () => {
  it("rolls when the active segment would pass segment.bytes, and not before", () => {
    const log = new PartitionLog();
    append(log, batch(10), 0);
    append(log, batch(10), 1);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0]); // 200 bytes: a third batch would make 300 > 250
    append(log, batch(10), 2);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 20]);
    expect(log.segments.map((s) => s.sizeBytes)).toEqual([200, 100]);
    expect(log.sizeBytes).toBe(300);
  });

  it("rolls a non-empty segment whose first batch is segment.ms older than the new one, never an empty one", () => {
    const cfg = { segmentBytes: 1 << 30, segmentMs: 1000 };
    const log = new PartitionLog();
    expect(log.shouldRoll(100, 5000, cfg)).toBe(false); // empty
    append(log, batch(1), 0, cfg);
    append(log, batch(1), 1000, cfg); // exactly segment.ms: not yet
    expect(log.segments).toHaveLength(1);
    append(log, batch(1), 1001, cfg);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 2]);
    expect(log.segments[0].largestTimestampMs).toBe(1000);
  });
});

describe("retention (UnifiedLog.deletableSegments / deleteSegments)", () => {
  function threeSegments(): PartitionLog {
    const log = new PartitionLog();
    for (let i = 0; i < 5; i++) append(log, batch(10), i * 1000); // segments at 0, 20, 40
    return log;
  }

  it("deletes only whole segments below the high watermark, oldest first, and moves the log start", () => {
    const log = threeSegments();
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 20, 40]);
    // HW 25: segment [0, 20) is wholly below it, [20, 40) is not.
    expect(log.deletableSegments(25, () => true)).toBe(1);
    expect(log.deletableSegments(40, () => true)).toBe(2);
    // The predicate stops at the first segment it refuses, even if a later one would pass.
    expect(log.deletableSegments(40, (s) => s.baseOffset !== 0)).toBe(0);
    expect(log.deleteSegments(1, 9000)).toBe(20);
    expect(log.logStartOffset).toBe(20);
    expect(log.batches[0].baseOffset).toBe(20);
    expect(log.read(20, 1 << 20)[0].baseOffset).toBe(20);
  });

  it("never deletes past the HW: with HW 0 nothing goes", () => {
    expect(threeSegments().deletableSegments(0, () => true)).toBe(0);
  });

  it("deleting every segment rolls a new empty active segment first, so the log keeps its end", () => {
    const log = threeSegments();
    const n = log.deletableSegments(log.logEndOffset, () => true);
    expect(n).toBe(3);
    log.deleteSegments(n, 9000);
    expect(log.segments).toEqual([{ baseOffset: 50, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 9000 }]);
    expect(log.logStartOffset).toBe(50);
    expect(log.logEndOffset).toBe(50);
    expect(log.batches).toEqual([]);
    // The new empty active segment is never deletable.
    expect(log.deletableSegments(50, () => true)).toBe(0);
  });

  it("the log start moves forward only, and the epoch cache forgets epochs wholly below it", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(10), 0, 0);
    log.appendAsLeader(batch(10), 3, 0);
    expect(log.maybeIncrementLogStartOffset(15)).toBe(true);
    expect(log.maybeIncrementLogStartOffset(12)).toBe(false);
    expect(log.logStartOffset).toBe(15);
    expect(log.epochCache.entries).toEqual([{ epoch: 3, startOffset: 15 }]);
  });

  it("truncation drops segments above the new end and recounts the last one", () => {
    const log = threeSegments();
    log.truncateTo(25);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 20]);
    expect(log.activeSegment.sizeBytes).toBe(100); // the batch at 20 was cut to 5 records, its size kept
    expect(log.logEndOffset).toBe(25);
  });

  it("truncateFullyAndStartAt empties the log at the new offset", () => {
    const log = threeSegments();
    log.truncateFullyAndStartAt(500, 7);
    // The flush point (recovery point) stays where it was, 0: the 500 offsets skipped count as unflushed
    // (LocalLog.updateLogEndOffset only lowers it).
    expect([log.logStartOffset, log.logEndOffset, log.flushedOffset, log.batches.length, log.segments.length]).toEqual([500, 500, 0, 0, 1]);
    expect(log.unflushedMessages).toBe(500);
    log.appendAsFollower({ ...batch(1), baseOffset: 500, leaderEpoch: 4 });
    expect(log.logEndOffset).toBe(501);
  });

  it("truncateFullyAndStartAt lowers a flush point above the new offset to it", () => {
    const log = threeSegments();
    log.flush();
    expect(log.flushedOffset).toBeGreaterThan(2);
    log.truncateFullyAndStartAt(2, 7);
    expect([log.logStartOffset, log.logEndOffset, log.flushedOffset, log.unflushedMessages]).toEqual([2, 2, 2, 0]);
  });
});

describe("producer state over time (ProducerStateManager)", () => {
  it("removeExpiredProducers forgets idle producers, keeps recent ones and any with an open transaction", () => {
    const psm = new ProducerStateManager();
    const log = new PartitionLog();
    psm.update(log.appendAsLeader(batch(1, 7, 0), 0, 1000));
    psm.update(log.appendAsLeader(batch(1, 8, 0), 0, 5000));
    psm.update(log.appendAsLeader({ ...batch(1, 9, 0), isTransactional: true }, 0, 1000));
    expect(psm.removeExpiredProducers(5999, 5000)).toEqual([]); // 7 is 4999ms idle
    expect(psm.removeExpiredProducers(6000, 5000)).toEqual([7]); // 9 is as old but its transaction is open
    expect([...psm.producers.keys()]).toEqual([8, 9]);
  });

  it("a producer whose batches retention deleted survives a rebuild through a later segment's snapshot", () => {
    const log = new PartitionLog();
    const psm = new ProducerStateManager();
    append(log, batch(10, 7, 0), 0, ROLL, psm);
    append(log, batch(10, 7, 10), 1, ROLL, psm);
    append(log, batch(10, 8, 0), 2, ROLL, psm); // rolls at 20: its snapshot holds producer 7
    append(log, batch(10, 8, 10), 3, ROLL, psm);
    append(log, batch(10, 8, 20), 4, ROLL, psm); // rolls at 40: its snapshot holds 7 and 8
    log.deleteSegments(1, 5);
    expect(log.logStartOffset).toBe(20);
    expect(log.batches.every((b) => b.producerId !== 7)).toBe(true);
    const rebuilt = new ProducerStateManager();
    rebuilt.rebuild(log.batches, log.latestProducerSnapshot(), log.logStartOffset);
    expect(log.latestProducerSnapshot()?.offset).toBe(40);
    expect(rebuilt.producers.get(7)?.batches.at(-1)?.lastSeq).toBe(19);
    expect(rebuilt.producers.get(8)?.batches.at(-1)?.lastSeq).toBe(29);
    expect(rebuilt.check({ ...batch(1, 7, 25), baseOffset: 50, leaderEpoch: 0 }, true)).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  });

  it("a snapshot at the log start is not used (truncateAndReload deletes it): the producer is forgotten, and then any sequence is accepted (ProducerAppendInfo.checkSequence)", () => {
    const log = new PartitionLog();
    const psm = new ProducerStateManager();
    append(log, batch(10, 7, 0), 0, ROLL, psm);
    append(log, batch(10, 7, 10), 1, ROLL, psm);
    append(log, batch(10, 8, 0), 2, ROLL, psm); // rolls at 20 with a snapshot holding 7
    log.deleteSegments(1, 3);
    expect(log.latestProducerSnapshot()).toBeUndefined();
    const rebuilt = new ProducerStateManager();
    rebuilt.rebuild(log.batches, log.latestProducerSnapshot(), log.logStartOffset);
    expect(rebuilt.producers.has(7)).toBe(false);
    expect(rebuilt.check({ ...batch(1, 7, 25), baseOffset: 30, leaderEpoch: 0 }, true)).toEqual({ kind: "append" });
  });

  it("DeleteRecords inside a segment: a rebuild does not replay batches wholly below the log start", () => {
    const log = new PartitionLog();
    const psm = new ProducerStateManager();
    append(log, batch(10, 7, 0), 0, ROLL, psm);
    append(log, batch(10, 8, 0), 1, ROLL, psm);
    log.maybeIncrementLogStartOffset(10);
    const rebuilt = new ProducerStateManager();
    rebuilt.rebuild(log.batches, log.latestProducerSnapshot(), log.logStartOffset);
    expect([...rebuilt.producers.keys()]).toEqual([8]);
  });
});
