/**
 * The Java client's partitioning, bit for bit (kafka-facts §1).
 */

/** Kafka `Utils.murmur2`: MurmurHash2, 32-bit, seed 0x9747b28c, little-endian blocks; returns a signed int32. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (seed ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // The tail falls through, as the Java switch does.
  const rest = length % 4;
  const base = length & ~3;
  if (rest === 3) h ^= (data[base + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[base + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[base] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka `Utils.toPositive`: clears the sign bit. Not Math.abs (which would map MIN_VALUE to itself). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

const encoder = new TextEncoder();

/** `BuiltInPartitioner.partitionForKey`: toPositive(murmur2(key)) % numPartitions; string keys are UTF-8. */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  const bytes = typeof key === "string" ? encoder.encode(key) : key;
  return toPositive(murmur2(bytes)) % numPartitions;
}

/** Per-partition load for adaptive partitioning: a cumulative frequency table over partitions with a leader. */
export interface PartitionLoadStats {
  cumulativeFrequencyTable: number[];
  partitionIds: number[];
  length: number;
}

/**
 * Kafka `BuiltInPartitioner` (KIP-794, one per topic): keyless records stick to one partition until `batch.size`
 * bytes were produced to it (or 2 × batch.size if the batch is not ready to switch), then move to a partition
 * drawn at random, weighted towards partitions with shorter queues when adaptive partitioning has load stats.
 * `random` is the injected stand-in for `toPositive(ThreadLocalRandom.nextInt())`.
 */
export class BuiltInPartitioner {
  private sticky: { partition: number; producedBytes: number } | null = null;
  private loadStats: PartitionLoadStats | null = null;

  constructor(
    readonly topic: string,
    private readonly stickyBatchSize: number,
    private readonly random: () => number,
  ) {}

  /** `nextPartition`: uniform over available partitions without stats, weighted by the CFT with them. */
  nextPartition(availablePartitions: number[], numPartitions: number): number {
    const random = this.random();
    const stats = this.loadStats;
    if (stats === null) {
      if (availablePartitions.length > 0) return availablePartitions[random % availablePartitions.length];
      return random % numPartitions;
    }
    const cft = stats.cumulativeFrequencyTable;
    const weightedRandom = random % cft[stats.length - 1];
    // Arrays.binarySearch then Math.abs(result + 1): the first entry strictly greater than weightedRandom.
    let lo = 0;
    let hi = stats.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cft[mid] <= weightedRandom) lo = mid + 1;
      else hi = mid;
    }
    return stats.partitionIds[lo];
  }

  /** `peekCurrentPartitionInfo`: the sticky partition, choosing one on first use. */
  currentPartition(availablePartitions: number[], numPartitions: number): number {
    if (this.sticky === null) this.sticky = { partition: this.nextPartition(availablePartitions, numPartitions), producedBytes: 0 };
    return this.sticky.partition;
  }

  /**
   * Bytes the sticky partition may still take before `updatePartitionInfo` must switch whatever the batches
   * (2 × batch.size produced); Infinity before a partition is chosen. A run appended in one go stops there.
   */
  bytesBeforeForcedSwitch(): number {
    return this.sticky === null ? Infinity : this.stickyBatchSize * 2 - this.sticky.producedBytes;
  }

  /** `updatePartitionInfo`: count appended bytes; switch after batch.size (if allowed) or 2 × batch.size (always). */
  updatePartitionInfo(partition: number, appendedBytes: number, enableSwitch: boolean, availablePartitions: number[], numPartitions: number): void {
    if (this.sticky === null || this.sticky.partition !== partition) return;
    this.sticky.producedBytes += appendedBytes;
    const produced = this.sticky.producedBytes;
    if ((produced >= this.stickyBatchSize && enableSwitch) || produced >= this.stickyBatchSize * 2)
      this.sticky = { partition: this.nextPartition(availablePartitions, numPartitions), producedBytes: 0 };
  }

  /**
   * `updatePartitionLoadStats`: queue sizes (in batches) of the partitions with a leader. Stats are dropped when
   * all are equal (and none is excluded) or fewer than 2 partitions exist; otherwise frequencies are
   * maxQueue + 1 − queueSize, accumulated.
   */
  updatePartitionLoadStats(queueSizes: number[] | null, partitionIds: number[], length: number): void {
    if (queueSizes === null || length < 1 || queueSizes.length < 2) {
      this.loadStats = null;
      return;
    }
    let maxSizePlus1 = queueSizes[0];
    let allEqual = true;
    for (let i = 1; i < length; i++) {
      if (queueSizes[i] !== maxSizePlus1) allEqual = false;
      if (queueSizes[i] > maxSizePlus1) maxSizePlus1 = queueSizes[i];
    }
    ++maxSizePlus1;
    if (allEqual && length === queueSizes.length) {
      this.loadStats = null;
      return;
    }
    const cft = queueSizes.slice();
    cft[0] = maxSizePlus1 - queueSizes[0];
    for (let i = 1; i < length; i++) cft[i] = maxSizePlus1 - queueSizes[i] + cft[i - 1];
    this.loadStats = { cumulativeFrequencyTable: cft, partitionIds: partitionIds.slice(), length };
  }

  get stats(): PartitionLoadStats | null {
    return this.loadStats;
  }
}
