import type { ActorContext } from "../../sim/index.js";
import { MetadataImage } from "../metadata/metadataImage.js";
import { makeSnapshot, type MetadataSnapshot, recordSizeBytes, SnapshotGenerator, type SnapshotPolicy } from "../metadata/metadataSnapshot.js";
import type { RaftNode } from "./raft.js";
import type { RaftLog } from "./raftLog.js";

/**
 * The image a replica's log holds up to `endOffset` (exclusive): its latest snapshot, then the entries after it (Kafka
 * `MetadataLoader`: handleLoadSnapshot, then handleCommit of the log after it). Without a snapshot, the log from 0.
 */
export function imageOfLog(log: RaftLog, endOffset: number): MetadataImage {
  const s = log.latestSnapshot();
  const image = s && s.id.endOffset <= endOffset ? s.image.copy() : new MetadataImage();
  const from = s && s.id.endOffset <= endOffset ? s.id.endOffset : log.startOffset;
  for (let o = from; o < endOffset; o++) image.apply(log.entryAt(o).record, o);
  return image;
}

/**
 * A controller's metadata snapshots (Kafka's `SnapshotGenerator` + `SnapshotEmitter` on the controller's
 * `MetadataLoader`, which publishes committed records only): the records committed since the last snapshot are
 * counted as the high watermark moves; when `SnapshotGenerator` says a snapshot is due, the image at the high
 * watermark is written (`SnapshotEmitter.maybeEmit` → `RaftClient.createSnapshot`), and the log may then be cleaned.
 * The id is (HW, epoch of the last record it contains), as `MetadataProvenance.snapshotId` makes it.
 */
export class ControllerSnapshots {
  private readonly generator: SnapshotGenerator;
  /** Offset up to which committed records have been counted (exclusive). */
  private publishedOffset: number;

  constructor(
    private readonly ctx: ActorContext,
    private readonly raft: RaftNode,
    policy: SnapshotPolicy,
  ) {
    this.generator = new SnapshotGenerator(policy, ctx.nowMs);
    this.publishedOffset = raft.log.latestSnapshot()?.id.endOffset ?? 0;
  }

  /** The high watermark moved to `hw`: the newly committed records are published to the generator. */
  committed(hw: number): void {
    if (hw <= this.publishedOffset) return;
    const log = this.raft.log;
    let bytes = 0;
    for (let o = Math.max(this.publishedOffset, log.startOffset); o < hw; o++) bytes += recordSizeBytes(log.entryAt(o).record);
    this.publishedOffset = hw;
    const reason = this.generator.publishLogDelta(bytes, this.ctx.nowMs);
    if (reason) this.emit(hw, reason);
  }

  /** A snapshot was loaded (fetched from the leader): counting starts again after it (publishSnapshot). */
  loaded(s: MetadataSnapshot): void {
    this.publishedOffset = Math.max(this.publishedOffset, s.id.endOffset);
    this.generator.reset(this.ctx.nowMs);
  }

  private emit(hw: number, reason: string): void {
    this.generator.reset(this.ctx.nowMs);
    const log = this.raft.log;
    if (hw <= log.startOffset) return;
    const snapshot = makeSnapshot(imageOfLog(log, hw), { endOffset: hw, epoch: log.epochAt(hw - 1) }, this.ctx.nowMs);
    if (!this.raft.createSnapshot(snapshot)) return;
    this.ctx.trace("metadata.snapshot", { endOffset: hw, epoch: snapshot.id.epoch, sizeBytes: snapshot.sizeBytes, reason });
    this.raft.maybeCleanLog();
  }
}
