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
