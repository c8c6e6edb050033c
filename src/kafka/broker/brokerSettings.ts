import type { ConfigValue } from "../config/configDef.js";

/** Broker-wide settings, typed, from the resolved broker config (kafka-facts §3.3). */
export interface BrokerSettings {
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  replicaLagTimeMaxMs: number;
  replicaFetchWaitMaxMs: number;
  replicaFetchBackoffMs: number;
  replicaSocketTimeoutMs: number;
  brokerHeartbeatIntervalMs: number;
  brokerSessionTimeoutMs: number;
  highWatermarkCheckpointIntervalMs: number;
  flushMessages: number;
  flushMs: number | null;
  /** Simulator option, not a Kafka config: followers truncate to their HW on becoming follower (pre-KIP-101). */
  legacyHighWatermarkTruncation: boolean;
}

export function brokerSettings(c: Map<string, ConfigValue>, legacyHighWatermarkTruncation: boolean): BrokerSettings {
  return {
    minInsyncReplicas: c.get("min.insync.replicas") as number,
    uncleanLeaderElectionEnable: c.get("unclean.leader.election.enable") as boolean,
    replicaLagTimeMaxMs: c.get("replica.lag.time.max.ms") as number,
    replicaFetchWaitMaxMs: c.get("replica.fetch.wait.max.ms") as number,
    replicaFetchBackoffMs: c.get("replica.fetch.backoff.ms") as number,
    replicaSocketTimeoutMs: c.get("replica.socket.timeout.ms") as number,
    brokerHeartbeatIntervalMs: c.get("broker.heartbeat.interval.ms") as number,
    brokerSessionTimeoutMs: c.get("broker.session.timeout.ms") as number,
    highWatermarkCheckpointIntervalMs: c.get("replica.high.watermark.checkpoint.interval.ms") as number,
    flushMessages: c.get("log.flush.interval.messages") as number,
    flushMs: c.get("log.flush.interval.ms") as number | null,
    legacyHighWatermarkTruncation,
  };
}
