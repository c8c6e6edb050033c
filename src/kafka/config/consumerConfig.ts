import type { ConfigValue } from "./configDef.js";
import { ConfigDef, int, long, oneOf } from "./configDef.js";

/**
 * Consumer settings the model reads (kafka-facts §3.2). Only the assign-mode consumer exists yet: group keys
 * (group.id, session.timeout.ms, ...) arrive with consumer groups and are refused until then.
 */
const GROUPS = "consumer groups are not modelled yet; consumers run in assign() mode";

export const CONSUMER_CONFIG = new ConfigDef("consumer", [
  oneOf("isolation.level", "read_uncommitted", ["read_uncommitted", "read_committed"], "ConsumerConfig.DEFAULT_ISOLATION_LEVEL"),
  int("max.poll.records", 500, "ConsumerConfig.DEFAULT_MAX_POLL_RECORDS", 1),
  oneOf("auto.offset.reset", "latest", ["earliest", "latest", "none"], "ConsumerConfig"),
  int("fetch.max.wait.ms", 500, "ConsumerConfig"),
  int("request.timeout.ms", 30000, "ConsumerConfig", 1),
  long("retry.backoff.ms", 100, "CommonClientConfigs.DEFAULT_RETRY_BACKOFF_MS"),
  long("metadata.max.age.ms", 300000, "CommonClientConfigs"),
], {
  "group.id": GROUPS,
  "group.instance.id": GROUPS,
  "group.protocol": GROUPS,
  "session.timeout.ms": GROUPS,
  "heartbeat.interval.ms": GROUPS,
  "max.poll.interval.ms": GROUPS,
  "partition.assignment.strategy": GROUPS,
  "enable.auto.commit": GROUPS,
  "auto.commit.interval.ms": GROUPS,
  "group.remote.assignor": GROUPS,
});

export interface ConsumerSettings {
  isolationLevel: "read_uncommitted" | "read_committed";
  maxPollRecords: number;
  autoOffsetReset: "earliest" | "latest" | "none";
  fetchMaxWaitMs: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  metadataMaxAgeMs: number;
}

export function consumerSettings(c: Map<string, ConfigValue>): ConsumerSettings {
  return {
    isolationLevel: c.get("isolation.level") as ConsumerSettings["isolationLevel"],
    maxPollRecords: c.get("max.poll.records") as number,
    autoOffsetReset: c.get("auto.offset.reset") as ConsumerSettings["autoOffsetReset"],
    fetchMaxWaitMs: c.get("fetch.max.wait.ms") as number,
    requestTimeoutMs: c.get("request.timeout.ms") as number,
    retryBackoffMs: c.get("retry.backoff.ms") as number,
    metadataMaxAgeMs: c.get("metadata.max.age.ms") as number,
  };
}
