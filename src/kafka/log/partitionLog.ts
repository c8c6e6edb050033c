import type { DiskResident } from "../../sim/index.js";
import { LeaderEpochCache } from "./leaderEpochCache.js";
import { lastOffsetOf, type RecordBatch } from "./recordBatch.js";

/**
 * One replica's log of one partition, resident on the broker's disk. Appends land in the page cache and become
 * durable at the flush point (`log.flush.interval.messages` / `flush.ms`; Kafka does not fsync per write); an
 * unclean crash that loses unflushed data truncates to it. The HW checkpoint is what a restart recovers the HW from.
 */
export class PartitionLog implements DiskResident {
  batches: RecordBatch[] = [];
  logStartOffset = 0;
  logEndOffset = 0;
  /** Everything below this offset is fsynced. */
  flushedOffset = 0;
  readonly epochCache = new LeaderEpochCache();
  private flushedEpochCache = new LeaderEpochCache();
  /** `replication-offset-checkpoint`: the HW as last checkpointed. */
  highWatermarkCheckpoint = 0;

  /** Appends a batch as leader: stamps the next offset and the leader epoch. */
  appendAsLeader(batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, leaderEpoch: number): RecordBatch {
    const stamped: RecordBatch = { ...batch, baseOffset: this.logEndOffset, leaderEpoch };
    this.append(stamped);
    return stamped;
  }

  /** Appends a batch fetched from the leader, as it is. */
  appendAsFollower(batch: RecordBatch): void {
    if (batch.baseOffset !== this.logEndOffset)
      throw new Error(`follower append at ${batch.baseOffset} but log end is ${this.logEndOffset}`);
    this.append(batch);
  }

  private append(b: RecordBatch): void {
    this.epochCache.assign(b.leaderEpoch, b.baseOffset);
    this.batches.push(b);
    this.logEndOffset = lastOffsetOf(b) + 1;
  }

  get unflushedMessages(): number {
    return this.logEndOffset - this.flushedOffset;
  }

  /** Removes every record at or above `offset`. Returns how many records were removed. */
  truncateTo(offset: number): number {
    if (offset >= this.logEndOffset) return 0;
    const removed = this.logEndOffset - offset;
    while (this.batches.length > 0) {
      const last = this.batches[this.batches.length - 1];
      if (last.baseOffset >= offset) this.batches.pop();
      else {
        if (lastOffsetOf(last) >= offset) this.batches[this.batches.length - 1] = { ...last, records: last.records.slice(0, offset - last.baseOffset) };
        break;
      }
    }
    this.logEndOffset = Math.max(offset, this.logStartOffset);
    this.epochCache.truncateFromEnd(this.logEndOffset);
    if (this.flushedOffset > this.logEndOffset) this.flushedOffset = this.logEndOffset;
    return removed;
  }

  /** Batches holding offsets ≥ `fromOffset`, at least one batch, up to about `maxBytes`. */
  read(fromOffset: number, maxBytes: number): RecordBatch[] {
    const i = this.batchIndexFor(fromOffset);
    if (i < 0) return [];
    const out: RecordBatch[] = [];
    let bytes = 0;
    for (let k = i; k < this.batches.length; k++) {
      const b = this.batches[k];
      if (out.length > 0 && bytes + b.sizeBytes > maxBytes) break;
      out.push(b);
      bytes += b.sizeBytes;
    }
    return out;
  }

  /** Index of the batch containing `offset`, or -1. */
  batchIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.batches[mid];
      if (lastOffsetOf(b) < offset) lo = mid + 1;
      else if (b.baseOffset > offset) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  flush(): void {
    this.flushedOffset = this.logEndOffset;
    this.flushedEpochCache = this.epochCache.clone();
  }

  /** Power loss: the page cache is gone; the log recovers to its last fsync. */
  loseUnflushed(): void {
    this.truncateTo(this.flushedOffset);
    this.epochCache.entries = this.flushedEpochCache.clone().entries;
    this.epochCache.truncateFromEnd(this.logEndOffset);
  }
}
