import type { KafkaKeyCatalogue } from "./configDef.js";

/**
 * Kafka's keys the model does not model, by where they belong, so a scenario written from a real client's or
 * broker's properties gets told what each key does here rather than "unknown". Lists from Kafka's own definitions
 * (`CommonClientConfigs`, `ProducerConfig.CONFIG`, `ConsumerConfig.CONFIG`, `TopicConfig`, `SslConfigs`,
 * `SaslConfigs`, `KRaftConfigs`, `SocketServerConfigs`, `ServerLogConfigs`); the keys the model has are in the
 * ConfigDefs themselves.
 */

const METRICS = "metrics and their reporters change nothing the protocol does";

/** Keys every Kafka client has (CommonClientConfigs) that change nothing the model simulates. */
const CLIENT_INERT: Record<string, string> = {
  "bootstrap.servers": "the simulated clients find the cluster without a bootstrap list",
  "client.id": "kafkasim names a client by its id in the scenario",
  "client.dns.lookup": "the simulated network has no DNS",
  "metric.reporters": METRICS,
  "metrics.num.samples": METRICS,
  "metrics.recording.level": METRICS,
  "metrics.sample.window.ms": METRICS,
  "auto.include.jmx.reporter": METRICS,
  "enable.metrics.push": `${METRICS} (KIP-714)`,
};

const SECURITY = "security (TLS, SASL) is not modelled: every connection is PLAINTEXT";

/** Keys every Kafka client has that would change what happens, which the model does not have. */
const CLIENT_NOT_MODELLED: Record<string, string> = {
  "security.protocol": SECURITY,
  "security.providers": SECURITY,
  "send.buffer.bytes": "socket buffer sizes are not modelled",
  "receive.buffer.bytes": "socket buffer sizes are not modelled",
  "connections.max.idle.ms": "idle connections are never closed in the model",
  "interceptor.classes": "interceptors are application code the model does not run",
  "metadata.recovery.strategy": "rebootstrapping (KIP-899) is not modelled",
  "metadata.recovery.rebootstrap.trigger.ms": "rebootstrapping (KIP-899) is not modelled",
};

const SECURITY_PREFIXES = { "ssl.": SECURITY, "sasl.": SECURITY };

const LEVELS = "compression levels (KIP-390) are not modelled: each codec has one ratio and cost";

/** The per-codec levels a producer and a topic both have (KIP-390). */
const COMPRESSION_LEVELS: Record<string, string> = {
  "compression.gzip.level": LEVELS,
  "compression.lz4.level": LEVELS,
  "compression.zstd.level": LEVELS,
};

/** The producer's keys beyond those PRODUCER_CONFIG models (`ProducerConfig.CONFIG`). */
export const PRODUCER_KEYS: KafkaKeyCatalogue = {
  inert: {
    ...CLIENT_INERT,
    "key.serializer": "records are modelled as keys and values of a known size: nothing is serialised",
    "value.serializer": "records are modelled as keys and values of a known size: nothing is serialised",
  },
  notModelled: {
    ...CLIENT_NOT_MODELLED,
    ...COMPRESSION_LEVELS,
    "partitioner.availability.timeout.ms": "the adaptive partitioner's broker-availability timeout is not modelled",
    "partitioner.class": "only the built-in partitioner (KIP-794) is modelled",
    "metadata.max.idle.ms": "the producer's expiry of idle topics' metadata is not modelled",
  },
  notModelledPrefixes: SECURITY_PREFIXES,
};

/** The consumer's keys beyond those CONSUMER_CONFIG models (`ConsumerConfig.CONFIG`). */
export const CONSUMER_KEYS: KafkaKeyCatalogue = {
  inert: {
    ...CLIENT_INERT,
    "key.deserializer": "records are modelled as keys and values of a known size: nothing is deserialised",
    "value.deserializer": "records are modelled as keys and values of a known size: nothing is deserialised",
    "check.crcs": "no corruption is modelled: every batch's CRC matches",
    "exclude.internal.topics": "it only matters to pattern subscriptions, which the model does not have",
  },
  notModelled: {
    ...CLIENT_NOT_MODELLED,
    "client.rack": "racks (fetching from the closest replica, KIP-392) are not modelled",
    "allow.auto.create.topics": "topics are the scenario's: automatic topic creation is not modelled",
  },
  notModelledPrefixes: SECURITY_PREFIXES,
};

const SHARE_GROUPS = "share groups (KIP-932) are not modelled";

/**
 * GroupCoordinatorConfig's keys (Kafka 4, `GroupCoordinatorConfig.GROUP_CONFIG_DEF`, `OFFSET_MANAGEMENT_CONFIG_DEF`,
 * `CONSUMER_GROUP_CONFIG_DEF`, `SHARE_GROUP_CONFIG_DEF`) the broker's ConfigDef does not model (a scenario written
 * from offsets.retention.minutes incident reports was told "unknown broker config"; that key is modelled now).
 */
const GROUP_COORDINATOR_KEYS: Record<string, string> = {
  "offsets.commit.timeout.ms": "fixed at Kafka's default in the model: an offsets append waits up to 5000 ms for acks=all",
  "offset.metadata.max.bytes": "commits carry no metadata string in the model (OFFSET_METADATA_TOO_LARGE cannot arise)",
  "offsets.load.buffer.size": "loading __consumer_offsets is not modelled byte by byte",
  "offsets.topic.segment.bytes": "the segments of __consumer_offsets are not configurable in the model",
  "offsets.topic.compression.codec": "the compression of __consumer_offsets is not modelled",
  "group.consumer.migration.policy": "online migration between the classic and consumer protocols (KIP-848) is not modelled: a live classic group cannot become a consumer group",
  "group.coordinator.rebalance.protocols": "both the classic and the consumer (KIP-848) protocols are always enabled; a client picks one with group.protocol",
  "group.coordinator.new.enable": "the model's group coordinator is Kafka 4's (the new one, KIP-848)",
  "group.coordinator.threads": "the coordinator's threads are not modelled",
  "group.coordinator.append.linger.ms": "the coordinator's append linger is not modelled",
  "group.share.session.timeout.ms": SHARE_GROUPS,
  "group.share.min.session.timeout.ms": SHARE_GROUPS,
  "group.share.max.session.timeout.ms": SHARE_GROUPS,
  "group.share.heartbeat.interval.ms": SHARE_GROUPS,
  "group.share.min.heartbeat.interval.ms": SHARE_GROUPS,
  "group.share.max.heartbeat.interval.ms": SHARE_GROUPS,
  "group.share.max.size": SHARE_GROUPS,
};

/** Broker keys that say where a process listens or keeps its logs, which the simulated hosts decide. */
export const BROKER_KEYS: KafkaKeyCatalogue = {
  inert: {
    "log.dirs": "each simulated broker has one log directory on its own disk",
    "log.dir": "each simulated broker has one log directory on its own disk",
    "listeners": "each simulated process has one PLAINTEXT listener on the simulated network",
    "advertised.listeners": "each simulated process has one PLAINTEXT listener on the simulated network",
    "listener.security.protocol.map": "each simulated process has one PLAINTEXT listener on the simulated network",
    "inter.broker.listener.name": "each simulated process has one PLAINTEXT listener on the simulated network",
    "controller.listener.names": "each simulated process has one PLAINTEXT listener on the simulated network",
    "metric.reporters": METRICS,
    "metrics.num.samples": METRICS,
    "metrics.recording.level": METRICS,
    "metrics.sample.window.ms": METRICS,
    "auto.include.jmx.reporter": METRICS,
  },
  notModelled: {
    "node.id": "node ids come from the scenario (broker-1 is node 1; controllers follow the brokers)",
    "broker.id": "node ids come from the scenario (broker-1 is node 1; controllers follow the brokers)",
    "process.roles": "roles come from cluster.brokers and cluster.controllers, each a process of its own (combined mode is not modelled)",
    "controller.quorum.voters": "the quorum is cluster.controllers",
    "controller.quorum.bootstrap.servers": "the quorum is cluster.controllers",
    "zookeeper.connect": "the cluster runs KRaft: ZooKeeper mode is not modelled",
    "broker.rack": "racks are not modelled",
    "auto.create.topics.enable": "topics are the scenario's: automatic topic creation is not modelled",
    "num.partitions": "topics are the scenario's, each with its partitions: automatic topic creation is not modelled",
    "security.inter.broker.protocol": SECURITY,
    ...GROUP_COORDINATOR_KEYS,
  },
  notModelledPrefixes: SECURITY_PREFIXES,
};

/** Topic keys (`TopicConfig`) that TOPIC_CONFIG does not model. */
export const TOPIC_KEYS: KafkaKeyCatalogue = {
  notModelled: {
    ...COMPRESSION_LEVELS,
    "file.delete.delay.ms": "a segment is deleted at once in the model",
    "index.interval.bytes": "offset and time indexes are not modelled",
    "segment.index.bytes": "offset and time indexes are not modelled",
    "segment.jitter.ms": "segments roll at segment.ms exactly (no jitter)",
    "preallocate": "segment files are not preallocated in the model",
    "follower.replication.throttled.replicas": "replication quotas are not modelled",
    "leader.replication.throttled.replicas": "replication quotas are not modelled",
    "local.retention.bytes": "tiered storage (KIP-405) is not modelled",
    "local.retention.ms": "tiered storage (KIP-405) is not modelled",
    "remote.storage.enable": "tiered storage (KIP-405) is not modelled",
    "remote.log.copy.disable": "tiered storage (KIP-405) is not modelled",
    "remote.log.delete.on.disable": "tiered storage (KIP-405) is not modelled",
    "message.downconversion.enable": "the broker does not down-convert in the model",
    "message.timestamp.type": "a record's timestamp is the leader's append time in the model (as LogAppendTime); the choice is not modelled",
    "message.timestamp.difference.max.ms": "timestamp validation is not modelled",
    "message.timestamp.before.max.ms": "timestamp validation is not modelled",
    "message.timestamp.after.max.ms": "timestamp validation is not modelled",
  },
};
