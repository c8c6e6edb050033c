import type { BrokerCompressionType } from "../log/compression.js";
import type { KafkaConfig } from "../config/brokerConfig.js";
import type { CompactionConfig } from "../log/logCleaner.js";
import { magicOfMessageFormatVersion, type RecordMagic } from "../log/recordSize.js";
import type { ConfigValue } from "../config/configDef.js";

/** Broker-wide settings, typed, from the resolved broker config (kafka-facts §3.3). */
export interface BrokerSettings {
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  replicaLagTimeMaxMs: number;
  replicaFetchWaitMaxMs: number;
  replicaFetchBackoffMs: number;
  /** replica.fetch.min.bytes: bytes of records the leader waits for before it answers a follower's Fetch. */
  replicaFetchMinBytes: number;
  /** replica.fetch.max.bytes: bytes of records a partition may carry in a follower's Fetch response. */
  replicaFetchMaxBytes: number;
  /** replica.fetch.response.max.bytes: bytes of records a follower's Fetch response may carry in all. */
  replicaFetchResponseMaxBytes: number;
  /** fetch.max.bytes (broker): the cap on any Fetch response's bytes of records (KafkaApis.handleFetchRequest). */
  fetchMaxBytes: number;
  /** num.replica.fetchers: fetcher threads (one Fetch in flight each) per source broker. */
  numReplicaFetchers: number;
  replicaSocketTimeoutMs: number;
  /** request.timeout.ms: WriteTxnMarkers requests and their appends (TransactionMarkerChannelManager, KafkaApis). */
  requestTimeoutMs: number;
  /** socket.connection.setup.timeout.ms / .max.ms of the broker's own connections. */
  connectionSetupTimeoutMs: number;
  connectionSetupTimeoutMaxMs: number;
  brokerHeartbeatIntervalMs: number;
  brokerSessionTimeoutMs: number;
  /** initial.broker.registration.timeout.ms: a broker not registered this long after its start exits (BrokerLifecycleManager). */
  initialBrokerRegistrationTimeoutMs: number;
  highWatermarkCheckpointIntervalMs: number;
  flushMessages: number;
  flushMs: number | null;
  /** The topic defaults of segments and retention (topic `segment.bytes` etc. override them). */
  log: LogDefaults;
  /** log.retention.check.interval.ms, and log.initial.task.delay.ms before the first check. */
  retentionCheckIntervalMs: number;
  logInitialTaskDelayMs: number;
  /** log.cleaner.enable and log.cleaner.backoff.ms: the log cleaner thread (LogCleaner, CleanerConfig). */
  logCleanerEnable: boolean;
  logCleanerBackoffMs: number;
  /** producer.id.expiration.ms and producer.id.expiration.check.interval.ms. */
  producerIdExpirationMs: number;
  producerIdExpirationCheckIntervalMs: number;
  /** Simulator option, not a Kafka config: followers truncate to their HW on becoming follower (pre-KIP-101). */
  legacyHighWatermarkTruncation: boolean;
  /** The static config these settings came from (the server.properties under the dynamic configs). */
  staticConfig: KafkaConfig;
}

/** A log's segment, retention and cleanup settings (Kafka `LogConfig`): bytes, ms; -1 is "no limit". */
export interface LogDefaults extends CompactionConfig {
  /** compression.type (broker default: compression.type, `producer`): the codec batches are stored with. */
  compressionType: BrokerCompressionType;
  /** max.message.bytes (broker: message.max.bytes): the largest batch a leader appends, bytes. */
  maxMessageBytes: number;
  segmentBytes: number;
  segmentMs: number;
  retentionMs: number;
  retentionBytes: number;
  /** The record format batches are written in (topic message.format.version, broker log.message.format.version): 0, 1 or 2. */
  recordMagic: RecordMagic;
}

const HOUR_MS = 3_600_000;

/** `LogConfig.compact` / `LogConfig.delete` from a topic's cleanup.policy, else the broker's log.cleanup.policy. */
export function compactionConfig(policy: readonly string[] | undefined, defaults: LogDefaults): { compact: boolean; delete: boolean } {
  if (policy === undefined) return { compact: defaults.compact, delete: defaults.delete };
  return { compact: policy.includes("compact"), delete: policy.includes("delete") };
}

/**
 * The broker's topic defaults for segments and retention, with KafkaConfig's precedence (`logRetentionTimeMillis`:
 * log.retention.ms, else log.retention.minutes, else log.retention.hours; `logRollTimeMillis`: log.roll.ms, else
 * log.roll.hours). A negative retention means "never".
 */
export function logDefaults(c: KafkaConfig): LogDefaults {
  const retentionMs = c["log.retention.ms"] ?? (c["log.retention.minutes"] !== null ? c["log.retention.minutes"] * 60_000 : c["log.retention.hours"] * HOUR_MS);
  return {
    compressionType: c["compression.type"],
    maxMessageBytes: c["message.max.bytes"],
    segmentBytes: c["log.segment.bytes"],
    segmentMs: c["log.roll.ms"] ?? c["log.roll.hours"] * HOUR_MS,
    retentionMs: retentionMs < 0 ? -1 : retentionMs,
    retentionBytes: c["log.retention.bytes"],
    recordMagic: magicOfMessageFormatVersion(c["log.message.format.version"]),
    compact: c["log.cleanup.policy"].includes("compact"),
    delete: c["log.cleanup.policy"].includes("delete"),
    deleteRetentionMs: c["log.cleaner.delete.retention.ms"],
    minCleanableDirtyRatio: c["log.cleaner.min.cleanable.ratio"],
    minCompactionLagMs: c["log.cleaner.min.compaction.lag.ms"],
    maxCompactionLagMs: c["log.cleaner.max.compaction.lag.ms"],
  };
}

/** The broker's settings from its resolved config, and the simulator's legacy truncation switch. */
export function brokerSettings(c: KafkaConfig, legacyHighWatermarkTruncation: boolean): BrokerSettings {
  return {
    minInsyncReplicas: c["min.insync.replicas"],
    uncleanLeaderElectionEnable: c["unclean.leader.election.enable"],
    replicaLagTimeMaxMs: c["replica.lag.time.max.ms"],
    replicaFetchWaitMaxMs: c["replica.fetch.wait.max.ms"],
    replicaFetchBackoffMs: c["replica.fetch.backoff.ms"],
    replicaFetchMinBytes: c["replica.fetch.min.bytes"],
    replicaFetchMaxBytes: c["replica.fetch.max.bytes"],
    replicaFetchResponseMaxBytes: c["replica.fetch.response.max.bytes"],
    fetchMaxBytes: c["fetch.max.bytes"],
    numReplicaFetchers: c["num.replica.fetchers"],
    replicaSocketTimeoutMs: c["replica.socket.timeout.ms"],
    requestTimeoutMs: c["request.timeout.ms"],
    connectionSetupTimeoutMs: c["socket.connection.setup.timeout.ms"],
    connectionSetupTimeoutMaxMs: c["socket.connection.setup.timeout.max.ms"],
    brokerHeartbeatIntervalMs: c["broker.heartbeat.interval.ms"],
    brokerSessionTimeoutMs: c["broker.session.timeout.ms"],
    initialBrokerRegistrationTimeoutMs: c["initial.broker.registration.timeout.ms"],
    highWatermarkCheckpointIntervalMs: c["replica.high.watermark.checkpoint.interval.ms"],
    flushMessages: c["log.flush.interval.messages"],
    flushMs: c["log.flush.interval.ms"],
    log: logDefaults(c),
    retentionCheckIntervalMs: c["log.retention.check.interval.ms"],
    logInitialTaskDelayMs: c["log.initial.task.delay.ms"],
    logCleanerEnable: c["log.cleaner.enable"],
    logCleanerBackoffMs: c["log.cleaner.backoff.ms"],
    producerIdExpirationMs: c["producer.id.expiration.ms"],
    producerIdExpirationCheckIntervalMs: c["producer.id.expiration.check.interval.ms"],
    legacyHighWatermarkTruncation,
    staticConfig: c,
  };
}

/**
 * Applies the dynamic broker configs (`dyn`: per-broker over cluster default, from the metadata image) to a
 * broker's own settings, in place (Kafka `DynamicBrokerConfig.updateCurrentConfig`: a new KafkaConfig from the
 * static props with the dynamic ones over them, then `DynamicLogConfig.reconfigure` for the log defaults). Only the
 * dynamic keys of DYNAMIC_BROKER_CONFIGS reach here (brokers refuse the rest). The synonyms keep KafkaConfig's
 * precedence: a static log.retention.ms still wins over a dynamic log.retention.hours, as in Kafka.
 */
export function applyDynamicBrokerConfigs(s: BrokerSettings, dyn: Record<string, ConfigValue>): void {
  const fresh = brokerSettings({ ...s.staticConfig, ...dyn } as KafkaConfig, s.legacyHighWatermarkTruncation);
  s.minInsyncReplicas = fresh.minInsyncReplicas;
  s.uncleanLeaderElectionEnable = fresh.uncleanLeaderElectionEnable;
  s.flushMessages = fresh.flushMessages;
  s.flushMs = fresh.flushMs;
  s.log = fresh.log;
}
