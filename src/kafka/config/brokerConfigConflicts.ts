import type { KafkaConfig, LogConfig } from "./brokerConfig.js";

/** A broker or topic setting that is valid alone and refused with another: the key to name, and why. */
export interface BrokerConfigConflict {
  key: string;
  message: string;
  /** For a topic's conflict: the key is the broker's (cluster.config), both values being its defaults. */
  broker?: true;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The broker settings KafkaConfig.validateValues refuses together (a broker does not start: IllegalArgumentException
 * "requirement failed: ..."): replica.fetch.wait.max.ms above replica.socket.timeout.ms or replica.lag.time.max.ms,
 * KIP-848's session timeout and heartbeat interval outside their bounds or not in order (GroupCoordinatorConfig's
 * constructor), and a log retention that comes to 0 ms (`logRetentionTimeMillis`: log.retention.ms, else .minutes, else .hours; a
 * negative one is -1, "never"). `explicit`: the keys the scenario set, to name the one that gave the retention.
 */
export function brokerConfigConflicts(c: KafkaConfig, explicit: ReadonlySet<string>): BrokerConfigConflict[] {
  const out: BrokerConfigConflict[] = [];
  const wait = c["replica.fetch.wait.max.ms"];
  if (wait > c["replica.socket.timeout.ms"])
    out.push({
      key: explicit.has("replica.fetch.wait.max.ms") ? "replica.fetch.wait.max.ms" : "replica.socket.timeout.ms",
      message: `replica.socket.timeout.ms (${c["replica.socket.timeout.ms"]}) should always be at least replica.fetch.wait.max.ms (${wait}) to prevent unnecessary socket timeouts (Kafka's broker refuses to start)`,
    });
  if (wait > c["replica.lag.time.max.ms"])
    out.push({
      key: explicit.has("replica.fetch.wait.max.ms") ? "replica.fetch.wait.max.ms" : "replica.lag.time.max.ms",
      message: `replica.fetch.wait.max.ms (${wait}) should always be less than or equal to replica.lag.time.max.ms (${c["replica.lag.time.max.ms"]}) to prevent frequent changes in ISR (Kafka's broker refuses to start)`,
    });
  // GroupCoordinatorConfig's constructor (KIP-848 groups), in its order and words (IllegalArgumentException).
  const within = (key: string, value: number, minKey: string, maxKey: string, min: number, max: number) => {
    if (max < min) out.push({ key: explicit.has(maxKey) ? maxKey : minKey, message: `${maxKey} (${max}) must be greater than or equal to ${minKey} (${min}) (Kafka's broker refuses to start)` });
    else if (value < min) out.push({ key: explicit.has(key) ? key : minKey, message: `${key} (${value}) must be greater than or equal to ${minKey} (${min}) (Kafka's broker refuses to start)` });
    else if (value > max) out.push({ key: explicit.has(key) ? key : maxKey, message: `${key} (${value}) must be less than or equal to ${maxKey} (${max}) (Kafka's broker refuses to start)` });
  };
  const heartbeat = c["group.consumer.heartbeat.interval.ms"];
  const session = c["group.consumer.session.timeout.ms"];
  within("group.consumer.heartbeat.interval.ms", heartbeat, "group.consumer.min.heartbeat.interval.ms", "group.consumer.max.heartbeat.interval.ms", c["group.consumer.min.heartbeat.interval.ms"], c["group.consumer.max.heartbeat.interval.ms"]);
  within("group.consumer.session.timeout.ms", session, "group.consumer.min.session.timeout.ms", "group.consumer.max.session.timeout.ms", c["group.consumer.min.session.timeout.ms"], c["group.consumer.max.session.timeout.ms"]);
  if (heartbeat >= session)
    out.push({ key: explicit.has("group.consumer.heartbeat.interval.ms") ? "group.consumer.heartbeat.interval.ms" : "group.consumer.session.timeout.ms", message: `group.consumer.heartbeat.interval.ms (${heartbeat}) must be less than group.consumer.session.timeout.ms (${session}) (Kafka's broker refuses to start)` });
  const [retentionKey, retentionMs] =
    c["log.retention.ms"] !== null
      ? ["log.retention.ms", c["log.retention.ms"]]
      : c["log.retention.minutes"] !== null
        ? ["log.retention.minutes", c["log.retention.minutes"] * MINUTE_MS]
        : ["log.retention.hours", c["log.retention.hours"] * HOUR_MS];
  if (retentionMs === 0)
    out.push({ key: retentionKey, message: `comes to a retention of 0 ms: log.retention.ms must be unlimited (-1) or, greater than or equal to 1 (Kafka's broker refuses to start)` });
  return out;
}

/**
 * The topic settings LogConfig.validateValues refuses together, read with the broker's defaults for the keys the
 * topic does not set (LogConfig.validate merges them): min.compaction.lag.ms above max.compaction.lag.ms
 * (InvalidConfigurationException, so CreateTopics fails with INVALID_CONFIG). min.insync.replicas above the
 * replication factor is not one of them: Kafka creates such a topic (and caps the effective value at the
 * replication factor, Partition.effectiveMinIsr).
 */
export function topicConfigConflicts(topic: Partial<LogConfig>, broker: KafkaConfig): BrokerConfigConflict[] {
  const min = topic["min.compaction.lag.ms"] ?? broker["log.cleaner.min.compaction.lag.ms"];
  const max = topic["max.compaction.lag.ms"] ?? broker["log.cleaner.max.compaction.lag.ms"];
  if (min <= max) return [];
  const message = `conflict topic config setting min.compaction.lag.ms (${min}) > max.compaction.lag.ms (${max}) (InvalidConfigurationException in Kafka: the topic is not created)`;
  if (topic["min.compaction.lag.ms"] !== undefined) return [{ key: "min.compaction.lag.ms", message }];
  if (topic["max.compaction.lag.ms"] !== undefined) return [{ key: "max.compaction.lag.ms", message }];
  // Both from the broker's defaults: the broker's key is the one to change.
  return [{ key: "log.cleaner.min.compaction.lag.ms", message, broker: true }];
}
