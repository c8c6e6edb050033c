import { describe, expect, it } from "vitest";
import { BuiltInPartitioner, murmur2, partitionForKey, toPositive } from "../../src/index.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("murmur2 (Kafka Utils.murmur2)", () => {
  // The cases of Kafka's UtilsTest.testMurmur2, value for value.
  it.each([
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ])("murmur2(%j) = %d", (input, expected) => {
    expect(murmur2(bytes(input))).toBe(expected);
  });

  it("returns a signed 32-bit int", () => {
    for (let i = 0; i < 200; i++) {
      const h = murmur2(bytes(`key-${i}`));
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(-2147483648);
      expect(h).toBeLessThanOrEqual(2147483647);
    }
  });
});

describe("toPositive and partitionForKey", () => {
  it("toPositive clears the sign bit; it is not Math.abs", () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(toPositive(-973932308)).not.toBe(Math.abs(-973932308));
  });

  it("partitionForKey = toPositive(murmur2(utf8(key))) % n", () => {
    expect(partitionForKey("21", 7)).toBe((-973932308 & 0x7fffffff) % 7);
    expect(partitionForKey("foobar", 12)).toBe(toPositive(-790332482) % 12);
    expect(partitionForKey(bytes("abc"), 3)).toBe(479470107 % 3);
    expect(partitionForKey("ключ", 10)).toBe(toPositive(murmur2(new TextEncoder().encode("ключ"))) % 10);
  });
});

describe("BuiltInPartitioner (KIP-794)", () => {
  it("the CFT example of BuiltInPartitioner: queues [0,3,1] give CFT [4,5,8]", () => {
    let r = 0;
    const p = new BuiltInPartitioner("t", 16384, () => r);
    p.updatePartitionLoadStats([0, 3, 1], [0, 1, 2], 3);
    expect(p.stats!.cumulativeFrequencyTable).toEqual([4, 5, 8]);
    const picks = [0, 1, 2, 3, 4, 5, 6, 7].map((x) => {
      r = x;
      return p.nextPartition([0, 1, 2], 3);
    });
    expect(picks).toEqual([0, 0, 0, 0, 1, 2, 2, 2]);
  });

  it("BuiltInPartitionerTest.adaptivePartitionsTest: queues [5,0,3,0,1] give frequencies [1,6,3,6,5]", () => {
    const p = new BuiltInPartitioner("t", 16384, () => 0);
    p.updatePartitionLoadStats([5, 0, 3, 0, 1], [0, 1, 2, 3, 4], 5);
    const cft = p.stats!.cumulativeFrequencyTable;
    const freq = cft.map((c, i) => c - (i === 0 ? 0 : cft[i - 1]));
    expect(freq).toEqual([1, 6, 3, 6, 5]);
    const counts = [0, 0, 0, 0, 0];
    for (let r = 0; r < 21 * 100; r++) {
      const q = new BuiltInPartitioner("t", 16384, () => r);
      q.updatePartitionLoadStats([5, 0, 3, 0, 1], [0, 1, 2, 3, 4], 5);
      counts[q.nextPartition([0, 1, 2, 3, 4], 5)]++;
    }
    expect(counts).toEqual([100, 600, 300, 600, 500]);
  });

  it("no stats when all queues are equal or there are fewer than 2 partitions", () => {
    const p = new BuiltInPartitioner("t", 16384, () => 0);
    p.updatePartitionLoadStats([2, 2, 2], [0, 1, 2], 3);
    expect(p.stats).toBeNull();
    p.updatePartitionLoadStats([4], [0], 1);
    expect(p.stats).toBeNull();
  });

  it("sticks until batch.size bytes, defers a switch while the batch is not ready, forces it at 2 × batch.size", () => {
    let r = 0;
    const p = new BuiltInPartitioner("t", 1000, () => r++);
    const avail = [0, 1, 2];
    const first = p.currentPartition(avail, 3);
    p.updatePartitionInfo(first, 600, true, avail, 3);
    expect(p.currentPartition(avail, 3)).toBe(first);
    p.updatePartitionInfo(first, 600, false, avail, 3); // 1200 ≥ batch.size but the batch is not full: stay
    expect(p.currentPartition(avail, 3)).toBe(first);
    p.updatePartitionInfo(first, 900, false, avail, 3); // 2100 ≥ 2 × batch.size: switch anyway
    expect(p.currentPartition(avail, 3)).not.toBe(first);
  });

  it("without stats, picks uniformly among partitions with a leader", () => {
    let r = 0;
    const p = new BuiltInPartitioner("t", 16384, () => r++);
    const picks = new Set(Array.from({ length: 20 }, () => p.nextPartition([1, 3], 4)));
    expect([...picks].sort()).toEqual([1, 3]);
  });
});
