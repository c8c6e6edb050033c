import type { MetadataImage } from "./metadataImage.js";
import type { MetadataRecord } from "./records.js";

/**
 * A snapshot's id (Kafka `OffsetAndEpoch` as a snapshot id): it holds every record below `endOffset` (exclusive),
 * the last of them appended in `epoch`.
 */
export interface SnapshotId {
  endOffset: number;
  epoch: number;
}

/**
 * A KRaft metadata snapshot (Kafka's `<endOffset>-<epoch>.checkpoint` file). The model holds it as a frozen copy of
 * the `MetadataImage` at `id.endOffset` (never changed after it is made: loading it copies it), with its size in
 * bytes counted as Kafka would write it: the image written as records (`MetadataImage.records`), each
 * `recordSizeBytes`. `lastContainedTimestampMs` is when it was made (Kafka reads the append time of the last record
 * it contains; the model's records carry no time, so the snapshot's creation time stands in): retention by
 * `metadata.max.retention.ms` reads it.
 */
export interface MetadataSnapshot {
  id: SnapshotId;
  image: MetadataImage;
  sizeBytes: number;
  lastContainedTimestampMs: number;
}

const sizes = new WeakMap<MetadataRecord, number>();

/**
 * A metadata record's size in bytes, as SnapshotGenerator counts them (`LogDeltaManifest.numBytes`). Simplification:
 * the length of the record's JSON form stands in for Kafka's serialised record (same order of size: tens to a few
 * hundred bytes a record). Records are immutable and shared by every replica, so the size is computed once each.
 */
export function recordSizeBytes(record: MetadataRecord): number {
  let n = sizes.get(record);
  if (n === undefined) {
    n = JSON.stringify(record).length;
    sizes.set(record, n);
  }
  return n;
}

/** Takes a snapshot of `image` (which the caller no longer changes, or has copied) as of `id`, at `nowMs`. */
export function makeSnapshot(image: MetadataImage, id: SnapshotId, nowMs: number): MetadataSnapshot {
  let sizeBytes = 0;
  for (const r of image.records()) sizeBytes += recordSizeBytes(r);
  return { id, image, sizeBytes, lastContainedTimestampMs: nowMs };
}

/** `metadata.log.max.record.bytes.between.snapshots` and `metadata.log.max.snapshot.interval.ms` (0: no time-based snapshots). */
export interface SnapshotPolicy {
  maxBytesBetweenSnapshots: number;
  maxIntervalMs: number;
}

/**
 * When to take a metadata snapshot (Kafka `SnapshotGenerator.publishLogDelta`, run by controllers and brokers alike
 * on the committed records their loader publishes): once `maxBytesBetweenSnapshots` bytes of records have been
 * replayed since the last snapshot, or — checked only when records are published, as Kafka does — once
 * `maxIntervalMs` has passed since it. Both counters restart when a snapshot is taken or loaded
 * (`resetSnapshotCounters`), and at start (a restarted node counts from its start, as Kafka's generator does).
 * Simplification: Kafka emits from its own event queue, a moment later; the model emits at once.
 */
export class SnapshotGenerator {
  private bytesSinceLastSnapshot = 0;
  private lastSnapshotMs: number;

  constructor(
    private readonly policy: SnapshotPolicy,
    nowMs: number,
  ) {
    this.lastSnapshotMs = nowMs;
  }

  /** Counters back to zero: a snapshot was just taken or loaded (SnapshotGenerator.resetSnapshotCounters). */
  reset(nowMs: number): void {
    this.bytesSinceLastSnapshot = 0;
    this.lastSnapshotMs = nowMs;
  }

  /**
   * Committed records of `bytes` bytes were published at `nowMs`: returns why a snapshot is due now (the caller
   * takes it and calls `reset`), or null.
   */
  publishLogDelta(bytes: number, nowMs: number): string | null {
    this.bytesSinceLastSnapshot += bytes;
    if (this.bytesSinceLastSnapshot >= this.policy.maxBytesBetweenSnapshots) return `replayed at least ${this.policy.maxBytesBetweenSnapshots} bytes`;
    if (this.policy.maxIntervalMs !== 0 && nowMs - this.lastSnapshotMs >= this.policy.maxIntervalMs) return `waited at least ${this.policy.maxIntervalMs} ms`;
    return null;
  }
}
