import type { ErrorName } from "./errors.js";

/** FindCoordinator (key type transaction): which broker coordinates a transactional id. */
export interface FindCoordinatorRequest {
  type: "FindCoordinator";
  correlationId: number;
  key: string;
  /** What the key names (FindCoordinatorRequest.CoordinatorType): a transactional id (default) or a group. */
  keyType?: "transaction" | "group";
}

export interface FindCoordinatorResponse {
  type: "FindCoordinatorResponse";
  correlationId: number;
  error: ErrorName;
  coordinator: string | null;
}

export interface AddPartitionsToTxnRequest {
  type: "AddPartitionsToTxn";
  correlationId: number;
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  partitions: string[];
  /** KIP-890 part 1: a partition leader asks whether the partitions are in the ongoing transaction. */
  verifyOnly: boolean;
}

export interface AddPartitionsToTxnResponse {
  type: "AddPartitionsToTxnResponse";
  correlationId: number;
  error: ErrorName;
}

export interface EndTxnRequest {
  type: "EndTxn";
  correlationId: number;
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  commit: boolean;
}

export interface EndTxnResponse {
  type: "EndTxnResponse";
  correlationId: number;
  error: ErrorName;
  /** With transaction version 2 the epoch was bumped: the producer continues with this one. */
  producerId: number;
  producerEpoch: number;
}

/** Coordinator → partition leader: write a commit or abort marker. */
export interface WriteTxnMarkersRequest {
  type: "WriteTxnMarkers";
  correlationId: number;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
  topic: string;
  partition: number;
}

export interface WriteTxnMarkersResponse {
  type: "WriteTxnMarkersResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName;
}

/** AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction. */
export interface AddOffsetsToTxnRequest {
  type: "AddOffsetsToTxn";
  correlationId: number;
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}

export interface AddOffsetsToTxnResponse {
  type: "AddOffsetsToTxnResponse";
  correlationId: number;
  error: ErrorName;
}

/** A committed offset (Kafka `OffsetAndMetadata` as OffsetCommit / OffsetFetch carry it). */
export interface OffsetEntry {
  topic: string;
  partition: number;
  offset: number;
  /** committedLeaderEpoch (KIP-320): the leader epoch of the record before `offset`; absent when unknown. */
  leaderEpoch?: number;
}

/** TxnOffsetCommit to the group coordinator: offsets that become committed with the transaction (KIP-447 metadata). */
export interface TxnOffsetCommitRequest {
  type: "TxnOffsetCommit";
  correlationId: number;
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  generationId: number;
  memberId: string;
  /** KIP-447: the static member's group.instance.id, fenced like an OffsetCommit's (null for dynamic members). */
  groupInstanceId?: string | null;
  offsets: OffsetEntry[];
}

export interface TxnOffsetCommitResponse {
  type: "TxnOffsetCommitResponse";
  correlationId: number;
  error: ErrorName;
}

export interface OffsetFetchRequest {
  type: "OffsetFetch";
  correlationId: number;
  groupId: string;
  /** KIP-447: wait for pending transactional offsets (UNSTABLE_OFFSET_COMMIT while there are any). */
  requireStable: boolean;
}

export interface OffsetFetchResponse {
  type: "OffsetFetchResponse";
  correlationId: number;
  error: ErrorName;
  offsets: OffsetEntry[];
}
