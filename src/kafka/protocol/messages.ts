import type { RecordBatch } from "../log/recordBatch.js";
import type { ErrorName } from "./errors.js";

/*
 * Protocol messages between clients and brokers, and between brokers (replication). Names follow Kafka's APIs
 * (`clients/src/main/resources/common/message/*.json`); fields keep only what the model needs. Requests carry a
 * `correlationId` the response echoes, as on a Kafka connection. `apis.ts` lists every API and who receives what.
 */

/** A topic-partition's key in maps and traces: `<topic>-<partition>`, as Kafka's TopicPartition.toString. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

// ---- Client ↔ broker ----

export interface MetadataRequest {
  type: "Metadata";
  correlationId: number;
}

export interface PartitionMetadata {
  topic: string;
  partition: number;
  /** Broker name of the leader, or null when leaderless. */
  leader: string | null;
  leaderEpoch: number;
  replicas: string[];
  isr: string[];
}

export interface MetadataResponse {
  type: "MetadataResponse";
  correlationId: number;
  partitions: PartitionMetadata[];
}

export interface ProduceRequest {
  type: "Produce";
  correlationId: number;
  acks: -1 | 0 | 1;
  timeoutMs: number;
  topic: string;
  partition: number;
  /** The leader epoch the client believes current (KIP-320 style fencing), -1 if unknown. */
  currentLeaderEpoch: number;
  /** Set by transactional producers (the leader verifies with this id's coordinator: KIP-890 part 1). */
  transactionalId?: string;
  batch: RecordBatch;
}

export interface ProduceResponse {
  type: "ProduceResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName;
  baseOffset: number;
}

export interface InitProducerIdRequest {
  type: "InitProducerId";
  correlationId: number;
}

export interface InitProducerIdResponse {
  type: "InitProducerIdResponse";
  correlationId: number;
  error: ErrorName;
  producerId: number;
  producerEpoch: number;
}

// ---- Broker ↔ broker (replication) ----

export interface FetchRequest {
  type: "Fetch";
  correlationId: number;
  replicaId: string;
  topic: string;
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  maxWaitMs: number;
}

export interface FetchResponse {
  type: "FetchResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName;
  highWatermark: number;
  logStartOffset: number;
  batches: RecordBatch[];
}

export interface OffsetsForLeaderEpochRequest {
  type: "OffsetsForLeaderEpoch";
  correlationId: number;
  replicaId: string;
  topic: string;
  partition: number;
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

export interface OffsetsForLeaderEpochResponse {
  type: "OffsetsForLeaderEpochResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName;
  /** The largest epoch ≤ the requested one that the leader has, and where it ends; -1/-1 if none. */
  leaderEpoch: number;
  endOffset: number;
}

// ---- Consumer ↔ broker ----

export type IsolationLevel = "read_uncommitted" | "read_committed";

/** A consumer's Fetch (Kafka's Fetch API with replica id -1), for one partition. */
export interface ConsumerFetchRequest {
  type: "ConsumerFetch";
  correlationId: number;
  topic: string;
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  maxWaitMs: number;
  isolationLevel: IsolationLevel;
}

export interface FetchedRecord {
  offset: number;
  key: string | null;
  value: string;
}

export interface ConsumerFetchResponse {
  type: "ConsumerFetchResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: FetchedRecord[];
}

/** ListOffsets for auto.offset.reset: -2 earliest, -1 latest (the HW, or the LSO under read_committed). */
export interface ListOffsetsRequest {
  type: "ListOffsets";
  correlationId: number;
  topic: string;
  partition: number;
  currentLeaderEpoch: number;
  timestamp: -1 | -2;
  isolationLevel: IsolationLevel;
}

export interface ListOffsetsResponse {
  type: "ListOffsetsResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName;
  offset: number;
}
