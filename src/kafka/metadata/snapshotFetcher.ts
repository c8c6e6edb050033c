import type { ActorContext } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { FetchSnapshotRequest, FetchSnapshotResponse } from "../protocol/raftMessages.js";
import type { MetadataSnapshot, SnapshotId } from "./metadataSnapshot.js";

interface Fetching {
  leader: string;
  epoch: number;
  snapshotId: SnapshotId;
  position: number;
  correlationId: number;
  done: (s: MetadataSnapshot) => void;
  failed: (res: FetchSnapshotResponse | null) => void;
}

/**
 * The fetching side of KIP-630's FetchSnapshot (Kafka `KafkaRaftClient.sendFetchSnapshotRequest` and
 * `handleFetchSnapshotResponse`, the follower's `FollowerState.fetchingSnapshot`): after a Fetch answered with a
 * snapshot id, a follower (or an observer, a broker) asks the leader for that snapshot chunk by chunk from position 0
 * until it has all of its size; then the snapshot is whole and `done` loads it. An error answer
 * (SNAPSHOT_NOT_FOUND, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH) or a lost connection ends the download: `failed`
 * decides what next (the caller fetches again, and may be told of a newer snapshot).
 */
export class SnapshotFetcher {
  private current: Fetching | null = null;

  constructor(
    private readonly ctx: ActorContext,
    private readonly client: NetworkClient,
    /** Request timeout of one FetchSnapshot, ms (undefined: the client's). */
    private readonly requestTimeoutMs?: number,
  ) {}

  /** Whether a snapshot download is under way. */
  get fetching(): boolean {
    return this.current !== null;
  }

  /** Starts downloading `snapshotId` from `leader` (the epoch it leads in). */
  start(leader: string, epoch: number, snapshotId: SnapshotId, done: (s: MetadataSnapshot) => void, failed: (res: FetchSnapshotResponse | null) => void): void {
    this.current = { leader, epoch, snapshotId, position: 0, correlationId: -1, done, failed };
    this.ctx.trace("raft.fetch-snapshot", { leader, endOffset: snapshotId.endOffset, epoch: snapshotId.epoch });
    this.send();
  }

  /** Abandons the download (leadership changed): its answers are ignored. */
  cancel(): void {
    this.current = null;
  }

  private send(): void {
    const f = this.current;
    if (!f) return;
    const req: FetchSnapshotRequest = { type: "FetchSnapshot", correlationId: this.client.correlationId(), epoch: f.epoch, replica: this.ctx.name, snapshotId: f.snapshotId, position: f.position };
    f.correlationId = req.correlationId;
    this.client.sendWhenReady(f.leader, req, (res) => {
      if (this.current !== f || f.correlationId !== req.correlationId) return;
      if (res.type === "Disconnected") {
        this.current = null;
        return f.failed(null);
      }
      this.onResponse(f, res as FetchSnapshotResponse);
    }, this.requestTimeoutMs);
  }

  private onResponse(f: Fetching, res: FetchSnapshotResponse): void {
    if (res.error !== "NONE" || res.snapshotId.endOffset !== f.snapshotId.endOffset || res.snapshotId.epoch !== f.snapshotId.epoch || res.position !== f.position) {
      this.current = null;
      return f.failed(res);
    }
    f.position += res.chunkBytes;
    if (f.position < res.size || !res.image) return this.send();
    this.current = null;
    f.done({ id: f.snapshotId, image: res.image, sizeBytes: res.size, lastContainedTimestampMs: res.lastContainedTimestampMs ?? this.ctx.nowMs });
  }
}
