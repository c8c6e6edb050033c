import type { RecordBatch } from "../log/recordBatch.js";
import type { ErrorName } from "../protocol/errors.js";

/** This broker's replica of a coordinator's partition, as the coordinator reads it. */
export interface CoordinatorReplica {
  /** Only the leader's replica is the coordinator's (Kafka: the coordinator of a partition is its leader). */
  readonly role: "leader" | "follower" | "none";
  /** The leader epoch: a transaction coordinator's coordinator epoch. */
  readonly leaderEpoch: number;
  readonly highWatermark: number;
  /** What a new coordinator replays (Kafka `CoordinatorLoader`). */
  readonly log: { readonly batches: readonly RecordBatch[] };
}

/**
 * How the group and transaction coordinators read and write their partitions of `__consumer_offsets` and
 * `__transaction_state` (Kafka coordinator-common `PartitionWriter`, with `CoordinatorLoader`'s read of the log):
 * the broker's ReplicaManager implements it, so the coordinators depend on this and not on the broker.
 */
export interface PartitionWriter {
  /** This broker's replica of the partition, if it hosts one. */
  replica(topic: string, partition: number): CoordinatorReplica | undefined;
  /**
   * Appends a batch as the partition's leader with acks=all (AppendOrigin.COORDINATOR); `done` once the HW passed
   * it, or with why not (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT after `timeoutMs`, ...).
   * Only for a partition `replica` returns.
   */
  append(topic: string, partition: number, batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, timeoutMs: number, done: (error: ErrorName) => void): void;
}
