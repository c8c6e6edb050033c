import type { ClientCpu } from "../client/clientCpu.js";
import type { AssignmentStrategy } from "../assignors/index.js";
import { CLIENT_NETWORK_KEYS, type ClientNetworkSettings, clientNetworkSettings } from "./clientNetworkConfig.js";
import { bool, ConfigDef, type ConfigOf, int, INT_MIN, list, long, oneOf, str } from "./configDef.js";
import { CONSUMER_KEYS } from "./kafkaKeyCatalogue.js";
import { invalidTopicName, TOPIC_NAME_RULE } from "./topicName.js";

/** The Java assignor classes by their `partition.assignment.strategy` names; short names are accepted too. */
const ASSIGNOR_CLASSES: Record<string, AssignmentStrategy> = {
  "org.apache.kafka.clients.consumer.RangeAssignor": "range",
  "org.apache.kafka.clients.consumer.RoundRobinAssignor": "roundrobin",
  "org.apache.kafka.clients.consumer.StickyAssignor": "sticky",
  "org.apache.kafka.clients.consumer.CooperativeStickyAssignor": "cooperative-sticky",
  range: "range",
  roundrobin: "roundrobin",
  sticky: "sticky",
  "cooperative-sticky": "cooperative-sticky",
};

/** Consumer settings the model reads (kafka-facts §3.2), with Kafka's defaults. */
export const CONSUMER_CONFIG = new ConfigDef("consumer", [
  str("group.id", null, "ConsumerConfig: without it the consumer runs in assign() mode"),
  str("group.instance.id", null, "ConsumerConfig (NonEmptyString): set means a static member (KIP-345)", { nonEmpty: true }),
  oneOf("group.protocol", "classic", ["classic", "consumer"], "ConsumerConfig.DEFAULT_GROUP_PROTOCOL: classic (JoinGroup/SyncGroup) or consumer (KIP-848); CaseInsensitiveValidString, so CONSUMER is consumer", { caseInsensitive: true }),
  // No validator in ConsumerConfig: with a group.id, Heartbeat refuses one not above heartbeat.interval.ms
  // (consumerConfigConflicts) and the coordinator one outside group.min/max.session.timeout.ms (INVALID_SESSION_TIMEOUT).
  int("session.timeout.ms", 45000, "ConsumerConfig (45000 since Kafka 3.0)", INT_MIN),
  int("heartbeat.interval.ms", 3000, "ConsumerConfig", 1),
  int("max.poll.interval.ms", 300000, "ConsumerConfig: KIP-62, enforced by the client", 1),
  list("partition.assignment.strategy", ["range", "cooperative-sticky"], Object.keys(ASSIGNOR_CLASSES), "ConsumerConfig: [RangeAssignor, CooperativeStickyAssignor]"),
  bool("enable.auto.commit", true, "ConsumerConfig"),
  int("auto.commit.interval.ms", 5000, "ConsumerConfig"),
  int("default.api.timeout.ms", 60000, "ConsumerConfig atLeast(0): how long commitSync retries"),
  str("group.remote.assignor", null, "ConsumerConfig: KIP-848 server-side assignor (uniform or range; null: the broker's default)"),
  oneOf("isolation.level", "read_uncommitted", ["read_uncommitted", "read_committed"], "ConsumerConfig.DEFAULT_ISOLATION_LEVEL"),
  int("max.poll.records", 500, "ConsumerConfig.DEFAULT_MAX_POLL_RECORDS", 1),
  oneOf("auto.offset.reset", "latest", ["earliest", "latest", "none"], "ConsumerConfig"),
  int("fetch.max.wait.ms", 500, "ConsumerConfig.DEFAULT_FETCH_MAX_WAIT_MS: how long the broker may hold a Fetch that has less than fetch.min.bytes to return"),
  int("fetch.min.bytes", 1, "ConsumerConfig.DEFAULT_FETCH_MIN_BYTES: the broker answers a Fetch once this many bytes can be returned (or fetch.max.wait.ms passed)"),
  int("fetch.max.bytes", 52428800, "ConsumerConfig.DEFAULT_FETCH_MAX_BYTES: the most bytes of records one Fetch response carries (the first batch of the first non-empty partition is returned whole even if larger: KIP-74)"),
  int("max.partition.fetch.bytes", 1048576, "ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES: the most bytes of records one partition contributes to a Fetch response (with the same KIP-74 exception)"),
  int("request.timeout.ms", 30000, "ConsumerConfig atLeast(0)"),
  long("retry.backoff.ms", 100, "CommonClientConfigs.DEFAULT_RETRY_BACKOFF_MS"),
  long("retry.backoff.max.ms", 1000, "CommonClientConfigs.DEFAULT_RETRY_BACKOFF_MAX_MS: the cap of the exponential back-off of group requests (coordinator lookup, heartbeats, commits; KIP-580)"),
  long("metadata.max.age.ms", 300000, "CommonClientConfigs"),
  ...CLIENT_NETWORK_KEYS,
], CONSUMER_KEYS);

/** A consumer's resolved configuration: Kafka's keys, typed (Kafka `ConsumerConfig`). */
export type ConsumerConfig = ConfigOf<typeof CONSUMER_CONFIG>;

export interface ConsumerSettings {
  groupId: string | null;
  groupProtocol: "classic" | "consumer";
  /** group.remote.assignor (KIP-848): the server-side assignor to ask for, or null for the broker's default. */
  remoteAssignor: string | null;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxPollIntervalMs: number;
  assignors: AssignmentStrategy[];
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  defaultApiTimeoutMs: number;
  isolationLevel: "read_uncommitted" | "read_committed";
  maxPollRecords: number;
  autoOffsetReset: "earliest" | "latest" | "none";
  fetchMaxWaitMs: number;
  /** fetch.min.bytes: bytes of records the broker waits for before it answers a Fetch (up to fetchMaxWaitMs). */
  fetchMinBytes: number;
  /** fetch.max.bytes: bytes of records a Fetch response may carry in all (the Fetch's max_bytes). */
  fetchMaxBytes: number;
  /** max.partition.fetch.bytes: bytes of records a partition may carry in a Fetch response (partition_max_bytes). */
  maxPartitionFetchBytes: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /**
   * retry.backoff.max.ms: failed group requests back off retry.backoff.ms × 2^failures up to this, with ±20% jitter
   * (RequestState / AbstractCoordinator.retryBackoff; ExponentialBackoff). At or below retry.backoff.ms the back-off
   * is this value, constant (CommonClientConfigs.warnDisablingExponentialBackoff).
   */
  retryBackoffMaxMs: number;
  metadataMaxAgeMs: number;
  /** reconnect.backoff.*, socket.connection.setup.timeout.* */
  network: ClientNetworkSettings;
  /**
   * The client's CPU for decompression (`capacity.clientCpu`), set by the world builder, not a Kafka config: a
   * fetched batch is decompressed on it before poll() may return its records. Absent: decompression costs no time.
   */
  cpu?: ClientCpu;
}

/** A value Kafka counts as not set in `ConsumerConfig.checkUnsupportedConfigsPostProcess`: null or blank (`Utils.isBlank`). */
function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);
}

/**
 * Why a group.instance.id is refused by `JoinGroupRequest.validateGroupInstanceId`, which calls `Topic.validate`
 * (Kafka's topic-name rule, topicName.ts), or null. Both consumers run it whatever client.id and group.id say
 * (ClassicKafkaConsumer and AsyncKafkaConsumer build a GroupRebalanceConfig from the config first).
 */
export function invalidGroupInstanceId(id: string): string | null {
  return invalidTopicName(id);
}

/**
 * Settings that are each valid but do not go together (the Java client refuses them at construction). Returns
 * key → message. `user` is the config map as written (Kafka's `originals()`): KIP-848's unsupported keys count only
 * when set to something not blank, as ConsumerConfig.checkUnsupportedConfigsPostProcess counts them.
 */
export function consumerConfigConflicts(c: ConsumerConfig, explicit: ReadonlySet<string>, user: Readonly<Record<string, unknown>> = {}): { key: string; message: string }[] {
  const out: { key: string; message: string }[] = [];
  // GroupRebalanceConfig → JoinGroupRequest.validateGroupInstanceId → Topic.validate (detectInvalidTopic): the Java
  // consumer refuses a static id that would not be a legal topic name (InvalidConfigurationException).
  const instanceId = c["group.instance.id"];
  const bad = instanceId !== null ? invalidGroupInstanceId(instanceId) : null;
  if (bad !== null)
    out.push({ key: "group.instance.id", message: `${TOPIC_NAME_RULE}: Group instance id is invalid: ${bad} (InvalidConfigurationException in Kafka: JoinGroupRequest.validateGroupInstanceId)` });
  // ClassicKafkaConsumer's constructor: InvalidGroupIdException (ConfigDef.parseType has trimmed it).
  if (c["group.id"] !== null && c["group.id"].trim() === "") out.push({ key: "group.id", message: `should not be an empty string or whitespace (InvalidGroupIdException in Kafka: "The configured group.id should not be an empty string or whitespace.")` });
  const set = (k: string) => explicit.has(k) && (!Object.hasOwn(user, k) || !isBlank(user[k]));
  if (c["group.protocol"] === "consumer") {
    // KIP-848 moves these to the broker: ConsumerConfig.checkUnsupportedConfigsPostProcess (CONSUMER_PROTOCOL_UNSUPPORTED_CONFIGS).
    for (const k of ["partition.assignment.strategy", "heartbeat.interval.ms", "session.timeout.ms"])
      if (set(k)) out.push({ key: k, message: `cannot be set when group.protocol=CONSUMER (ConfigException in Kafka; KIP-848 sets it on the broker: group.consumer.*)` });
    // Kafka's client sends any name; the broker refuses one it does not have with UNSUPPORTED_ASSIGNOR, which the
    // model does not play: refused here instead.
    const assignor = c["group.remote.assignor"];
    if (assignor !== null && assignor !== "uniform" && assignor !== "range") out.push({ key: "group.remote.assignor", message: `must be "uniform" or "range" (got ${JSON.stringify(assignor)})` });
  } else if (c["group.remote.assignor"] !== null && c["group.remote.assignor"].trim() !== "")
    // ConsumerConfig.checkUnsupportedConfigsPostProcess (CLASSIC_PROTOCOL_UNSUPPORTED_CONFIGS): a blank one is let be.
    out.push({ key: "group.remote.assignor", message: "cannot be set when group.protocol=CLASSIC (ConfigException in Kafka): it needs group.protocol=consumer (KIP-848)" });
  if (c["group.id"] !== null) {
    // Heartbeat's constructor (the classic consumer, with a group.id): "Heartbeat must be set lower than the session timeout".
    if (c["heartbeat.interval.ms"] >= c["session.timeout.ms"]) out.push({ key: "heartbeat.interval.ms", message: `must be lower than session.timeout.ms (${c["session.timeout.ms"]}) (IllegalArgumentException in Kafka: "Heartbeat must be set lower than the session timeout")` });
    return out;
  }
  // ConsumerConfig.maybeOverrideEnableAutoCommit. (A valid group.instance.id without a group.id is accepted and unused,
  // as in Kafka: only a consumer with a group.id joins a group.)
  if (explicit.has("enable.auto.commit") && c["enable.auto.commit"] === true) out.push({ key: "enable.auto.commit", message: "needs a group.id (InvalidConfigurationException in Kafka: \"enable.auto.commit cannot be set to true when default group id (null) is used.\")" });
  return out;
}

/** The consumer's settings from its resolved config (`explicit`: the keys the user set). */
export function consumerSettings(c: ConsumerConfig, explicit: ReadonlySet<string> = new Set()): ConsumerSettings {
  const groupId = c["group.id"];
  return {
    groupId,
    groupProtocol: c["group.protocol"],
    remoteAssignor: c["group.remote.assignor"],
    // Without a group.id Kafka never reads it (ClassicKafkaConsumer builds a GroupRebalanceConfig only with one).
    groupInstanceId: groupId !== null ? c["group.instance.id"] : null,
    sessionTimeoutMs: c["session.timeout.ms"],
    heartbeatIntervalMs: c["heartbeat.interval.ms"],
    maxPollIntervalMs: c["max.poll.interval.ms"],
    assignors: c["partition.assignment.strategy"].map((a) => ASSIGNOR_CLASSES[a]),
    // Without a group.id the Java consumer never auto-commits.
    enableAutoCommit: groupId !== null && c["enable.auto.commit"],
    autoCommitIntervalMs: c["auto.commit.interval.ms"],
    defaultApiTimeoutMs: c["default.api.timeout.ms"],
    isolationLevel: c["isolation.level"],
    maxPollRecords: c["max.poll.records"],
    autoOffsetReset: c["auto.offset.reset"],
    fetchMaxWaitMs: c["fetch.max.wait.ms"],
    fetchMinBytes: c["fetch.min.bytes"],
    fetchMaxBytes: c["fetch.max.bytes"],
    maxPartitionFetchBytes: c["max.partition.fetch.bytes"],
    requestTimeoutMs: c["request.timeout.ms"],
    retryBackoffMs: c["retry.backoff.ms"],
    retryBackoffMaxMs: c["retry.backoff.max.ms"],
    metadataMaxAgeMs: c["metadata.max.age.ms"],
    network: clientNetworkSettings(c, explicit),
  };
}
