import type { LeaderRecoveryState, PartitionState } from "../metadata/records.js";
import type { ErrorName } from "./errors.js";

/**
 * A broker's requests to the active controller (Kafka `BrokerRegistrationRequest.json`,
 * `BrokerHeartbeatRequest.json`, `AlterPartitionRequest.json`): fields the model reads.
 */

export interface BrokerRegistrationRequest {
  type: "BrokerRegistration";
  correlationId: number;
  broker: string;
  incarnation: number;
  /** KIP-966: the broker epoch it had when it last shut down cleanly, -1 after an unclean shutdown (or none). */
  previousBrokerEpoch: number;
  /** KIP-858: the directory.id of each of the broker's online log directories (from their meta.properties). */
  logDirs: string[];
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
  /** The controller lets a broker in controlled shutdown stop: it leads nothing any more (BrokerHeartbeatManager). */
  shouldShutDown: boolean;
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
  /** KIP-704 (AlterPartitionRequest v1+): the leader's recovery state, RECOVERED once it has recovered. */
  leaderRecoveryState: LeaderRecoveryState;
}

export interface AlterPartitionResponse {
  type: "AlterPartitionResponse";
  correlationId: number;
  topic: string;
  partition: number;
  error: ErrorName | "INELIGIBLE_REPLICA" | "NEW_LEADER_ELECTED";
  state: PartitionState | null;
  leaderHint: string | null;
}
