import type { MetadataImage } from "../metadata/metadataImage.js";
import type { SnapshotId } from "../metadata/metadataSnapshot.js";
import type { MetadataRecord } from "../metadata/records.js";

/** One entry of the metadata log: the record and the Raft epoch it was appended in. */
export interface RaftEntry {
  epoch: number;
  record: MetadataRecord;
}

/**
 * KRaft (KIP-595): the controllers' quorum protocol, and brokers fetching the metadata log as observers
 * (Kafka `clients/src/main/resources/common/message/{Vote,BeginQuorumEpoch,Fetch,FetchSnapshot}*.json`).
 * Not modelled: EndQuorumEpoch (a resigning leader lets the election timeout pass) and BeginQuorumEpoch's answer.
 */

/**
 * Vote (VoteRequest.json). `epoch` is the sender's (ReplicaEpoch): a Candidate's bumped epoch, or a Prospective's
 * unchanged one when `preVote` (version 2, KIP-996: the answer changes no vote and no epoch of the receiver's own
 * choosing). `lastEpoch`/`lastOffset`: the sender's log end (LastOffsetEpoch, LastOffset).
 */
export interface VoteRequest {
  type: "Vote";
  correlationId: number;
  epoch: number;
  candidate: string;
  lastEpoch: number;
  lastOffset: number;
  preVote: boolean;
}

/**
 * VoteResponse.json: the receiver's epoch (LeaderEpoch) and the leader it knows in it (LeaderId, null for -1), so a
 * nominee that asked a voter with a leader learns of that leader.
 */
export interface VoteResponse {
  type: "VoteResponse";
  correlationId: number;
  epoch: number;
  leader: string | null;
  granted: boolean;
}

export interface BeginQuorumEpoch {
  type: "BeginQuorumEpoch";
  correlationId: number;
  epoch: number;
  leader: string;
}

/**
 * KRaft's Fetch of the metadata log (Kafka's Fetch API sent to the controller listener, for `__cluster_metadata`):
 * voters replicate with it, observers (brokers) read what is committed.
 */
export interface RaftFetchRequest {
  type: "Fetch";
  correlationId: number;
  epoch: number;
  replica: string;
  /** Observers (brokers) are served committed entries only and never vote. */
  observer: boolean;
  fetchOffset: number;
  lastFetchedEpoch: number;
}

export interface RaftFetchResponse {
  type: "FetchResponse";
  correlationId: number;
  epoch: number;
  leader: string | null;
  error: "NONE" | "NOT_LEADER_OR_FOLLOWER" | "FENCED_LEADER_EPOCH";
  baseOffset: number;
  entries: RaftEntry[];
  highWatermark: number;
  /** Set when the fetcher's log diverges: truncate to `endOffset` of `epoch` and fetch again. */
  divergingEpoch?: { epoch: number; endOffset: number };
  /**
   * Set when the fetcher is below what the leader's log still holds (KafkaRaftClient's SNAPSHOT answer): fetch this
   * snapshot with FetchSnapshot, then the log after it.
   */
  snapshotId?: SnapshotId;
}

/**
 * KRaft's FetchSnapshot (KIP-630): a follower or observer reads a snapshot from the leader in chunks, from
 * `position` (bytes).
 */
export interface FetchSnapshotRequest {
  type: "FetchSnapshot";
  correlationId: number;
  epoch: number;
  replica: string;
  snapshotId: SnapshotId;
  position: number;
}

export interface FetchSnapshotResponse {
  type: "FetchSnapshotResponse";
  correlationId: number;
  epoch: number;
  leader: string | null;
  error: "NONE" | "NOT_LEADER_OR_FOLLOWER" | "FENCED_LEADER_EPOCH" | "SNAPSHOT_NOT_FOUND";
  snapshotId: SnapshotId;
  /** The snapshot's whole size, bytes. */
  size: number;
  position: number;
  /** The chunk's length, bytes (at most KafkaRaftClient.MAX_FETCH_SIZE_BYTES). */
  chunkBytes: number;
  /**
   * The snapshot's content, carried with the chunk that ends it (the model's snapshot is an image, not bytes; the
   * chunks before it carry only their length). Never changed by the receiver: it copies it.
   */
  image?: MetadataImage;
  /** When the snapshot was taken (`MetadataSnapshot.lastContainedTimestampMs`), with the last chunk. */
  lastContainedTimestampMs?: number;
}
