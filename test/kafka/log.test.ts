import { describe, expect, it } from "vitest";
import { LeaderEpochCache } from "../../src/kafka/log/leaderEpochCache.js";
import { PartitionLog } from "../../src/kafka/log/partitionLog.js";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";

function batch(values: string[]): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> {
  return { producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: values.map((value) => ({ key: null, value })), sizeBytes: 100 };
}

describe("LeaderEpochCache (KIP-101 / KIP-279)", () => {
  const cache = () => {
    const c = new LeaderEpochCache();
    c.assign(0, 0);
    c.assign(2, 5);
    c.assign(5, 9);
    return c;
  };

  it("answers the end offset of the largest epoch at or below the one asked", () => {
    expect(cache().endOffsetFor(0, 12)).toEqual({ epoch: 0, endOffset: 5 });
    expect(cache().endOffsetFor(1, 12)).toEqual({ epoch: 0, endOffset: 5 });
    expect(cache().endOffsetFor(2, 12)).toEqual({ epoch: 2, endOffset: 9 });
    expect(cache().endOffsetFor(4, 12)).toEqual({ epoch: 2, endOffset: 9 });
    expect(cache().endOffsetFor(5, 12)).toEqual({ epoch: 5, endOffset: 12 });
    // Above the latest epoch: undefined (Kafka: "should never be hit because the latest cached epoch is always the largest").
    expect(cache().endOffsetFor(9, 12)).toEqual({ epoch: -1, endOffset: -1 });
  });

  it("below the first epoch answers the epoch asked with the first epoch's start offset (LeaderEpochFileCache.endOffsetFor)", () => {
    // A leader that came back empty after a power loss has only its new epoch; a follower asking for its own older
    // epoch learns to truncate to where the leader's log begins (before, it kept its longer log and fetched past the
    // leader's end forever: kip-966-last-replica-standing never refilled its ISR).
    const c = new LeaderEpochCache();
    c.assign(3, 0);
    expect(c.endOffsetFor(2, 10)).toEqual({ epoch: 2, endOffset: 0 });
    const later = new LeaderEpochCache();
    later.assign(3, 40);
    expect(later.endOffsetFor(1, 50)).toEqual({ epoch: 1, endOffset: 40 });
    expect(new LeaderEpochCache().endOffsetFor(1, 50)).toEqual({ epoch: -1, endOffset: -1 });
  });

  it("truncation from the end drops epochs that start at or after the offset", () => {
    const c = cache();
    c.truncateFromEnd(9);
    expect(c.latestEpoch()).toBe(2);
  });
});

describe("PartitionLog", () => {
  it("stamps offsets and epochs, truncates mid-batch, and keeps the epoch cache in step", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b", "c"]), 0);
    log.appendAsLeader(batch(["d", "e"]), 1);
    expect(log.logEndOffset).toBe(5);
    expect(log.epochCache.entries).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 3 },
    ]);
    expect(log.truncateTo(2)).toBe(3);
    expect(log.logEndOffset).toBe(2);
    expect(log.batches.flatMap((b) => b.records.map((r) => r.value))).toEqual(["a", "b"]);
    expect(log.epochCache.latestEpoch()).toBe(0);
  });

  it("a power loss truncates to the last flush; a flush makes the tail durable", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b"]), 0);
    log.flush();
    log.appendAsLeader(batch(["c"]), 1);
    log.loseUnflushed();
    expect(log.logEndOffset).toBe(2);
    expect(log.epochCache.latestEpoch()).toBe(0);
  });

  it("reads at least one batch from an offset inside it", () => {
    const log = new PartitionLog();
    log.appendAsLeader(batch(["a", "b", "c"]), 0);
    log.appendAsLeader(batch(["d"]), 0);
    expect(log.read(1, 1).map((b) => b.baseOffset)).toEqual([0]);
    expect(log.read(3, 10_000).map((b) => b.baseOffset)).toEqual([3]);
    expect(log.read(4, 10_000)).toEqual([]);
  });
});
