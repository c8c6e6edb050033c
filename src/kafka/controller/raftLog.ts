import type { MetadataSnapshot, SnapshotId } from "../metadata/metadataSnapshot.js";
import { recordSizeBytes } from "../metadata/metadataSnapshot.js";
import type { RaftEntry } from "../protocol/raftMessages.js";

/** What a fetch at (offset, last fetched epoch) finds in the leader's log (Kafka `ValidOffsetAndEpoch`). */
export type ValidOffsetAndEpoch =
  | { kind: "valid" }
  /** The fetcher's log diverges: truncate to `endOffset` of `epoch`. */
  | { kind: "diverging"; epoch: number; endOffset: number }
  /** The fetcher is below what the log still holds: fetch this snapshot (FetchSnapshot) instead. */
  | { kind: "snapshot"; snapshotId: SnapshotId };

/** metadata.max.retention.bytes and metadata.max.retention.ms (-1: no limit). */
export interface MetadataRetention {
  retentionBytes: number;
  retentionMs: number;
}

/**
 * The controller's copy of `__cluster_metadata` (Kafka `KafkaMetadataLog`) with its snapshots. KRaft fsyncs before
 * it counts an entry as written, so the model keeps this log fully durable (no unflushed tail). It holds the entries
 * from `startOffset` (the log start offset, 0 until a snapshot lets older entries go) and the snapshots taken or
 * fetched, oldest first. Its size in bytes is the records' (`recordSizeBytes`); Kafka counts whole segments.
 */
export class RaftLog {
  /** The log start offset: `entries[0]` is the entry at this offset. */
  startOffset = 0;
  entries: RaftEntry[] = [];
  /** Sum of the entries' record sizes, bytes. */
  sizeBytes = 0;
  /** The snapshots this replica holds, by ascending end offset. */
  readonly snapshots: MetadataSnapshot[] = [];

  get endOffset(): number {
    return this.startOffset + this.entries.length;
  }

  /** The entry at `offset` (startOffset ≤ offset < endOffset). */
  entryAt(offset: number): RaftEntry {
    return this.entries[offset - this.startOffset];
  }

  /** Appends entries at the log end. */
  append(entries: readonly RaftEntry[]): void {
    for (const e of entries) {
      this.entries.push(e);
      this.sizeBytes += recordSizeBytes(e.record);
    }
  }

  /** KafkaMetadataLog.lastFetchedEpoch: the last entry's epoch; with no entries, the snapshot's at the log start. */
  lastEpoch(): number {
    if (this.entries.length > 0) return this.entries[this.entries.length - 1].epoch;
    const s = this.latestSnapshot();
    return s && s.id.endOffset === this.startOffset ? s.id.epoch : 0;
  }

  epochAt(offset: number): number {
    return offset < this.startOffset || offset >= this.endOffset ? 0 : this.entryAt(offset).epoch;
  }

  /**
   * The largest epoch ≤ `epoch` present in the log, and the offset where it ends (KafkaMetadataLog.endOffsetForEpoch:
   * an epoch older than every entry ends at the log start, in the epoch of the snapshot there).
   */
  endOffsetFor(epoch: number): { epoch: number; endOffset: number } {
    const first = this.earliestSnapshot();
    let found = first && first.id.endOffset === this.startOffset ? first.id.epoch : 0;
    let end = this.startOffset;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i].epoch;
      if (e <= epoch) {
        found = e;
        end = this.startOffset + i + 1;
      } else break;
    }
    return { epoch: found, endOffset: end };
  }

  /**
   * A follower's truncation on a DivergingEpoch answer (KIP-595), as Kafka's `ReplicatedLog.truncateToEndOffset`:
   * for the leader's (epoch, end offset), cut to the smaller of that end and this log's own end of the epoch when this
   * log has that epoch; when it does not, cut to this log's end of the largest earlier epoch (the next fetch, from
   * there, asks again). Epoch 0 cuts to the smaller of the two ends. Returns the offset truncated to.
   */
  truncateToEndOffset(endOffset: number, epoch: number): number {
    let to: number;
    if (epoch === 0) to = Math.min(endOffset, this.endOffset);
    else {
      const local = this.endOffsetFor(epoch);
      to = local.epoch === epoch ? Math.min(local.endOffset, endOffset) : local.endOffset;
    }
    this.truncateTo(to);
    return to;
  }

  /** Removes the entries from `offset` on (never below the log start: those are in a snapshot). */
  truncateTo(offset: number): void {
    const keep = Math.max(0, offset - this.startOffset);
    if (keep >= this.entries.length) return;
    for (let i = keep; i < this.entries.length; i++) this.sizeBytes -= recordSizeBytes(this.entries[i].record);
    this.entries.length = keep;
  }

  latestSnapshot(): MetadataSnapshot | undefined {
    return this.snapshots[this.snapshots.length - 1];
  }

  earliestSnapshot(): MetadataSnapshot | undefined {
    return this.snapshots[0];
  }

  /** The snapshot with this id, if this replica holds it. */
  snapshot(id: SnapshotId): MetadataSnapshot | undefined {
    return this.snapshots.find((s) => s.id.endOffset === id.endOffset && s.id.epoch === id.epoch);
  }

  /**
   * A snapshot was written (RaftClient.createSnapshot → `onSnapshotFrozen`) or fetched whole (FetchSnapshot). One
   * not newer than the latest held is ignored.
   */
  addSnapshot(s: MetadataSnapshot): void {
    const latest = this.latestSnapshot();
    if (latest && s.id.endOffset <= latest.id.endOffset) return;
    this.snapshots.push(s);
  }

  /**
   * KafkaMetadataLog.truncateToLatestSnapshot: when the latest snapshot is ahead of the log (a fetched snapshot), the
   * log is emptied to start at the snapshot's end and older snapshots are forgotten. Returns whether it did.
   */
  truncateToLatestSnapshot(): boolean {
    const s = this.latestSnapshot();
    const lastEpoch = this.lastEpoch();
    if (!s || !(s.id.epoch > lastEpoch || (s.id.epoch === lastEpoch && s.id.endOffset > this.endOffset))) return false;
    this.entries = [];
    this.sizeBytes = 0;
    this.startOffset = s.id.endOffset;
    this.snapshots.splice(0, this.snapshots.length - 1);
    return true;
  }

  /**
   * KafkaMetadataLog.deleteBeforeSnapshot: the log start offset moves up to a snapshot this replica holds (newer than
   * the log start, not newer than the latest), the entries below it go, and so do the snapshots before it. Returns
   * whether it did.
   */
  deleteBeforeSnapshot(id: SnapshotId): boolean {
    const latest = this.latestSnapshot();
    const at = this.snapshots.findIndex((s) => s.id.endOffset === id.endOffset && s.id.epoch === id.epoch);
    if (!latest || at < 0 || id.endOffset <= this.startOffset || id.endOffset > latest.id.endOffset || id.endOffset > this.endOffset) return false;
    const drop = id.endOffset - this.startOffset;
    for (let i = 0; i < drop; i++) this.sizeBytes -= recordSizeBytes(this.entries[i].record);
    this.entries = this.entries.slice(drop);
    this.startOffset = id.endOffset;
    this.snapshots.splice(0, at);
    return true;
  }

  /**
   * KafkaMetadataLog.maybeClean (every 60 s, RaftMetadataLogCleanerManager): while there are two snapshots or more
   * and the log plus its snapshots exceed metadata.max.retention.bytes, or the oldest snapshot is older than
   * metadata.max.retention.ms, the oldest snapshot is deleted and the log start moves to the next one
   * (deleteBeforeSnapshot). Returns whether the log start moved.
   */
  maybeClean(nowMs: number, retention: MetadataRetention): boolean {
    let cleaned = false;
    if (retention.retentionBytes >= 0) {
      let total = 0;
      for (const s of this.snapshots) total += s.sizeBytes;
      while (this.snapshots.length >= 2 && this.sizeBytes + total > retention.retentionBytes) {
        const oldest = this.snapshots[0];
        // The entries between the two snapshots go too, so the log's size is recounted by deleteBeforeSnapshot.
        if (!this.deleteBeforeSnapshot(this.snapshots[1].id)) break;
        total -= oldest.sizeBytes;
        cleaned = true;
      }
    }
    if (retention.retentionMs >= 0)
      while (this.snapshots.length >= 2 && nowMs - this.snapshots[0].lastContainedTimestampMs > retention.retentionMs) {
        if (!this.deleteBeforeSnapshot(this.snapshots[1].id)) break;
        cleaned = true;
      }
    return cleaned;
  }

  /**
   * ReplicatedLog.validateOffsetAndEpoch (the leader's check of a Fetch): a fetch below the log start, at the log
   * start in another epoch than its snapshot's, or with a last epoch older than the oldest snapshot's gets the
   * latest snapshot's id; otherwise one whose last epoch does not end where it says diverges (KIP-595).
   */
  validateOffsetAndEpoch(offset: number, epoch: number): ValidOffsetAndEpoch {
    if (this.startOffset === 0 && offset === 0) return { kind: "valid" };
    const earliest = this.earliestSnapshot();
    if (earliest && (offset < this.startOffset || (offset === this.startOffset && epoch !== earliest.id.epoch) || epoch < earliest.id.epoch))
      return { kind: "snapshot", snapshotId: this.latestSnapshot()!.id };
    const end = this.endOffsetFor(epoch);
    if (end.epoch !== epoch || end.endOffset < offset) return { kind: "diverging", ...end };
    return { kind: "valid" };
  }
}
