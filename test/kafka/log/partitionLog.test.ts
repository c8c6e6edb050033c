import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";

/**
 * One replica's log of one partition (Kafka `UnifiedLog` over `LocalLog`): appends as leader or follower, truncation
 * (KIP-101), reads for fetches (at least one batch, KIP-74), the flush point and what a power loss leaves.
 */

/** A plain batch of the given values, `sizeBytes` on the wire (100 unless said). */
function batch(values: string[], sizeBytes = 100): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> {
  return { producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: values.map((value) => ({ key: null, value })), sizeBytes };
}

/** The values in the log, in offset order. */
const values = (log: PartitionLog) => log.batches.flatMap((b) => b.records.map((r) => r.value));

/** A log with batches [a b c] (epoch 0), [d e] (epoch 1), [f] (epoch 1): offsets 0-2, 3-4, 5. */
function threeBatches(): PartitionLog {
  const log = new PartitionLog();
  log.appendAsLeader(batch(["a", "b", "c"]), 0);
  log.appendAsLeader(batch(["d", "e"]), 1);
  log.appendAsLeader(batch(["f"]), 1);
  return log;
}

describe("PartitionLog appends", () => {
  it("the leader stamps each batch with the next offset and its leader epoch; the epoch cache records each epoch's start", () => {
    // UnifiedLog.appendAsLeader: offsets are assigned from the log end; maybeAssignEpochStartOffset for each batch.
    const log = new PartitionLog();
    const first = log.appendAsLeader(batch(["a", "b", "c"]), 0);
    const second = log.appendAsLeader(batch(["d", "e"]), 1);
    expect([first.baseOffset, first.leaderEpoch, second.baseOffset, second.leaderEpoch]).toEqual([0, 0, 3, 1]);
    expect(log.logEndOffset).toBe(5);
    expect(log.batches).toEqual([first, second]);
    expect(log.epochCache.entries).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 3 },
    ]);
  });

  it("a follower appends the leader's batch as it is, at its own log end", () => {
    // UnifiedLog.appendAsFollower: no offset assignment; the leader's epoch on the batch goes into the cache.
    const log = new PartitionLog();
    const fromLeader: RecordBatch = { ...batch(["a", "b"]), baseOffset: 0, leaderEpoch: 4 };
    log.appendAsFollower(fromLeader);
    expect(log.batches[0]).toBe(fromLeader);
    expect(log.logEndOffset).toBe(2);
    expect(log.epochCache.entries).toEqual([{ epoch: 4, startOffset: 0 }]);
    log.appendAsFollower({ ...batch(["c"]), baseOffset: 2, leaderEpoch: 4 });
    expect(log.logEndOffset).toBe(3);
  });

  it("a follower append below the log end is refused; one past it leaves a gap, as the leader's cleaner makes", () => {
    // UnexpectedAppendOffsetException below the log end (UnifiedLog.append); above it the leader's cleaner removed
    // the batches in between (a compacted topic: offsets are sparse).
    const log = threeBatches();
    expect(() => log.appendAsFollower({ ...batch(["x"]), baseOffset: 5, leaderEpoch: 1 })).toThrow("follower append at 5 but log end is 6");
    expect(log.logEndOffset).toBe(6);
    log.appendAsFollower({ ...batch(["x"]), baseOffset: 7, leaderEpoch: 1 });
    expect(log.logEndOffset).toBe(8);
  });
});

describe("PartitionLog.truncateTo (UnifiedLog.truncateTo)", () => {
  it("cuts a batch in the middle, keeping the records below the offset, and says how many records went", () => {
    // KIP-101 truncation lands on any offset, not only on batch boundaries.
    const log = threeBatches();
    expect(log.truncateTo(4)).toBe(2);
    expect(log.logEndOffset).toBe(4);
    expect(values(log)).toEqual(["a", "b", "c", "d"]);
    expect(log.batches[1]).toMatchObject({ baseOffset: 3, leaderEpoch: 1 });
  });

  it("drops whole batches that start at or after the offset, and the epochs that start there", () => {
    const log = threeBatches();
    expect(log.truncateTo(3)).toBe(3);
    expect(values(log)).toEqual(["a", "b", "c"]);
    expect(log.batches).toHaveLength(1);
    expect(log.epochCache.entries).toEqual([{ epoch: 0, startOffset: 0 }]);
  });

  it("keeps a batch that ends just below the offset untouched", () => {
    const log = threeBatches();
    const kept = log.batches[1];
    log.truncateTo(5);
    expect(log.batches[1]).toBe(kept);
    expect(values(log)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("truncating to the log end or beyond does nothing", () => {
    // UnifiedLog.truncateTo: "if (targetOffset >= logEndOffset) … no truncation".
    const log = threeBatches();
    log.flush();
    expect(log.truncateTo(6)).toBe(0);
    expect(log.truncateTo(9)).toBe(0);
    expect([log.logEndOffset, log.batches.length, log.flushedOffset]).toEqual([6, 3, 6]);
  });

  it("truncating to 0 empties the log and its epoch cache", () => {
    const log = threeBatches();
    expect(log.truncateTo(0)).toBe(6);
    expect([log.logEndOffset, log.batches.length, log.epochCache.entries.length]).toEqual([0, 0, 0]);
  });

  it("a truncation below the flush point moves the flush point down with it", () => {
    // LocalLog.updateLogEndOffset: "if (recoveryPoint > endOffset) updateRecoveryPoint(endOffset)". Data appended
    // again above the new end is not durable until the next flush.
    const log = threeBatches();
    log.flush();
    log.truncateTo(2);
    expect(log.flushedOffset).toBe(2);
    log.appendAsLeader(batch(["x", "y"]), 2);
    expect(log.unflushedMessages).toBe(2);
  });

  it("a truncation above the flush point leaves the flush point where it is", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"]), 0);
    log.flush();
    log.appendAsLeader(batch(["c", "d", "e"]), 0);
    log.truncateTo(3);
    expect([log.flushedOffset, log.unflushedMessages]).toEqual([2, 1]);
  });
});

describe("PartitionLog.read (a fetch's read of the log)", () => {
  it("returns batches from the one holding the fetch offset, up to the byte limit", () => {
    // Fetch reads from the batch containing the fetch offset (the consumer skips records below it).
    const log = threeBatches();
    expect(log.read(1, 10_000).map((b) => b.baseOffset)).toEqual([0, 3, 5]);
    expect(log.read(4, 10_000).map((b) => b.baseOffset)).toEqual([3, 5]);
    expect(log.read(5, 10_000).map((b) => b.baseOffset)).toEqual([5]);
  });

  it("returns at least one batch even when it is larger than the limit (KIP-74)", () => {
    const log = threeBatches();
    expect(log.read(0, 1).map((b) => b.baseOffset)).toEqual([0]);
  });

  it("stops before the batch that would pass the limit, and takes one that fills it exactly", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 100), 0);
    log.appendAsLeader(batch(["b"], 50), 0);
    log.appendAsLeader(batch(["c"], 1), 0);
    expect(log.read(0, 150).map((b) => b.baseOffset)).toEqual([0, 1]);
    expect(log.read(0, 149).map((b) => b.baseOffset)).toEqual([0]);
    expect(log.read(0, 151).map((b) => b.baseOffset)).toEqual([0, 1, 2]);
  });

  it("returns nothing at or past the log end", () => {
    const log = threeBatches();
    expect(log.read(6, 10_000)).toEqual([]);
    expect(log.read(60, 10_000)).toEqual([]);
    expect(new PartitionLog().read(0, 10_000)).toEqual([]);
  });

  it("finds the batch holding any offset in a long log (batchIndexFor)", () => {
    // Many batches of different lengths, so the search goes both ways before it lands.
    const log = new PartitionLog();
    const starts: number[] = [];
    for (let i = 0; i < 20; i++) {
      starts.push(log.logEndOffset);
      log.appendAsLeader(batch(Array.from({ length: (i % 3) + 1 }, (_, k) => `${i}.${k}`)), 0);
    }
    for (let i = 0; i < 20; i++) {
      const last = (i === 19 ? log.logEndOffset : starts[i + 1]) - 1;
      for (let o = starts[i]; o <= last; o++) expect(log.batchIndexFor(o), `offset ${o}`).toBe(i);
    }
    expect(log.batchIndexFor(log.logEndOffset)).toBe(-1);
    expect(log.batchIndexFor(-1)).toBe(-1);
  });
});

describe("PartitionLog flush and power loss", () => {
  it("counts the messages appended since the last flush (log.flush.interval.messages)", () => {
    const log = threeBatches();
    expect(log.unflushedMessages).toBe(6);
    log.flush();
    expect([log.flushedOffset, log.unflushedMessages]).toEqual([6, 0]);
    log.appendAsLeader(batch(["g", "h"]), 1);
    expect(log.unflushedMessages).toBe(2);
  });

  it("a power loss keeps what was flushed and loses the page cache: the log and its epochs go back to the flush", () => {
    // Kafka does not fsync per write: an unclean shutdown recovers the log from the last flush (the recovery point),
    // and the leader-epoch cache is truncated to the recovered log end.
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"]), 0);
    log.flush();
    log.appendAsLeader(batch(["c"]), 1);
    log.appendAsLeader(batch(["d"]), 2);
    log.loseUnflushed();
    expect(log.logEndOffset).toBe(2);
    expect(values(log)).toEqual(["a", "b"]);
    expect(log.epochCache.entries).toEqual([{ epoch: 0, startOffset: 0 }]);
  });

  it("an epoch begun after the last flush but with no records survives nowhere", () => {
    // A leader elected after the flush records its epoch at the log end; the recovered log ends there, so the entry
    // goes with the truncation of the cache to the log end.
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"]), 0);
    log.flush();
    log.epochCache.assign(3, 1);
    log.loseUnflushed();
    expect(log.epochCache.entries).toEqual([{ epoch: 0, startOffset: 0 }]);
  });

  it("a power loss right after a flush loses nothing", () => {
    const log = threeBatches();
    log.flush();
    log.loseUnflushed();
    expect([log.logEndOffset, values(log).length, log.epochCache.latestEpoch()]).toEqual([6, 6, 1]);
  });

  it("a power loss with nothing ever flushed leaves an empty log", () => {
    const log = threeBatches();
    log.loseUnflushed();
    expect([log.logEndOffset, log.batches.length, log.epochCache.entries.length]).toEqual([0, 0, 0]);
  });

  it("the flushed epoch cache is a copy: epochs assigned after the flush do not leak into it", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"]), 0);
    log.flush();
    log.truncateTo(1);
    log.appendAsLeader(batch(["x"]), 5);
    log.loseUnflushed();
    // Flushed: [0@0]; after the truncation and the epoch-5 append the live cache was [0@0, 5@1]; the power loss
    // goes back to the flushed cache, cut to the recovered log end (1).
    expect(log.epochCache.entries).toEqual([{ epoch: 0, startOffset: 0 }]);
    expect(log.logEndOffset).toBe(1);
  });
});

describe("PartitionLog segments (LogSegment, LocalLog.roll, UnifiedLog.maybeRoll)", () => {
  const ROLL = { segmentBytes: 300, segmentMs: 1000 };

  it("a batch that fills the active segment exactly to segment.bytes does not roll it; one byte more does", () => {
    // LogSegment.shouldRoll: size > maxSegmentBytes - messagesSize (so size + batch == segment.bytes still fits).
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 200), 0, 0);
    expect(log.shouldRoll(100, 0, ROLL)).toBe(false);
    expect(log.shouldRoll(101, 0, ROLL)).toBe(true);
  });

  it("segment.ms counts from the active segment's first batch, not from its newest", () => {
    // LogSegment.shouldRoll: timeWaitedForRoll = now - rollingBasedTimestamp (the first batch's max timestamp).
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 10), 0, 500);
    log.appendAsLeader(batch(["b"], 10), 0, 1400);
    expect(log.activeSegment).toMatchObject({ firstBatchTimestampMs: 500, largestTimestampMs: 1400, sizeBytes: 20 });
    expect(log.shouldRoll(10, 1500, ROLL)).toBe(false);
    expect(log.shouldRoll(10, 1501, ROLL)).toBe(true);
  });

  it("a segment's largest timestamp is the newest batch's, never moved back by an older one", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 10), 0, 900);
    log.appendAsLeader(batch(["b"], 10), 0, 300);
    expect(log.activeSegment).toMatchObject({ firstBatchTimestampMs: 900, largestTimestampMs: 900 });
  });

  it("a roll starts an empty segment at the log end, created now, carrying the snapshot taken there; the log's size is its segments'", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"], 120), 0, 10);
    const snapshot = { offset: 2, producers: [], ongoing: [], aborted: [], coordinatorEpochs: [] };
    const seg = log.roll(50, snapshot);
    expect(seg).toEqual({ baseOffset: 2, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 50, producerSnapshot: snapshot });
    expect(log.activeSegment).toBe(seg);
    log.appendAsLeader(batch(["c"], 30), 0, 60);
    expect(log.segments.map((s) => s.sizeBytes)).toEqual([120, 30]);
    expect(log.sizeBytes).toBe(150);
    // Without a snapshot the segment carries none.
    expect("producerSnapshot" in log.roll(70)).toBe(false);
  });

  it("rolling an empty active segment at the log end replaces it rather than leaving an empty segment behind", () => {
    // LocalLog.roll: an active segment at the new offset with size 0 is replaced (createAndDeleteSegment).
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 10), 0, 0);
    log.roll(5);
    log.roll(6);
    expect(log.segments.map((s) => [s.baseOffset, s.largestTimestampMs])).toEqual([
      [0, 0],
      [1, 6],
    ]);
    // A fresh log's first segment is replaced too.
    const fresh = new PartitionLog();
    fresh.roll(9);
    expect(fresh.segments).toEqual([{ baseOffset: 0, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 9 }]);
  });

  it("the producer snapshot used for recovery is the newest one within (log start, log end]", () => {
    // ProducerStateManager.truncateAndReload deletes the snapshots at or below the log start and above the log end.
    const log = new PartitionLog();
    const snap = (offset: number) => ({ offset, producers: [], ongoing: [], aborted: [], coordinatorEpochs: [] });
    log.appendAsLeader(batch(["a", "b"], 10), 0);
    log.roll(0, snap(2));
    log.appendAsLeader(batch(["c", "d"], 10), 0);
    log.roll(0, snap(4));
    // The newest, taken at the log end, is usable.
    expect(log.latestProducerSnapshot()?.offset).toBe(4);
    // One above the log end (left by a truncation) is passed over for an older one.
    log.segments[2].producerSnapshot = snap(5);
    expect(log.latestProducerSnapshot()?.offset).toBe(2);
    // One at the log start is not used either.
    log.segments[2].producerSnapshot = snap(4);
    log.maybeIncrementLogStartOffset(2);
    expect(log.latestProducerSnapshot()?.offset).toBe(4);
    log.maybeIncrementLogStartOffset(4);
    expect(log.latestProducerSnapshot()).toBeUndefined();
  });

  it("deletable segments: the predicate sees each segment with the next one; a segment reaching the HW exactly may go", () => {
    // UnifiedLog.deletableSegments: upperBoundOffset = next segment's base (or log end); deletable while
    // highWatermark >= upperBoundOffset and the predicate holds.
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"], 10), 0);
    log.roll(0);
    log.appendAsLeader(batch(["c", "d"], 10), 0);
    const seen: [number, number | undefined][] = [];
    expect(
      log.deletableSegments(4, (s, next) => {
        seen.push([s.baseOffset, next?.baseOffset]);
        return true;
      }),
    ).toBe(2);
    expect(seen).toEqual([
      [0, 2],
      [2, undefined],
    ]);
    expect(log.deletableSegments(3, () => true)).toBe(1);
    expect(log.deletableSegments(2, () => true)).toBe(1);
    expect(log.deletableSegments(1, () => true)).toBe(0);
  });

  it("deleting no segment changes nothing; deleting more than there are keeps the log's end as a new empty segment", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"], 10), 0);
    expect(log.deleteSegments(0, 5)).toBe(0);
    expect(log.batches).toHaveLength(1);
    expect(log.deleteSegments(7, 5)).toBe(2);
    expect(log.segments).toEqual([{ baseOffset: 2, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 5 }]);
    expect(log.batches).toEqual([]);
  });

  it("deleting segments keeps a batch that straddles the new log start, drops those wholly below it", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"], 10), 0);
    log.appendAsLeader(batch(["c", "d"], 10), 0);
    log.roll(0);
    log.segments[1].baseOffset = 3; // a segment boundary inside the second batch (as a cleaned, merged log may have)
    log.deleteSegments(1, 0);
    expect(log.logStartOffset).toBe(3);
    expect(log.batches.map((b) => b.baseOffset)).toEqual([2]);
  });

  it("after a cleaning, each segment wholly below the cleaned offset is recounted from its cleaned batches", () => {
    // UnifiedLog.replaceSegments: the cleaned segments replace the old ones; sizes and timestamps are the new batches'.
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 100), 0, 10);
    log.appendAsLeader(batch(["b"], 100), 0, 20);
    log.roll(25);
    log.appendAsLeader(batch(["c"], 100), 0, 30);
    log.appendAsLeader(batch(["d"], 100), 0, 40);
    log.roll(45);
    log.appendAsLeader(batch(["e"], 100), 0, 50);
    const b = log.batches[1];
    // The cleaner kept b (shrunk to 60 bytes) of the first segment and nothing of the second.
    log.replaceCleaned([{ ...b, sizeBytes: 60 }], 4, 4);
    expect(log.batches.map((x) => x.baseOffset)).toEqual([1, 4]);
    expect(log.segments.map((s) => [s.baseOffset, s.sizeBytes, s.firstBatchTimestampMs, s.largestTimestampMs])).toEqual([
      [0, 60, 20, 20],
      // Emptied: no first batch; its newest timestamp stays (Kafka falls back to the file's mtime).
      [2, 0, -1, 40],
      [4, 100, 50, 50],
    ]);
  });

  it("a cleaning up to the middle of the log recounts only the segments below it", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 100), 0, 10);
    log.roll(15);
    log.appendAsLeader(batch(["b"], 100), 0, 20);
    log.roll(25);
    log.appendAsLeader(batch(["c"], 100), 0, 30);
    const [a, b, c] = log.batches;
    log.replaceCleaned([{ ...a, sizeBytes: 40 }], 1, 1);
    expect(log.batches).toEqual([{ ...a, sizeBytes: 40 }, b, c]);
    expect(log.segments.map((s) => s.sizeBytes)).toEqual([40, 100, 100]);
  });

  it("truncation recounts the active segment: size, first and newest timestamps, and drops a snapshot above the new end", () => {
    // LocalLog.truncateTo → LogSegment.truncateTo; ProducerStateManager.truncateAndReload drops snapshots above it.
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 10), 0, 5);
    log.roll(6, { offset: 1, producers: [], ongoing: [], aborted: [], coordinatorEpochs: [] });
    log.appendAsLeader(batch(["b"], 20), 0, 7);
    log.appendAsLeader(batch(["c"], 30), 0, 9);
    log.appendAsLeader(batch(["d"], 40), 0, 8);
    log.truncateTo(3);
    expect(log.activeSegment).toMatchObject({ baseOffset: 1, sizeBytes: 50, firstBatchTimestampMs: 7, largestTimestampMs: 9 });
    expect(log.activeSegment.producerSnapshot?.offset).toBe(1);
    log.truncateTo(1);
    expect(log.segments).toHaveLength(2);
    // Emptied: no first batch; the newest timestamp stays what it was.
    expect(log.activeSegment).toMatchObject({ baseOffset: 1, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 9 });
    expect(log.activeSegment.producerSnapshot?.offset).toBe(1);
    log.truncateTo(0);
    expect(log.segments).toEqual([{ baseOffset: 0, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 5 }]);
  });

  it("a snapshot above the truncated log end is dropped from the active segment", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"], 10), 0, 5);
    log.roll(6, { offset: 2, producers: [], ongoing: [], aborted: [], coordinatorEpochs: [] });
    log.segments[1].baseOffset = 1; // the segment holding the cut
    log.truncateTo(1);
    expect(log.activeSegment.baseOffset).toBe(1);
    expect(log.activeSegment.producerSnapshot).toBeUndefined();
  });

  it("a truncation below the log start (inside the first segment) brings the log start back to the target", () => {
    // UnifiedLog.truncateTo: `logStartOffset = math.min(targetOffset, logStartOffset)`. (This test used to pin
    // kafkasim's old rule, which left the log end at the log start.)
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b", "c", "d"], 10), 0);
    log.maybeIncrementLogStartOffset(2);
    expect(log.truncateTo(1)).toBe(3);
    expect([log.logEndOffset, log.logStartOffset]).toEqual([1, 1]);
    expect(log.batches.map((b) => b.records.length)).toEqual([1]);
  });

  it("a truncation below the first segment's base truncates fully and restarts the log at the target", () => {
    // UnifiedLog.truncateTo: `if (localLog.segments.firstSegmentBaseOffset > targetOffset) truncateFullyAndStartAt(targetOffset)`.
    const log = new PartitionLog();
    log.truncateFullyAndStartAt(10, 0);
    log.appendAsLeader(batch(["a", "b"], 10), 4);
    log.flush();
    expect(log.truncateTo(7, 500)).toBe(5);
    expect([log.logStartOffset, log.logEndOffset, log.flushedOffset]).toEqual([7, 7, 7]);
    expect(log.batches).toEqual([]);
    expect(log.segments).toEqual([{ baseOffset: 7, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 500 }]);
    expect(log.epochCache.entries).toEqual([]);
  });

  it("a power loss below the log start still recovers to the log start (the disk, not UnifiedLog.truncateTo)", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b", "c", "d"], 10), 0);
    log.maybeIncrementLogStartOffset(2);
    log.loseUnflushed();
    expect([log.logEndOffset, log.logStartOffset, log.flushedOffset]).toEqual([2, 2, 0]);
  });

  it("truncateFullyAndStartAt forgets every epoch, flushed ones too", () => {
    // UnifiedLog.truncateFullyAndStartAt: leaderEpochCache.clearAndFlush.
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 10), 3);
    log.flush();
    log.truncateFullyAndStartAt(100, 0);
    expect(log.epochCache.entries).toEqual([]);
    log.loseUnflushed();
    expect(log.epochCache.entries).toEqual([]);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([100, 100]);
  });

  it("moving the log start forward cuts the flushed epoch cache too: a power loss afterwards recovers no epoch below it", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"], 10), 1);
    log.appendAsLeader(batch(["c", "d"], 10), 2);
    log.flush();
    log.maybeIncrementLogStartOffset(3);
    log.loseUnflushed();
    expect(log.epochCache.entries).toEqual([{ epoch: 2, startOffset: 3 }]);
  });

  it("unflushed bytes: the batches ending at or past the flush point, a batch cut by it counted whole", () => {
    // What the next fsync writes (the flush point may sit inside a batch after a truncation).
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"], 10), 0);
    log.appendAsLeader(batch(["c", "d"], 20), 0);
    log.appendAsLeader(batch(["e"], 40), 0);
    expect(log.unflushedBytes).toBe(70);
    log.flush();
    expect(log.unflushedBytes).toBe(0);
    log.flushedOffset = 3;
    expect(log.unflushedBytes).toBe(60);
    log.flushedOffset = 4;
    expect(log.unflushedBytes).toBe(40);
  });
});

describe("PartitionLog reads of a cleaned (sparse) log", () => {
  /** A log whose batches sit at 0-1, 5-6 and 9 (the cleaner removed the batches in between). */
  function sparse(): PartitionLog {
    const log = new PartitionLog();
    log.appendAsFollower({ ...batch(["a", "b"]), baseOffset: 0, leaderEpoch: 0 });
    log.appendAsFollower({ ...batch(["c", "d"]), baseOffset: 5, leaderEpoch: 0 });
    log.appendAsFollower({ ...batch(["e"]), baseOffset: 9, leaderEpoch: 0 });
    return log;
  }

  it("a read into a removed range starts at the next batch that exists (LogSegment.translateOffset)", () => {
    const log = sparse();
    expect(log.read(2, 10_000).map((b) => b.baseOffset)).toEqual([5, 9]);
    expect(log.read(7, 10_000).map((b) => b.baseOffset)).toEqual([9]);
    expect(log.batchIndexFrom(0)).toBe(0);
    expect(log.batchIndexFrom(1)).toBe(0);
    expect(log.batchIndexFrom(2)).toBe(1);
    expect(log.batchIndexFrom(6)).toBe(1);
    expect(log.batchIndexFrom(9)).toBe(2);
    expect(log.batchIndexFrom(10)).toBe(-1);
  });

  it("no batch holds an offset in a removed range (batchIndexFor)", () => {
    const log = sparse();
    expect([0, 1, 2, 4, 5, 6, 7, 8, 9].map((o) => log.batchIndexFor(o))).toEqual([0, 0, -1, -1, 1, 1, -1, -1, 2]);
  });

  it("truncating into a cleaned batch keeps its records below the offset and moves its last offset down", () => {
    // A cleaned batch keeps its offset deltas; cut inside it, the last offset is that of the cut (batchBelow).
    const log = new PartitionLog();
    log.appendAsFollower({ ...batch(["a", "c", "e"]), offsetDeltas: [0, 2, 4], lastOffsetDelta: 5, baseOffset: 0, leaderEpoch: 0 });
    expect(log.logEndOffset).toBe(6);
    log.truncateTo(3);
    expect(log.logEndOffset).toBe(3);
    expect(log.batches[0]).toMatchObject({ records: [{ value: "a" }, { value: "c" }], offsetDeltas: [0, 2], lastOffsetDelta: 2 });
  });
});

describe("PartitionLog.appendAsLeader keeps batches compactly", () => {
  it("a batch of a producer's numbered values is kept packed, sharing the previous batch's value prefix", () => {
    // issue 14 item 4: one prefix string per producer life, not per batch (PackedRecordBatch).
    const log = new PartitionLog();
    const first = log.appendAsLeader(batch(["p-1", "p-2"]), 0);
    const second = log.appendAsLeader(batch(["p-3"]), 0);
    expect(first.constructor.name).toBe("PackedRecordBatch");
    expect((second as unknown as { prefix: string }).prefix).toBe((first as unknown as { prefix: string }).prefix);
    expect(log.batches.flatMap((b) => b.records.map((r) => r.value))).toEqual(["p-1", "p-2", "p-3"]);
  });
});

describe("PartitionLog edges the mutation run found unpinned", () => {
  it("moving the log start to where it already is does not count as a move", () => {
    // UnifiedLog.maybeIncrementLogStartOffset: only "if (newLogStartOffset > logStartOffset)".
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b", "c"]), 0);
    expect(log.maybeIncrementLogStartOffset(2)).toBe(true);
    expect(log.maybeIncrementLogStartOffset(2)).toBe(false);
  });

  it("truncating to the log end removes no record but drops an epoch begun there from the cache", () => {
    // UnifiedLog.truncateTo: targetOffset >= logEndOffset truncates no record, but "always truncate epoch cache since
    // we may have a conflicting epoch entry at the end of the log from the leader" (truncateFromEndAsyncFlush(logEndOffset)):
    // a broker elected leader at the log end assigned its epoch there before writing anything, then lost leadership.
    const log = threeBatches();
    const before = log.epochCache.latestEpoch();
    log.epochCache.assign(5, 6);
    expect(log.truncateTo(6)).toBe(0);
    expect(log.logEndOffset).toBe(6);
    expect(log.epochCache.latestEpoch()).toBe(before);
  });

  it("truncateFullyAndStartAt leaves one empty segment at the new offset, created now", () => {
    const log = threeBatches();
    log.truncateFullyAndStartAt(40, 123);
    expect(log.segments).toEqual([{ baseOffset: 40, sizeBytes: 0, firstBatchTimestampMs: -1, largestTimestampMs: 123 }]);
  });

  it("truncation inside a log of one segment recounts it from its first batch", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 10), 0, 4);
    log.appendAsLeader(batch(["b"], 20), 0, 9);
    log.appendAsLeader(batch(["c"], 40), 0, 6);
    log.truncateTo(2);
    // The newest batch by timestamp (9) went: the segment's largest timestamp is the newest left.
    log.truncateTo(1);
    expect(log.activeSegment).toMatchObject({ baseOffset: 0, sizeBytes: 10, firstBatchTimestampMs: 4, largestTimestampMs: 4 });
  });

  it("a cleaned segment's first batch time is its first kept batch's, its newest the newest kept (it may go down)", () => {
    // LogSegment after Cleaner.cleanSegments: rollingBasedTimestamp is the first batch's, largestTimestamp the max
    // of the batches written into the cleaned segment.
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a"], 10), 0, 0);
    log.appendAsLeader(batch(["b"], 10), 0, 5);
    log.appendAsLeader(batch(["c"], 10), 0, 30);
    log.roll(31);
    log.appendAsLeader(batch(["z"], 10), 0, 40);
    const [a, b] = log.batches;
    log.replaceCleaned([a, b], 3, 3);
    expect(log.segments[0]).toMatchObject({ sizeBytes: 20, firstBatchTimestampMs: 0, largestTimestampMs: 5 });
  });

  it("a plain batch between packed ones leaves the shared value prefix alone", () => {
    // A batch that does not fit the packed shape (a tombstone here) has no prefix to share.
    const log = new PartitionLog();
    log.appendAsLeader(batch(["p-1"]), 0);
    log.appendAsLeader({ ...batch([]), records: [{ key: "k", value: "gone", tombstone: true }] }, 0);
    const next = log.appendAsLeader(batch(["p-2"]), 0);
    expect(next.records.map((r) => r.value)).toEqual(["p-2"]);
  });
});
