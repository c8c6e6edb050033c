import type { ErrorName } from "../protocol/errors.js";
import type { MetadataRecord, PartitionState } from "../metadata/records.js";

/** One entry of the metadata log: the record and the Raft epoch it was appended in. */
export interface RaftEntry {
  epoch: number;
  record: MetadataRecord;
}

// ---- KRaft (KIP-595) between controllers, and brokers as observers ----

export interface VoteRequest {
  type: "Vote";
  epoch: number;
  candidate: string;
  lastEpoch: number;
  lastOffset: number;
}

export interface VoteResponse {
  type: "VoteResponse";
  epoch: number;
  granted: boolean;
}

export interface BeginQuorumEpoch {
  type: "BeginQuorumEpoch";
  epoch: number;
  leader: string;
}

export interface RaftFetch {
  type: "RaftFetch";
  correlationId: number;
  epoch: number;
  replica: string;
  /** Observers (brokers) are served committed entries only and never vote. */
  observer: boolean;
  fetchOffset: number;
  lastFetchedEpoch: number;
}

export interface RaftFetchResponse {
  type: "RaftFetchResponse";
  correlationId: number;
  epoch: number;
  leader: string | null;
  error: "NONE" | "NOT_LEADER_OR_FOLLOWER" | "FENCED_LEADER_EPOCH";
  baseOffset: number;
  entries: RaftEntry[];
  highWatermark: number;
  /** Set when the fetcher's log diverges: truncate to `endOffset` of `epoch` and fetch again. */
  divergingEpoch?: { epoch: number; endOffset: number };
}

// ---- Broker ↔ active controller ----

export interface BrokerRegistrationRequest {
  type: "BrokerRegistration";
  correlationId: number;
  broker: string;
  incarnation: number;
}

export interface BrokerRegistrationResponse {
  type: "BrokerRegistrationResponse";
  correlationId: number;
  error: ErrorName;
  brokerEpoch: number;
  leaderHint: string | null;
}

export interface BrokerHeartbeatRequest {
  type: "BrokerHeartbeat";
  correlationId: number;
  broker: string;
  brokerEpoch: number;
  /** How far the broker has replayed the metadata log. */
  metadataOffset: number;
  wantShutDown: boolean;
}

export interface BrokerHeartbeatResponse {
  type: "BrokerHeartbeatResponse";
  correlationId: number;
  error: ErrorName;
  isFenced: boolean;
  leaderHint: string | null;
}

export interface AlterPartitionRequest {
  type: "AlterPartition";
  correlationId: number;
  broker: string;
  brokerEpoch: number;
  topic: string;
  partition: number;
  leaderEpoch: number;
  partitionEpoch: number;
  newIsr: string[];
}

export interface AlterPartitionResponse {
  type: "AlterPartitionResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName | "INELIGIBLE_REPLICA";
  state: PartitionState | null;
  leaderHint: string | null;
}

export type ControllerRequest = BrokerRegistrationRequest | BrokerHeartbeatRequest | AlterPartitionRequest;
