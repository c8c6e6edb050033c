import { BROKER_COMPRESSION_TYPES } from "../log/compression.js";
import { bool, ConfigDef, type ConfigOf, double, int, INT_MIN, list, LONG_MAX, long, oneOf } from "./configDef.js";
import { BROKER_KEYS, TOPIC_KEYS } from "./kafkaKeyCatalogue.js";

/**
 * `message.format.version` values (Kafka `MetadataVersion` short versions): 0.8.x and 0.9.0 write magic 0, 0.10.x
 * magic 1, 0.11.0 and later record batch v2 (recordSize.ts `magicOfMessageFormatVersion`). Kafka 3.x's default is
 * 3.0-IV1; Kafka 4.0 removed the setting (KIP-724).
 */
export const MESSAGE_FORMAT_VERSIONS = ["0.8.0", "0.8.1", "0.8.2", "0.9.0", "0.10.0", "0.10.1", "0.10.2", "0.11.0", "1.0", "1.1", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "3.0", "3.0-IV1"] as const;

/**
 * Broker and controller settings the model reads. Defaults are Kafka 4.0's (kafka-facts §3.3). Only keys the model
 * actually uses are accepted: a key that changed nothing would be a silent lie.
 */
export const BROKER_CONFIG = new ConfigDef("broker", [
  int("min.insync.replicas", 1, "ServerLogConfigs.MIN_IN_SYNC_REPLICAS_DEFAULT; effective value is min(this, RF)", 1),
  int("default.replication.factor", 1, "ReplicationConfigs.REPLICATION_FACTOR_DEFAULT", 1),
  bool("unclean.leader.election.enable", false, "LogConfig.DEFAULT_UNCLEAN_LEADER_ELECTION_ENABLE"),
  long("unclean.leader.election.interval.ms", 300000, "ReplicationConfigs (internal): how often the active controller elects unclean leaders for leaderless partitions whose topic allows it (QuorumController.maybeScheduleNextElectUncleanLeaders)", 1),
  bool("auto.leader.rebalance.enable", true, "ReplicationConfigs.AUTO_LEADER_REBALANCE_ENABLE_DEFAULT: the active controller moves leadership back to each partition's preferred replica (the first in its replica list) at the leader imbalance checks (ControllerServer: leaderImbalanceCheckIntervalNs only when on; QuorumController.maybeScheduleNextBalancePartitionLeaders). KRaft does not read leader.imbalance.per.broker.percentage: any partition not led by its preferred replica counts"),
  long("leader.imbalance.check.interval.seconds", 300, "ReplicationConfigs.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS_DEFAULT: the balance check runs this long after the controller write that left some partition without its preferred leader (not on a fixed clock), and again this long after a check that left one", 1),
  long("replica.lag.time.max.ms", 30000, "ReplicationConfigs: a follower not caught up for this long leaves the ISR"),
  int("replica.fetch.wait.max.ms", 500, "ReplicationConfigs: follower fetch long-poll wait"),
  int("replica.fetch.min.bytes", 1, "ReplicationConfigs.REPLICA_FETCH_MIN_BYTES_DEFAULT: the leader answers a follower's Fetch once this many bytes can be returned (or replica.fetch.wait.max.ms passed)", -2147483648),
  int("replica.fetch.max.bytes", 1048576, "ReplicationConfigs.REPLICA_FETCH_MAX_BYTES_DEFAULT: the most bytes of records one partition contributes to a follower's Fetch response (the first batch of the first non-empty partition is returned whole even if larger: KIP-74)"),
  int("replica.fetch.response.max.bytes", 10485760, "ReplicationConfigs.REPLICA_FETCH_RESPONSE_MAX_BYTES_DEFAULT: the most bytes of records one follower Fetch response carries (same KIP-74 exception)"),
  int("fetch.max.bytes", 57671680, "ServerConfigs.FETCH_MAX_BYTES_DEFAULT: the broker's cap on any Fetch response's bytes of records, consumers' and followers' alike (KafkaApis.handleFetchRequest)", 1024),
  int("replica.fetch.backoff.ms", 1000, "ReplicationConfigs: follower back-off after a fetch error"),
  int("num.replica.fetchers", 1, "ReplicationConfigs.NUM_REPLICA_FETCHERS_DEFAULT: fetcher threads per source broker; each sends one Fetch for its partitions", 1),
  int("broker.session.timeout.ms", 9000, "KRaftConfigs: broker fenced after this long without a heartbeat", 1),
  int("broker.heartbeat.interval.ms", 2000, "KRaftConfigs", 1),
  int("initial.broker.registration.timeout.ms", 60000, "KRaftConfigs (no validator: any int): a broker whose first registration has not succeeded this long after its start shuts down and its process exits (BrokerLifecycleManager.RegistrationTimeoutEvent; BrokerServer.startup fails, Kafka.main exits 1)", INT_MIN),
  int("controller.quorum.election.timeout.ms", 1000, "QuorumConfig.DEFAULT_QUORUM_ELECTION_TIMEOUT_MS", 1),
  int("controller.quorum.fetch.timeout.ms", 2000, "QuorumConfig: a voter starts an election after this long without a leader fetch response", 1),
  int("controller.quorum.election.backoff.max.ms", 1000, "QuorumConfig", 1),
  int("controller.quorum.request.timeout.ms", 2000, "QuorumConfig", 1),
  int("controller.quorum.retry.backoff.ms", 20, "QuorumConfig"),
  // KRaft metadata snapshots and the metadata log's retention (KRaftConfigs), for controllers and brokers alike.
  long("metadata.log.max.record.bytes.between.snapshots", 20971520, "KRaftConfigs: take a metadata snapshot once this many bytes of records were replayed since the last one (SnapshotGenerator)", 1),
  long("metadata.log.max.snapshot.interval.ms", 3600000, "KRaftConfigs: take a metadata snapshot once this long has passed since the last one and new records arrived; 0 disables time-based snapshots", 0),
  long("metadata.max.retention.bytes", 104857600, "KRaftConfigs: the metadata log plus its snapshots may grow to this before the oldest snapshot and the log below the next are deleted; -1: no limit", -1),
  long("metadata.max.retention.ms", 604800000, "KRaftConfigs: a metadata snapshot older than this is deleted with the log below the next one; -1: no limit", -1),
  long("replica.high.watermark.checkpoint.interval.ms", 5000, "ReplicationConfigs: how often the HW is checkpointed to disk", 1),
  int("request.timeout.ms", 30000, "ServerConfigs.REQUEST_TIMEOUT_MS_DEFAULT: the broker's own requests to other brokers (transaction markers) and its appends for them", 1),
  int("replica.socket.timeout.ms", 30000, "ReplicationConfigs: a follower fetch without an answer is retried after this", 1),
  long("socket.connection.setup.timeout.ms", 10000, "SocketServerConfigs: a broker's connection to another node not established in time is given up", 1),
  long("socket.connection.setup.timeout.max.ms", 30000, "SocketServerConfigs: the set-up timeout's cap (doubling per failed attempt)", 1),
  int("transaction.state.log.num.partitions", 50, "TransactionLogConfig atLeast(1): partitions of __transaction_state", 1),
  int("transaction.state.log.replication.factor", 3, "TransactionLogConfig: a SHORT, atLeast(1)", 1, 32767),
  int("transaction.state.log.min.isr", 2, "TransactionLogConfig", 1),
  int("transaction.max.timeout.ms", 900000, "TransactionStateManagerConfig", 1),
  int("transaction.abort.timed.out.transaction.cleanup.interval.ms", 10000, "TransactionStateManagerConfig", 1),
  int("transactional.id.expiration.ms", 604800000, "TransactionStateManagerConfig: a transactional id whose transaction has not been updated for this long is expired (its metadata removed with a tombstone)", 1),
  int("transaction.remove.expired.transaction.cleanup.interval.ms", 3600000, "TransactionStateManagerConfig: how often expired transactional ids are removed", 1),
  int("offsets.topic.num.partitions", 50, "GroupCoordinatorConfig atLeast(1): partitions of __consumer_offsets", 1),
  int("offsets.topic.replication.factor", 3, "GroupCoordinatorConfig: a SHORT, atLeast(1)", 1, 32767),
  int("offsets.retention.minutes", 10080, "GroupCoordinatorConfig atLeast(1) (7 days): a committed offset is deleted this long after its group became empty, or, for a topic no member subscribes to (or a group without group management), after its commit (OffsetMetadataManager.cleanupExpiredOffsets)", 1),
  long("offsets.retention.check.interval.ms", 600000, "GroupCoordinatorConfig atLeast(1): how often each __consumer_offsets partition's coordinator deletes expired offsets and empty groups without offsets (GroupCoordinatorShard.cleanupGroupMetadata)", 1),
  int("group.initial.rebalance.delay.ms", 3000, "GroupCoordinatorConfig: the first rebalance of an empty group waits this long for more members"),
  int("group.min.session.timeout.ms", 6000, "GroupCoordinatorConfig: smallest session.timeout.ms a member may ask for", 1),
  int("group.max.session.timeout.ms", 1800000, "GroupCoordinatorConfig: largest session.timeout.ms a member may ask for", 1),
  int("group.max.size", 2147483647, "GroupCoordinatorConfig atLeast(1) (default Integer.MAX_VALUE): the most members a classic group takes; a join beyond it gets GROUP_MAX_SIZE_REACHED", 1),
  int("group.consumer.max.size", 2147483647, "GroupCoordinatorConfig atLeast(1) (default Integer.MAX_VALUE): the most members a KIP-848 consumer group takes; a new member beyond it gets GROUP_MAX_SIZE_REACHED", 1),
  int("group.consumer.session.timeout.ms", 45000, "GroupCoordinatorConfig: KIP-848 member session timeout (set by the broker, not the client)", 1),
  int("group.consumer.heartbeat.interval.ms", 5000, "GroupCoordinatorConfig: KIP-848 heartbeat interval given to members", 1),
  // The bounds of the two above: GroupCoordinatorConfig's constructor refuses a session timeout or heartbeat interval
  // outside them (brokerConfigConflicts); the model reads them for nothing else.
  int("group.consumer.min.session.timeout.ms", 45000, "GroupCoordinatorConfig: the least group.consumer.session.timeout.ms may be", 1),
  int("group.consumer.max.session.timeout.ms", 60000, "GroupCoordinatorConfig: the most group.consumer.session.timeout.ms may be", 1),
  int("group.consumer.min.heartbeat.interval.ms", 5000, "GroupCoordinatorConfig: the least group.consumer.heartbeat.interval.ms may be", 1),
  int("group.consumer.max.heartbeat.interval.ms", 15000, "GroupCoordinatorConfig: the most group.consumer.heartbeat.interval.ms may be", 1),
  list("group.consumer.assignors", ["uniform", "range"], ["uniform", "range"], "GroupCoordinatorConfig: KIP-848 server-side assignors, the first is the default"),
  bool("transaction.partition.verification.enable", true, "TransactionLogConfig: KIP-890 part 1, the leader verifies a transactional write with the coordinator"),
  long("log.flush.interval.messages", Number.MAX_SAFE_INTEGER, "fsync after this many messages (Kafka default Long.MAX_VALUE: never)", 1),
  long("log.flush.interval.ms", null, "fsync when the oldest unflushed message is this old (Kafka default null: never)"),
  // Segments and retention (LogConfig's server defaults, ServerLogConfigs). Precedence as KafkaConfig.logRetentionTimeMillis
  // and logRollTimeMillis: the .ms key, else .minutes, else .hours.
  oneOf("compression.type", "producer", BROKER_COMPRESSION_TYPES, "ServerLogConfigs.COMPRESSION_TYPE_DEFAULT: default of topic compression.type (producer: keep the producer's codec)"),
  oneOf("log.message.format.version", "3.0-IV1", MESSAGE_FORMAT_VERSIONS, "ServerLogConfigs (deprecated, removed in Kafka 4.0 by KIP-724): default of topic message.format.version; before 0.11.0 batches are legacy MessageSets (magic 0 or 1, LegacyRecord) on the wire and in the log"),
  int("message.max.bytes", 1048588, "ServerLogConfigs.MAX_MESSAGE_BYTES_DEFAULT (1 MiB + Records.LOG_OVERHEAD): the largest record batch a topic takes, default of topic max.message.bytes", 0),
  // At least 1 MiB since Kafka 4.0 (KIP-1030, ServerLogConfigs LOG_SEGMENT_BYTES atLeast(1024 * 1024)); the topic's
  // segment.bytes keeps its old floor of 14 in 4.0 (4.1 raises it too, KAFKA-19080), so scenarios roll small segments there.
  int("log.segment.bytes", 1073741824, "ServerLogConfigs: roll a new segment when the active one would exceed this", 1048576),
  long("log.roll.ms", null, "ServerLogConfigs: roll a segment whose first batch is older than this (default: log.roll.hours)", 1),
  int("log.roll.hours", 168, "ServerLogConfigs", 1),
  // No validators in ServerLogConfigs: any negative retention is "never" (KafkaConfig.logRetentionTimeMillis), and
  // one that comes to 0 is refused by KafkaConfig.validateValues (brokerConfigConflicts).
  long("log.retention.ms", null, "ServerLogConfigs: delete segments older than this; negative: never (default: log.retention.minutes, else log.retention.hours)", -LONG_MAX),
  long("log.retention.minutes", null, "ServerLogConfigs (an int in Kafka; default null: log.retention.hours)", INT_MIN, 2147483647),
  int("log.retention.hours", 168, "ServerLogConfigs", INT_MIN),
  long("log.retention.bytes", -1, "ServerLogConfigs (no validator): delete oldest segments while the log is larger than this; negative: no limit", -LONG_MAX),
  long("log.initial.task.delay.ms", 30000, "ServerLogConfigs (internal): LogManager's background tasks first run this long after start"),
  long("log.retention.check.interval.ms", 300000, "ServerLogConfigs: how often LogManager.cleanupLogs runs (first run 30s after start)", 1),
  // Compaction (CleanerConfig, ServerLogConfigs): the log cleaner's thread and the topic defaults of cleanup.*.
  list("log.cleanup.policy", ["delete"], ["compact", "delete"], "ServerLogConfigs ValidList.in(compact, delete): default of topic cleanup.policy; an empty list (neither) is valid", { allowEmpty: true }),
  bool("log.cleaner.enable", true, "CleanerConfig: run the log cleaner (compacted topics are never cleaned without it)"),
  long("log.cleaner.backoff.ms", 15000, "CleanerConfig: how long the cleaner sleeps when no log is cleanable", 0),
  double("log.cleaner.min.cleanable.ratio", 0.5, "CleanerConfig: default of topic min.cleanable.dirty.ratio", 0, 1),
  long("log.cleaner.min.compaction.lag.ms", 0, "CleanerConfig: default of topic min.compaction.lag.ms", 0),
  long("log.cleaner.max.compaction.lag.ms", LONG_MAX, "CleanerConfig: default of topic max.compaction.lag.ms (Long.MAX_VALUE)", 1),
  long("log.cleaner.delete.retention.ms", 86400000, "CleanerConfig: default of topic delete.retention.ms", 0),
  // The request path (SocketServerConfigs, ServerConfigs): in force with `capacity.brokerCpu` (src/kafka/broker/requestPath.ts).
  int("num.network.threads", 3, "SocketServerConfigs.NUM_NETWORK_THREADS_DEFAULT: Processor threads reading requests and writing responses (with capacity.brokerCpu)", 1),
  int("num.io.threads", 8, "ServerConfigs.NUM_IO_THREADS_DEFAULT: KafkaRequestHandler threads handling requests (with capacity.brokerCpu)", 1),
  int("queued.max.requests", 500, "SocketServerConfigs.QUEUED_MAX_REQUESTS_DEFAULT: requests the request queue holds before the network threads block (with capacity.brokerCpu)", 1),
  // Producer state (TransactionLogConfig).
  int("producer.id.expiration.ms", 86400000, "TransactionLogConfig: a producer's state on a partition expires after this long without a write", 1),
  int("producer.id.expiration.check.interval.ms", 600000, "TransactionLogConfig (internal): how often expired producer state is removed", 1),
], BROKER_KEYS);

/**
 * The broker configs the model has that Kafka updates at run time (IncrementalAlterConfigs of a BROKER resource):
 * `DynamicLogConfig.ReconfigurableConfigs`, the server synonyms of topic configs (`ServerTopicConfigSynonyms`).
 * Every other broker key is refused as `DynamicBrokerConfig.validateConfigs` refuses it ("Cannot update these configs
 * dynamically", INVALID_REQUEST). None of these is per-broker only, so each may be set per broker or as the cluster
 * default.
 */
export const DYNAMIC_BROKER_CONFIGS: readonly string[] = [
  "min.insync.replicas",
  "unclean.leader.election.enable",
  "message.max.bytes",
  "log.segment.bytes",
  "log.roll.ms",
  "log.roll.hours",
  "log.retention.ms",
  "log.retention.minutes",
  "log.retention.hours",
  "log.retention.bytes",
  "log.flush.interval.messages",
  "log.flush.interval.ms",
];

/** Per-topic overrides (Kafka `LogConfig` names: no `log.` prefix). */
export const TOPIC_CONFIG = new ConfigDef("topic", [
  int("min.insync.replicas", 1, "LogConfig", 1),
  bool("unclean.leader.election.enable", false, "LogConfig"),
  long("flush.messages", Number.MAX_SAFE_INTEGER, "LogConfig: fsync after this many messages", 1),
  long("flush.ms", null, "LogConfig atLeast(0): fsync a log at least this often (Kafka default Long.MAX_VALUE: never)", 0),
  oneOf("compression.type", "producer", BROKER_COMPRESSION_TYPES, "LogConfig: the codec batches are stored with; producer keeps the producer's, uncompressed or a codec makes the leader recompress (LogValidator)"),
  oneOf("message.format.version", "3.0-IV1", MESSAGE_FORMAT_VERSIONS, "LogConfig (deprecated, removed in Kafka 4.0 by KIP-724): the record format of the topic's batches; before 0.11.0 a legacy MessageSet (magic 0: 26 bytes a message beside key and value, magic 1: 34; LegacyRecord), which the producer writes as a producer of that version did"),
  int("max.message.bytes", 1048588, "LogConfig: the largest record batch (bytes) a leader appends; larger gets MESSAGE_TOO_LARGE", 0),
  int("segment.bytes", 1073741824, "LogConfig: roll a new segment when the active one would exceed this", 14),
  long("segment.ms", 604800000, "LogConfig: roll a segment whose first batch is older than this", 1),
  long("retention.ms", 604800000, "LogConfig: delete segments whose newest batch is older than this; -1: never", -1),
  long("retention.bytes", -1, "LogConfig (no validator): delete oldest segments while the log is larger than this; negative: no limit", -LONG_MAX),
  list("cleanup.policy", ["delete"], ["compact", "delete"], "LogConfig ValidList.in(compact, delete): delete (retention), compact (keep the latest record per key), both, or neither (an empty list)", { allowEmpty: true }),
  long("delete.retention.ms", 86400000, "LogConfig: a tombstone (and a transaction marker) is kept this long after the cleaner first cleaned its batch", 0),
  double("min.cleanable.dirty.ratio", 0.5, "LogConfig: the cleaner cleans a log once its dirty bytes are more than this share of its cleanable bytes", 0, 1),
  long("min.compaction.lag.ms", 0, "LogConfig: a record stays uncompacted at least this long (segments whose newest batch is younger are not cleaned)", 0),
  long("max.compaction.lag.ms", LONG_MAX, "LogConfig: a dirty segment older than this is cleaned whatever the dirty ratio", 1),
], TOPIC_KEYS);

/** A broker's (and controller's) resolved configuration: Kafka's keys, typed (Kafka `KafkaConfig`). */
export type KafkaConfig = ConfigOf<typeof BROKER_CONFIG>;

/** A topic's configuration, typed (Kafka `LogConfig`); a topic carries only the keys it overrides. */
export type LogConfig = ConfigOf<typeof TOPIC_CONFIG>;
