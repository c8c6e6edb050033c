import type { BlockDevice } from "../../sim/index.js";
import type { PartitionLog } from "../log/partitionLog.js";
import { lastOffsetOf, type RecordBatch } from "../log/recordBatch.js";
import { tpKey } from "../protocol/messages.js";

/**
 * A broker's log directory on its host's disk (`capacity.disk`): what an append and a flush cost in virtual time.
 * An append (`LocalLog.append` → `FileRecords.append`, a write into the page cache) costs nothing unless the page
 * cache's dirty bytes are past their limit, when the writing thread is throttled; a flush (`UnifiedLog.flush` →
 * `LocalLog.flush` → `LogSegment.flush` → `FileRecords.flush`, a `FileChannel.force`, i.e. an fsync) writes the log's
 * dirty bytes and pays the disk's fixed fsync latency. The caller charges the time to the thread Kafka runs it on
 * (the I/O thread for a leader's append and its `flush.messages` flush, the replica fetcher thread for a follower's,
 * the scheduler's `kafka-log-flusher` task for `flush.ms`). Without a disk (`device` null) everything costs 0 µs and a
 * flush only moves the log's flush point, as before.
 * Reads: the host's page cache (src/sim/pageCache.ts) holds each partition's log as a file whose positions are the
 * log's offsets; an append caches its batch (dirty), and a Fetch response's batches are read from it when a network
 * thread sends them (`sendfileUs`): Kafka's Processor writes a FetchResponse's `FileRecords` with
 * `FileRecords.writeTo` → `PlaintextTransportLayer.transferFrom` → `FileChannel.transferTo`, i.e. sendfile(2), which
 * reads pages missing from the page cache synchronously, blocking that network thread and every connection it
 * serves (KAFKA-7504; apache/kafka PR #14289, not merged, warmed the pages on the I/O thread instead). The I/O
 * thread's `LogSegment.read` only locates the batches (`FileRecords.slice`), so the model charges it nothing.
 * Simplified: a broker has one log directory on one disk; durability is reached when the flush is called (a crash
 * during the fsync's time keeps what it flushes); the device outlives the broker's restarts, its dirty bytes and its
 * page cache too (the OS's page cache outlives a JVM); the I/O thread's reads of batch headers while locating an
 * offset (`FileRecords.searchForOffsetFromPosition`) and the log cleaner's reads and writes cost no disk time.
 */
export class LogDirDisk {
  constructor(
    /** The host's disk, or null: no disk model. */
    readonly device: BlockDevice | null,
    /** Virtual time now, µs. */
    private readonly nowUs: () => number,
  ) {}

  /**
   * A write of batch `b` (a leader's or follower's append to partition log `key`, whose log starts at
   * `logStartOffset`) into the page cache: its pages are cached (dirty); returns the µs the writer is throttled,
   * often 0. A log whose start moved past cached batches (retention, DeleteRecords) drops their pages, and an
   * append below the cached end (a follower's truncation, a disk replaced) drops those past it.
   */
  append(key: string, b: RecordBatch, logStartOffset: number): number {
    if (!this.device) return 0;
    const now = this.nowUs();
    const file = this.device.cache.file(key);
    file.dropBefore(logStartOffset);
    return file.append(now, b.baseOffset, lastOffsetOf(b) + 1, b.sizeBytes);
  }

  /**
   * A network thread sends a Fetch response (sendfile of each partition's batches, see the class comment): the µs it
   * waits for pages read from the disk, 0 when every batch is in the page cache (a reader at the tail). Each
   * partition's read counts `bytes` (its batches and the head of a batch a limit cut).
   */
  sendfileUs(partitions: readonly { topic: string; partition: number; batches: readonly RecordBatch[]; partialBytes?: number }[]): number {
    if (!this.device) return 0;
    const now = this.nowUs();
    let us = 0;
    for (const p of partitions) {
      const n = p.batches.length;
      if (n === 0) continue;
      let bytes = p.partialBytes ?? 0;
      for (const b of p.batches) bytes += b.sizeBytes;
      // The disk's reads queue one after another: the thread waits for the last one's end.
      us = Math.max(us, this.device.cache.file(tpKey(p.topic, p.partition)).read(now, p.batches[0].baseOffset, lastOffsetOf(p.batches[n - 1]) + 1, bytes).waitUs);
    }
    return us;
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
