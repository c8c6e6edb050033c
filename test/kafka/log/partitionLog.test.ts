import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";

function batch(values: string[]): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> {
  return { producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: values.map((value) => ({ key: null, value })), sizeBytes: 100 };
}

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
