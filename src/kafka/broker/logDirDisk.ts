import type { BlockDevice } from "../../sim/index.js";
import type { PartitionLog } from "../log/partitionLog.js";

/**
 * A broker's log directory on its host's disk (`capacity.disk`): what an append and a flush cost in virtual time.
 * An append (`LocalLog.append` → `FileRecords.append`, a write into the page cache) costs nothing unless the page
 * cache's dirty bytes are past their limit, when the writing thread is throttled; a flush (`UnifiedLog.flush` →
 * `LocalLog.flush` → `LogSegment.flush` → `FileRecords.flush`, a `FileChannel.force`, i.e. an fsync) writes the log's
 * dirty bytes and pays the disk's fixed fsync latency. The caller charges the time to the thread Kafka runs it on
 * (the I/O thread for a leader's append and its `flush.messages` flush, the replica fetcher thread for a follower's,
 * the scheduler's `kafka-log-flusher` task for `flush.ms`). Without a disk (`device` null) everything costs 0 µs and a
 * flush only moves the log's flush point, as before.
 * Simplified: a broker has one log directory on one disk; durability is reached when the flush is called (a crash
 * during the fsync's time keeps what it flushes); the device outlives the broker's restarts, its dirty bytes too.
 */
export class LogDirDisk {
  constructor(
    /** The host's disk, or null: no disk model. */
    readonly device: BlockDevice | null,
    /** Virtual time now, µs. */
    private readonly nowUs: () => number,
  ) {}

  /** A write of `bytes` into the page cache (a leader's or follower's append): µs the writer is throttled, often 0. */
  append(bytes: number): number {
    return this.device ? this.device.write(this.nowUs(), bytes) : 0;
  }

  /**
   * `UnifiedLog.flush(logEndOffset)`: everything appended becomes durable (the log's flush point moves to its end) and
   * the fsync's µs are returned: the log's unflushed bytes at the disk's bandwidth (those not yet written back) plus
   * the fixed fsync latency, after any fsync still running on the disk. 0 µs without a disk or with nothing to flush
   * (Kafka skips a flush whose offset is not past the recovery point).
   */
  flush(log: PartitionLog): number {
    if (log.unflushedMessages <= 0 || !this.device) {
      log.flush();
      return 0;
    }
    const bytes = log.unflushedBytes;
    log.flush();
    return this.device.fsync(this.nowUs(), bytes);
  }
}

/** No disk: appends and flushes cost nothing (a broker built without `capacity.disk`, and unit tests). */
export const NO_LOG_DIR_DISK = new LogDirDisk(null, () => 0);
