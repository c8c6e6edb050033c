import type { KafkaConfig } from "../config/brokerConfig.js";

/** Broker-wide settings, typed, from the resolved broker config (kafka-facts §3.3). */
export interface BrokerSettings {
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  replicaLagTimeMaxMs: number;
  replicaFetchWaitMaxMs: number;
  replicaFetchBackoffMs: number;
  replicaSocketTimeoutMs: number;
  /** request.timeout.ms: WriteTxnMarkers requests and their appends (TransactionMarkerChannelManager, KafkaApis). */
  requestTimeoutMs: number;
  /** socket.connection.setup.timeout.ms / .max.ms of the broker's own connections. */
  connectionSetupTimeoutMs: number;
  connectionSetupTimeoutMaxMs: number;
  brokerHeartbeatIntervalMs: number;
  brokerSessionTimeoutMs: number;
  highWatermarkCheckpointIntervalMs: number;
  flushMessages: number;
  flushMs: number | null;
  /** Simulator option, not a Kafka config: followers truncate to their HW on becoming follower (pre-KIP-101). */
  legacyHighWatermarkTruncation: boolean;
}

/** The broker's settings from its resolved config, and the simulator's legacy truncation switch. */
export function brokerSettings(c: KafkaConfig, legacyHighWatermarkTruncation: boolean): BrokerSettings {
  return {
    minInsyncReplicas: c["min.insync.replicas"],
    uncleanLeaderElectionEnable: c["unclean.leader.election.enable"],
    replicaLagTimeMaxMs: c["replica.lag.time.max.ms"],
    replicaFetchWaitMaxMs: c["replica.fetch.wait.max.ms"],
    replicaFetchBackoffMs: c["replica.fetch.backoff.ms"],
    replicaSocketTimeoutMs: c["replica.socket.timeout.ms"],
    requestTimeoutMs: c["request.timeout.ms"],
    connectionSetupTimeoutMs: c["socket.connection.setup.timeout.ms"],
    connectionSetupTimeoutMaxMs: c["socket.connection.setup.timeout.max.ms"],
    brokerHeartbeatIntervalMs: c["broker.heartbeat.interval.ms"],
    brokerSessionTimeoutMs: c["broker.session.timeout.ms"],
    highWatermarkCheckpointIntervalMs: c["replica.high.watermark.checkpoint.interval.ms"],
    flushMessages: c["log.flush.interval.messages"],
    flushMs: c["log.flush.interval.ms"],
    legacyHighWatermarkTruncation,
  };
}
