import type { LogConfig } from "../config/brokerConfig.js";
import type { ConfigValue } from "../config/configDef.js";

/**
 * Kafka `org.apache.kafka.metadata.LeaderRecoveryState` (KIP-704): RECOVERING from the unclean election that made
 * the current leader (PartitionChangeBuilder.tryElection) until the leader's AlterPartition says RECOVERED;
 * RECOVERED otherwise.
 */
export type LeaderRecoveryState = "RECOVERED" | "RECOVERING";

/** A partition's replication state as the controller records it (Kafka `PartitionRecord` + `PartitionChangeRecord`). */
export interface PartitionState {
  topic: string;
  partition: number;
  replicas: string[];
  isr: string[];
  /** null is Kafka's leader -1: no leader (offline). */
  leader: string | null;
  leaderEpoch: number;
  partitionEpoch: number;
  /** KIP-966 eligible leader replicas: left the ISR while it was below min.insync.replicas (absent: none). */
  elr?: string[];
  /** KIP-966 last known ELR: former ELR members (e.g. shut down uncleanly), kept for the operator (absent: none). */
  lastKnownElr?: string[];
  /** A reassignment in progress (PartitionRecord's addingReplicas): target replicas not in the original set. */
  addingReplicas?: string[];
  /** A reassignment in progress (removingReplicas): original replicas not in the target set. */
  removingReplicas?: string[];
  /**
   * KIP-704 (PartitionRecord's LeaderRecoveryState): present only as RECOVERING, after an unclean election and until
   * the leader's AlterPartition carries RECOVERED; absent is RECOVERED (Kafka's default 0).
   */
  leaderRecoveryState?: "RECOVERING";
}

/** The partition's leader recovery state: absent is RECOVERED. */
export function leaderRecoveryStateOf(p: PartitionState): LeaderRecoveryState {
  return p.leaderRecoveryState ?? "RECOVERED";
}

/**
 * Records of the `__cluster_metadata` log. Simplification: a partition change is written as the full new
 * `PartitionState` rather than Kafka's delta `PartitionChangeRecord`; the content is the same.
 */
export type MetadataRecord =
  /** Raft control record the new leader writes to commit entries of earlier epochs (KIP-595). */
  | { type: "LeaderChange"; leader: string; epoch: number }
  /** logDirs: the broker's online log directories' directory.ids (KIP-858, RegisterBrokerRecord.LogDirs). */
  | { type: "RegisterBroker"; broker: string; brokerEpoch: number; incarnation: number; logDirs: string[] }
  | { type: "FenceBroker"; broker: string }
  | { type: "UnfenceBroker"; broker: string }
  /**
   * KIP-841: the broker asked to shut down and the active controller moved its leaderships and ISR places away
   * (Kafka `BrokerRegistrationChangeRecord` with InControlledShutdown = IN_CONTROLLED_SHUTDOWN, written by
   * `ReplicationControlManager.handleBrokerInControlledShutdown` ahead of the partition changes of the same heartbeat).
   * Kafka's field has no "out of controlled shutdown" value: the flag lasts as long as the registration (fencing keeps
   * it; the broker's next RegisterBrokerRecord starts a registration without it). Applies only to the registration of
   * `brokerEpoch` (ClusterControlManager.replayRegistrationChange checks the epoch).
   */
  | { type: "BrokerRegistrationChange"; broker: string; brokerEpoch: number; inControlledShutdown: true }
  /** A topic and the configs it overrides (Kafka `TopicRecord` + its `ConfigRecord`s). */
  | { type: "Topic"; name: string; partitions: number; config: Partial<LogConfig> }
  | { type: "Partition"; state: PartitionState }
  /** A topic config set (or, with value null, its override removed) at run time (Kafka `ConfigRecord`, resource type TOPIC). */
  | { type: "Config"; topic: string; name: string; value: ConfigValue }
  /**
   * A dynamic broker config set (or, with value null, removed) at run time (Kafka `ConfigRecord`, resource type
   * BROKER): `broker` names one broker (a per-broker config) or is "" (the cluster default, Kafka's empty resource name).
   */
  | { type: "BrokerConfig"; broker: string; name: string; value: ConfigValue };

export function describeRecord(r: MetadataRecord): Record<string, unknown> {
  if (r.type === "Partition") {
    const s = r.state;
    const elr = s.elr?.length || s.lastKnownElr?.length ? { elr: s.elr ?? [], lastKnownElr: s.lastKnownElr ?? [] } : {};
    const moving = s.addingReplicas || s.removingReplicas ? { replicas: s.replicas, addingReplicas: s.addingReplicas ?? [], removingReplicas: s.removingReplicas ?? [] } : {};
    const recovering = s.leaderRecoveryState ? { leaderRecoveryState: s.leaderRecoveryState } : {};
    return { record: r.type, tp: `${s.topic}-${s.partition}`, leader: s.leader, leaderEpoch: s.leaderEpoch, isr: s.isr, partitionEpoch: s.partitionEpoch, ...elr, ...moving, ...recovering };
  }
  if (r.type === "BrokerConfig") return { record: r.type, broker: r.broker, name: r.name, value: r.value === null ? null : String(r.value) };
  if (r.type === "Config") return { record: r.type, topic: r.topic, name: r.name, value: r.value === null ? null : String(r.value) };
  if (r.type === "RegisterBroker") {
    // The directory ids stay out of the record's trace (they would change every run's digest without changing what
    // happens); controller.log-dirs-changed names them when a broker comes back with a different set (KIP-858).
    const { logDirs: _logDirs, ...rest } = r;
    return { record: r.type, ...rest };
  }
  return { record: r.type, ...(r as Record<string, unknown>) };
}
