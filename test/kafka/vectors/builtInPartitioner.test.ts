import { describe, expect, it } from "vitest";
import { BuiltInPartitioner } from "../../../src/kafka/partitioner.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/producer/internals/BuiltInPartitionerTest.java.
// Its SequentialPartitioner overrides randomPartition() with 0, 1, 2, ...; kafkasim injects the same as `random`.
// updatePartitionInfo(info, appendedBytes, cluster) is Kafka's switch-enabled overload (enableSwitch = true).

const sequential = () => {
  let n = 0;
  return () => n++;
};

describe("BuiltInPartitionerTest", () => {
  it("testStickyPartitioning: the partition holds until batch.size bytes, then switches; one partition always stays", () => {
    const a = new BuiltInPartitioner("topicA", 3, sequential());
    const all = [0, 1, 2];
    const partA = a.currentPartition(all, 3);
    for (let i = 0; i < 2; i++) {
      a.updatePartitionInfo(partA, 1, true, all, 3);
      expect(a.currentPartition(all, 3)).toBe(partA);
    }
    a.updatePartitionInfo(partA, 1, true, all, 3);
    expect(a.currentPartition(all, 3)).not.toBe(partA);

    const b = new BuiltInPartitioner("topicB", 1, sequential());
    for (let c = 0; c < 10; c++) {
      expect(b.currentPartition([0], 1)).toBe(0);
      b.updatePartitionInfo(0, 1, true, [0], 1);
    }
  });

  it("unavailablePartitionsTest: never a partition without a leader; with none available, any of them", () => {
    // Kafka draws with ThreadLocalRandom here; any sequence of non-negative ints will do.
    let x = 12345;
    const lcg = () => (x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff);
    const a = new BuiltInPartitioner("topicA", 1, lcg);
    const availableA = [0, 2];
    const seen = new Set<number>();
    for (let i = 0; i < 101; i++) {
      const p = a.currentPartition(availableA, 3);
      expect(p).not.toBe(1);
      seen.add(p);
      a.updatePartitionInfo(p, 1, true, availableA, 3);
    }
    expect(seen.size).toBeGreaterThan(1);
    const b = new BuiltInPartitioner("topicB", 1, lcg);
    for (let i = 0; i < 101; i++) {
      expect(b.currentPartition([1], 2)).toBe(1);
      b.updatePartitionInfo(1, 1, true, [1], 2);
    }
    const c = new BuiltInPartitioner("topicC", 1, lcg);
    expect(c.currentPartition([], 1)).toBe(0);
    c.updatePartitionInfo(0, 1, true, [], 1);
    expect(c.currentPartition([], 1)).toBe(0);
  });

  it("adaptivePartitionsTest: partitions are chosen in proportion to maxQueue + 1 - queueSize", () => {
    const p = new BuiltInPartitioner("topicA", 1, sequential());
    const queueSizes = [5, 0, 3, 0, 1];
    const ids = [0, 1, 2, 3, 4];
    p.updatePartitionLoadStats(queueSizes, ids, queueSizes.length);
    const expected = queueSizes.map((q) => 6 - q);
    const cycles = 2;
    const rangeEnd = p.stats!.cumulativeFrequencyTable[queueSizes.length - 1]; // loadStatsRangeEnd()
    expect(rangeEnd).toBe(expected.reduce((s, f) => s + f, 0));
    const frequencies = new Array<number>(queueSizes.length).fill(0);
    for (let i = 0; i < rangeEnd * cycles; i++) {
      const part = p.currentPartition(ids, ids.length);
      frequencies[part]++;
      p.updatePartitionInfo(part, 1, true, ids, ids.length);
    }
    expect(frequencies).toEqual(expected.map((f) => f * cycles));
  });

  it("BuiltInPartitioner.updatePartitionLoadStats (its code; no Kafka test): equal queues or one partition drop the stats", () => {
    const p = new BuiltInPartitioner("topicA", 1, sequential());
    p.updatePartitionLoadStats([2, 2, 2], [0, 1, 2], 3);
    expect(p.stats).toBeNull();
    p.updatePartitionLoadStats([2], [0], 1);
    expect(p.stats).toBeNull();
    p.updatePartitionLoadStats([5, 0, 3, 0, 1], [0, 1, 2, 3, 4], 5);
    expect(p.stats!.cumulativeFrequencyTable).toEqual([1, 7, 10, 16, 21]);
  });
});
