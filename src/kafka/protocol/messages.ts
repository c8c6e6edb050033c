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

/** One partition's data in a ProduceRequest (`ProduceRequest.json` TopicProduceData/PartitionProduceData). */
export interface ProducePartitionData {
  topic: string;
  partition: number;
  /** The leader epoch the client believes current, -1 if unknown (the Java producer sends none: always -1). */
  currentLeaderEpoch: number;
  batch: RecordBatch;
}

/**
 * Produce (Kafka `ProduceRequest.json`): one request per leader carries one batch for each of the partitions the
 * sender drained for it (RecordAccumulator.drain: at most one batch per partition per request).
 */
export interface ProduceRequest {
  type: "Produce";
  correlationId: number;
  acks: -1 | 0 | 1;
  timeoutMs: number;
  /** Set by transactional producers (the leader verifies with this id's coordinator: KIP-890 part 1). */
  transactionalId?: string;
  partitions: ProducePartitionData[];
}

/** One partition's outcome in a ProduceResponse (`PartitionProduceResponse`): its error, or the base offset. */
export interface ProducePartitionResponse {
  topic: string;
  partition: number;
  error: ErrorName;
  /** The offset of the batch's first record, -1 on an error. */
  baseOffset: number;
  /**
   * With NOT_LEADER_OR_FOLLOWER: the partition's leader and leader epoch as the answering broker knows them (KIP-951,
   * ProduceResponse v10 CurrentLeader; leader null and epoch -1 when it knows none).
   */
  currentLeader?: { leader: string | null; leaderEpoch: number };
}

/** The answer to a ProduceRequest: one entry per partition it carried, in the request's order. */
export interface ProduceResponse {
  type: "ProduceResponse";
  correlationId: number;
  responses: ProducePartitionResponse[];
}

/**
 * InitProducerId (Kafka `InitProducerIdRequest.json`). With a transactional id it goes to that id's transaction
 * coordinator, which bumps the epoch and so fences any older instance (KIP-98), or recovers a producer that gives its
 * current id and epoch (KIP-360/KIP-588). Without one (an idempotent producer) any broker hands out a new producer id
 * at epoch 0 (TransactionCoordinator.handleInitProducerId's first case).
 */
export interface InitProducerIdRequest {
  type: "InitProducerId";
  correlationId: number;
  transactionalId: string | null;
  /** The idempotent producer sends Integer.MAX_VALUE (TransactionManager.bumpIdempotentEpochAndResetIdIfNeeded). */
  transactionTimeoutMs: number;
  /** KIP-360: the id and epoch the producer has, or -1 / -1. */
  producerId: number;
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  type: "InitProducerIdResponse";
  correlationId: number;
  error: ErrorName;
  producerId: number;
  producerEpoch: number;
}

// ---- Broker ↔ broker (replication) ----

/** One partition of a Fetch (Kafka `FetchRequestData.FetchPartition`): where to read from, at which leader epoch. */
export interface FetchPartition {
  topic: string;
  partition: number;
  /** KIP-320: the leader epoch the fetcher believes current (-1: none given). */
  currentLeaderEpoch: number;
  fetchOffset: number;
  /**
   * partition_max_bytes: the most bytes of records this partition may return (max.partition.fetch.bytes,
   * replica.fetch.max.bytes), except that the first batch of the first partition with data comes whole (KIP-74).
   */
  partitionMaxBytes: number;
}

/**
 * The limits of a Fetch (Kafka `FetchRequestData` min_bytes / max_bytes) and the order the leader reads its
 * partitions in. `readOrder` stands for the fetch session's partition order (KIP-227, `FetchSession.partitionMap`,
 * where a partition that returned records moves to the end): the model keeps no sessions at the broker, so the
 * fetcher keeps that order (`FetchSessionOrder`) and sends it; absent, the request's order.
 */
export interface FetchLimits {
  /** min_bytes (fetch.min.bytes, replica.fetch.min.bytes): answer at once only with at least this many bytes of records. */
  minBytes: number;
  /** max_bytes (fetch.max.bytes, replica.fetch.response.max.bytes): bytes of records the response may carry in all. */
  maxBytes: number;
  /** Indices into `partitions`, in the order the leader reads them. */
  readOrder?: number[];
}

/**
 * A follower's Fetch (Kafka's Fetch API with the follower's replica id): one request for every partition the
 * follower's fetcher follows from this leader (ReplicaFetcherThread.buildFetch).
 */
export interface FetchRequest extends FetchLimits {
  type: "Fetch";
  correlationId: number;
  /** The follower broker (Kafka: its broker id; a consumer's Fetch has -1). */
  replicaId: string;
  /** replica.fetch.wait.max.ms: how long the leader may hold the request when no partition has data. */
  maxWaitMs: number;
  partitions: FetchPartition[];
}

/** One partition's part of the answer to a follower's Fetch: record batches as they are in the leader's log, or an error. */
export interface FetchResponsePartition {
  topic: string;
  partition: number;
  error: ErrorName;
  highWatermark: number;
  logStartOffset: number;
  batches: RecordBatch[];
  /** Bytes of an incomplete batch after `batches` (see ConsumerFetchResponsePartition.partialBytes); absent: none. */
  partialBytes?: number;
}

/** The answer to a follower's Fetch: one entry per partition asked for, each with its own error (Kafka `FetchResponseData`). */
export interface FetchResponse {
  type: "FetchResponse";
  correlationId: number;
  partitions: FetchResponsePartition[];
}

/** OffsetsForLeaderEpoch: from a follower truncating (KIP-101/279), or from a consumer validating its position (KIP-320). */
export interface OffsetsForLeaderEpochRequest {
  type: "OffsetsForLeaderEpoch";
  correlationId: number;
  /** The follower broker, or -1 for a consumer (OffsetsForLeaderEpochRequest.CONSUMER_REPLICA_ID). */
  replicaId: string | -1;
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

/**
 * A consumer's Fetch (Kafka's Fetch API with replica id -1, FetchRequest.CONSUMER_REPLICA_ID): one request per
 * node for every assigned partition that node leads (AbstractFetch.prepareFetchRequests).
 */
export interface ConsumerFetchRequest extends FetchLimits {
  type: "Fetch";
  replicaId: -1;
  correlationId: number;
  /** fetch.max.wait.ms: how long the leader may hold the request when no partition has data. */
  maxWaitMs: number;
  isolationLevel: IsolationLevel;
  partitions: FetchPartition[];
}

/** A record as poll() hands it to the application (Kafka `ConsumerRecord`: offset, key, value). */
export interface FetchedRecord {
  offset: number;
  key: string | null;
  value: string;
}

/** An aborted transaction in a fetched range (Kafka `FetchResponseData.AbortedTransaction`). */
export interface AbortedTransaction {
  producerId: number;
  /** The offset of the transaction's first record in this partition. */
  firstOffset: number;
}

/**
 * One partition's part of the answer to a consumer's Fetch: whole record batches as they are in the leader's log,
 * from the batch holding the fetch offset up to the HW (or the LSO under read_committed), control batches
 * (transaction markers) included; the client skips markers, and under read_committed the batches of the aborted
 * transactions listed. Or an error for this partition alone.
 */
export interface ConsumerFetchResponsePartition {
  topic: string;
  partition: number;
  error: ErrorName;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  batches: RecordBatch[];
  /**
   * Bytes of an incomplete batch after `batches`: LogSegment.read slices the log at the byte limit, so the response
   * carries the head of the next batch (counted on the wire and against max_bytes), which the receiver drops.
   * Absent: none.
   */
  partialBytes?: number;
  /** read_committed: the aborted transactions that overlap the batches (UnifiedLog.collectAbortedTransactions); null otherwise. */
  abortedTransactions: AbortedTransaction[] | null;
}

/** The answer to a consumer's Fetch: one entry per partition asked for, in the request's order. */
export interface ConsumerFetchResponse {
  type: "FetchResponse";
  correlationId: number;
  partitions: ConsumerFetchResponsePartition[];
}

/**
 * DeleteRecords (Kafka's Admin `deleteRecords`), for one partition, sent to its leader: move the log start to
 * `offset` (-1: the high watermark). The answer carries the partition's new low watermark (its log start).
 */
export interface DeleteRecordsRequest {
  type: "DeleteRecords";
  correlationId: number;
  topic: string;
  partition: number;
  offset: number;
  timeoutMs: number;
}

export interface DeleteRecordsResponse {
  type: "DeleteRecordsResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName;
  lowWatermark: number;
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
