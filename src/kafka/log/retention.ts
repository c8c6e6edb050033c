import type { PartitionLog } from "./partitionLog.js";

/** A log's retention settings (Kafka `LogConfig`): ms and bytes, -1 for "no limit". */
export interface RetentionConfig {
  retentionMs: number;
  retentionBytes: number;
  /** cleanup.policy has `delete`: without it (compact only) retention.ms / retention.bytes do not apply. */
  delete: boolean;
}

/** One deletion step: why, which segments (by base offset), and the log start before and after. */
export interface SegmentDeletion {
  reason: "log-start-offset-breach" | "retention-size-breach" | "retention-ms-breach";
  baseOffsets: number[];
  oldLogStartOffset: number;
  logStartOffset: number;
}

/**
 * `UnifiedLog.deleteOldSegments` (for `cleanup.policy` `delete` and `compact,delete`; a `compact`-only log deletes only
 * the segments below its log start, as `if (config.delete) ... else deleteLogStartOffsetBreachedSegments()`), run by
 * `LogManager.cleanupLogs` on every replica: segments wholly below the log start (after DeleteRecords)
 * (`deleteLogStartOffsetBreachedSegments`), then the oldest while the log is over retention.bytes
 * (`deleteRetentionSizeBreachedSegments`), then those whose newest batch is more than retention.ms older than
 * `nowMs` (`deleteRetentionMsBreachedSegments`) — each only wholly below `highWatermark` (`deletableSegments`).
 * Returns the deletions made, in order (empty when nothing was due).
 */
export function deleteOldSegments(log: PartitionLog, highWatermark: number, cfg: RetentionConfig, nowMs: number): SegmentDeletion[] {
  const out: SegmentDeletion[] = [];
  const remove = (n: number, reason: SegmentDeletion["reason"]) => {
    if (n === 0) return;
    const oldLogStartOffset = log.logStartOffset;
    const baseOffsets = log.segments.slice(0, n).map((s) => s.baseOffset);
    log.deleteSegments(n, nowMs);
    out.push({ reason, baseOffsets, oldLogStartOffset, logStartOffset: log.logStartOffset });
  };
  remove(log.deletableSegments(highWatermark, (_s, next) => next !== undefined && next.baseOffset <= log.logStartOffset), "log-start-offset-breach");
  if (!cfg.delete) return out;
  if (cfg.retentionBytes >= 0 && log.sizeBytes >= cfg.retentionBytes) {
    let diff = log.sizeBytes - cfg.retentionBytes;
    const n = log.deletableSegments(highWatermark, (s) => {
      if (diff - s.sizeBytes < 0) return false;
      diff -= s.sizeBytes;
      return true;
    });
    remove(n, "retention-size-breach");
  }
  if (cfg.retentionMs >= 0) remove(log.deletableSegments(highWatermark, (s) => nowMs - s.largestTimestampMs > cfg.retentionMs), "retention-ms-breach");
  return out;
}
