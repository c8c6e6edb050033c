import type { ActorContext } from "../../sim/index.js";
import type { LogConfig } from "../config/brokerConfig.js";
import type { MetadataImage } from "../metadata/metadataImage.js";
import type { SnapshotPolicy } from "../metadata/metadataSnapshot.js";
import type { MetadataRecord } from "../metadata/records.js";
import type { RaftConfig, RaftNode } from "./raft.js";

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** The configs the topic overrides. */
  config: Partial<LogConfig>;
}

export interface ControllerConfig {
  raft: RaftConfig;
  brokers: string[];
  topics: TopicSpec[];
  brokerSessionTimeoutMs: number;
  /** Cluster default for unclean.leader.election.enable (a topic may override it). */
  uncleanLeaderElectionEnable: boolean;
  /** unclean.leader.election.interval.ms: how long a leaderless partition waits for the periodic unclean election. */
  uncleanLeaderElectionCheckIntervalMs: number;
  /**
   * leader.imbalance.check.interval.seconds in ms, or null when auto.leader.rebalance.enable is false (Kafka's
   * `QuorumController.leaderImbalanceCheckIntervalNs`, an OptionalLong empty then).
   */
  leaderImbalanceCheckIntervalMs: number | null;
  /** socket.connection.setup.timeout.ms / .max.ms of the KRaft client's connections. */
  connectionSetupTimeoutMs: number;
  connectionSetupTimeoutMaxMs: number;
  /** Cluster default for min.insync.replicas (a topic may override it), for KIP-966 ELR. */
  minInsyncReplicas: number;
  /** KIP-966 ELR: the eligible.leader.replicas.version feature at 1 (Kafka 4.0's default is 0). */
  eligibleLeaderReplicasEnabled: boolean;
  /** metadata.log.max.record.bytes.between.snapshots / metadata.log.max.snapshot.interval.ms. */
  snapshots: SnapshotPolicy;
}

/**
 * What the controller's managers share (Kafka's `QuorumController` hands its managers the snapshot registry, the
 * log context and the record writer): the actor, the settings, the Raft node, the current image (rebuilt after a
 * truncation, so read it through `image()`), `propose` (append a record, returns its offset) and `afterCommit`
 * (run `send` once the record at `offset` is committed).
 */
export interface ControllerContext {
  readonly ctx: ActorContext;
  readonly cfg: ControllerConfig;
  readonly raft: RaftNode;
  image(): MetadataImage;
  propose(record: MetadataRecord): number;
  afterCommit(offset: number, send: () => void): void;
}
