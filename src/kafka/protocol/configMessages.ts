import type { ConfigValue } from "../config/configDef.js";
import type { ErrorName } from "./errors.js";

/**
 * One config change of an IncrementalAlterConfigs request (Kafka `IncrementalAlterConfigsRequest.json`,
 * `AlterableConfig`): SET the key to `value`, or DELETE the override when `value` is null (the topic falls back to
 * the broker's default). Kafka's APPEND and SUBTRACT (list configs) are not modelled: no alterable key is a list.
 */
export interface AlterableConfig {
  name: string;
  value: ConfigValue;
}

/**
 * IncrementalAlterConfigs for one resource (Kafka's Admin `incrementalAlterConfigs`): a topic (resource type TOPIC,
 * named by `topic`), or, when `broker` is given, a broker (resource type BROKER: `broker` is one broker's name, or
 * "" for the cluster default; `topic` is then ""). A client sends a topic's or the cluster default's to any broker
 * and one broker's to that broker; the broker checks a BROKER resource (ConfigAdminManager.preprocess) and forwards
 * it to the active controller (KRaft: `ForwardingManager`; the model forwards the request as it is, without
 * Kafka's Envelope).
 */
export interface IncrementalAlterConfigsRequest {
  type: "IncrementalAlterConfigs";
  correlationId: number;
  topic: string;
  broker?: string;
  configs: AlterableConfig[];
}

export interface IncrementalAlterConfigsResponse {
  type: "IncrementalAlterConfigsResponse";
  correlationId: number;
  topic: string;
  /**
   * NONE, NOT_CONTROLLER (with a hint, between controller and broker), UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG,
   * INVALID_REQUEST (a broker config that is not dynamic, or another broker's resource).
   */
  error: ErrorName;
  errorMessage: string | null;
  leaderHint: string | null;
}

/**
 * AlterPartitionReassignments for one partition (Kafka Admin `alterPartitionReassignments`,
 * `AlterPartitionReassignmentsRequest.json`): `replicas` is the target replica list (brokers by name, the first the
 * preferred leader). Sent to any broker, which forwards it to the active controller (KIP-590).
 */
export interface AlterPartitionReassignmentsRequest {
  type: "AlterPartitionReassignments";
  correlationId: number;
  topic: string;
  partition: number;
  replicas: string[];
}

export interface AlterPartitionReassignmentsResponse {
  type: "AlterPartitionReassignmentsResponse";
  correlationId: number;
  /**
   * NONE (the reassignment is recorded; it completes later), NOT_CONTROLLER (between controller and broker),
   * UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT.
   */
  error: ErrorName;
  errorMessage: string | null;
  leaderHint: string | null;
}

/**
 * CreatePartitions for one topic (Kafka Admin `createPartitions`, `CreatePartitionsRequest.json` without manual
 * assignments): grow `topic` to `count` partitions, the new ones placed by the controller. Sent to any broker, which
 * forwards it to the active controller (KIP-590).
 */
export interface CreatePartitionsRequest {
  type: "CreatePartitions";
  correlationId: number;
  topic: string;
  count: number;
}

export interface CreatePartitionsResponse {
  type: "CreatePartitionsResponse";
  correlationId: number;
  /**
   * NONE (the new partitions are recorded), NOT_CONTROLLER (between controller and broker),
   * UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS (count not above the current one), INVALID_REPLICATION_FACTOR.
   */
  error: ErrorName;
  errorMessage: string | null;
  leaderHint: string | null;
}
