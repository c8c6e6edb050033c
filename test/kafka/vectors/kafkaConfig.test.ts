import { describe, expect, it } from "vitest";
import { BROKER_CONFIG, type KafkaConfig } from "../../../src/kafka/config/brokerConfig.js";
import { brokerConfigConflicts } from "../../../src/kafka/config/brokerConfigConflicts.js";
import { logDefaults, type LogDefaults } from "../../../src/kafka/broker/brokerSettings.js";

// Vectors from Kafka's core/src/test/scala/unit/kafka/server/KafkaConfigTest.scala (apache/kafka 1eb7644): which
// broker settings Kafka refuses (the ConfigDef's validators, then KafkaConfig.validateValues and
// GroupCoordinatorConfig's constructor) and what it derives from the others (logRetentionTimeMillis,
// logRollTimeMillis), run against kafkasim's BROKER_CONFIG (ConfigDef.validate), brokerConfigConflicts and
// brokerSettings.logDefaults, the code a scenario's cluster.config goes through.
//
// Shapes adapted:
// - `KafkaConfig.fromProps(props)` is `fromProps(props)`: it throws where Kafka throws (ConfigException from a
//   validator, IllegalArgumentException from validateValues), else answers the resolved config and the log defaults
//   it gives topics. `TestUtils.createBrokerConfig(0, zkConnect, port = 8181)` is an empty map: kafkasim's brokers
//   have no listeners, ids or ZooKeeper to configure.
// - `cfg.logRetentionTimeMillis` is logDefaults(cfg).retentionMs, `cfg.logRollTimeMillis` logDefaults(cfg).segmentMs,
//   `serverConfig.compressionType` the resolved compression.type.
// - testFromPropsInvalid walks `KafkaConfig.configNames`; here the names kafkasim models (BROKER_CONFIG.names()), each
//   with the values Kafka's test refuses for it (its `match`; the default case is "not_a_number" and "-1"; the keys
//   it ignores as strings are skipped as it skips them).
//
// Not ported, with why: listeners, advertised listeners, security protocols, node and broker ids, process roles,
// quorum voters, ZooKeeper and migration (kafkasim's processes have one PLAINTEXT listener and fixed ids), compression
// levels (KIP-390, not modelled), share groups (KIP-932), group.coordinator.rebalance.protocols and
// group.consumer.migration.policy (both protocols always on, no migration), dynamic configs (brokerAlterConfig.test.ts),
// remote storage, metadata log dirs, SASL/JWKS and authorizers.

/** `KafkaConfig.fromProps(props)`: throws as Kafka does, else the resolved config and its topic defaults. */
function fromProps(props: Record<string, unknown>): { cfg: KafkaConfig; log: LogDefaults } {
  const problems = BROKER_CONFIG.validate(props);
  if (problems.length > 0) throw new Error(`ConfigException: ${problems.map((p) => `${p.key} ${p.message}`).join("; ")}`);
  const cfg = BROKER_CONFIG.resolve(props);
  const conflicts = brokerConfigConflicts(cfg, new Set(Object.keys(props)));
  if (conflicts.length > 0) throw new Error(`IllegalArgumentException: ${conflicts.map((p) => `${p.key} ${p.message}`).join("; ")}`);
  return { cfg, log: logDefaults(cfg) };
}

const HOUR = 60 * 60 * 1000;

/**
 * KafkaConfigTest.testFromPropsInvalid's `match`, for the keys kafkasim models: the values each is refused with.
 * `null`: Kafka's test skips it (`// ignore string`). A key not listed takes the default case.
 */
const INVALID_VALUES: Record<string, string[] | null> = {
  "num.io.threads": ["not_a_number", "0"],
  "request.timeout.ms": ["not_a_number"],
  "socket.connection.setup.timeout.ms": ["not_a_number"],
  "socket.connection.setup.timeout.max.ms": ["not_a_number"],
  "broker.heartbeat.interval.ms": ["not_a_number"],
  "broker.session.timeout.ms": ["not_a_number"],
  "initial.broker.registration.timeout.ms": ["not_a_number"],
  "metadata.max.retention.bytes": ["not_a_number"],
  "metadata.max.retention.ms": ["not_a_number"],
  "queued.max.requests": ["not_a_number", "0"],
  "num.network.threads": ["not_a_number", "0"],
  "log.segment.bytes": ["not_a_number", "11"], // Records.LOG_OVERHEAD - 1
  "log.roll.ms": ["not_a_number", "0"],
  "log.roll.hours": ["not_a_number", "0"],
  "log.retention.ms": ["not_a_number", "0"],
  "log.retention.minutes": ["not_a_number", "0"],
  "log.retention.hours": ["not_a_number", "0"],
  "log.retention.bytes": ["not_a_number"],
  "log.retention.check.interval.ms": ["not_a_number", "0"], // LOG_CLEANUP_INTERVAL_MS_CONFIG
  "log.cleanup.policy": ["unknown_policy", "0"],
  "log.cleaner.enable": ["not_a_boolean"],
  "log.cleaner.delete.retention.ms": ["not_a_number"],
  "log.cleaner.min.compaction.lag.ms": ["not_a_number"],
  "log.cleaner.max.compaction.lag.ms": ["not_a_number"],
  "log.cleaner.min.cleanable.ratio": ["not_a_number"],
  "log.flush.interval.messages": ["not_a_number", "0"],
  "log.flush.interval.ms": ["not_a_number"],
  "min.insync.replicas": ["not_a_number", "0"],
  "default.replication.factor": ["not_a_number"],
  "replica.lag.time.max.ms": ["not_a_number"],
  "replica.socket.timeout.ms": ["not_a_number", "-2"],
  "replica.fetch.max.bytes": ["not_a_number"],
  "replica.fetch.wait.max.ms": ["not_a_number"],
  "replica.fetch.min.bytes": ["not_a_number"],
  "replica.fetch.response.max.bytes": ["not_a_number"],
  "num.replica.fetchers": ["not_a_number"],
  "replica.high.watermark.checkpoint.interval.ms": ["not_a_number"],
  "auto.leader.rebalance.enable": ["not_a_boolean", "0"],
  "leader.imbalance.check.interval.seconds": ["not_a_number"],
  "unclean.leader.election.enable": ["not_a_boolean", "0"],
  "group.min.session.timeout.ms": ["not_a_number"],
  "group.max.session.timeout.ms": ["not_a_number"],
  "group.initial.rebalance.delay.ms": ["not_a_number"],
  "offsets.topic.replication.factor": ["not_a_number", "0"],
  "offsets.topic.num.partitions": ["not_a_number", "0"],
  "offsets.retention.minutes": ["not_a_number", "0"],
  "offsets.retention.check.interval.ms": ["not_a_number", "0"],
  "transactional.id.expiration.ms": ["not_a_number", "0", "-2"],
  "transaction.max.timeout.ms": ["not_a_number", "0", "-2"],
  "transaction.state.log.min.isr": ["not_a_number", "0", "-2"],
  "transaction.state.log.num.partitions": ["not_a_number", "0", "-2"],
  "transaction.state.log.replication.factor": ["not_a_number", "0", "-2"],
  "controller.quorum.election.timeout.ms": ["not_a_number"],
  "controller.quorum.fetch.timeout.ms": ["not_a_number"],
  "controller.quorum.election.backoff.max.ms": ["not_a_number"],
  "controller.quorum.request.timeout.ms": ["not_a_number"],
  "controller.quorum.retry.backoff.ms": ["not_a_number"],
  "group.consumer.session.timeout.ms": ["not_a_number", "0", "-1"],
  "group.consumer.min.session.timeout.ms": ["not_a_number", "0", "-1"],
  "group.consumer.max.session.timeout.ms": ["not_a_number", "0", "-1"],
  "group.consumer.heartbeat.interval.ms": ["not_a_number", "0", "-1"],
  "group.consumer.min.heartbeat.interval.ms": ["not_a_number", "0", "-1"],
  "group.consumer.max.heartbeat.interval.ms": ["not_a_number", "0", "-1"],
  "group.consumer.assignors": null,
};

describe("KafkaConfigTest", () => {
  it("testLogRetentionTimeHoursProvided", () => {
    expect(fromProps({ "log.retention.hours": "1" }).log.retentionMs).toBe(60 * 60 * 1000);
  });

  it("testLogRetentionTimeMinutesProvided", () => {
    expect(fromProps({ "log.retention.minutes": "30" }).log.retentionMs).toBe(30 * 60 * 1000);
  });

  it("testLogRetentionTimeMsProvided", () => {
    expect(fromProps({ "log.retention.ms": "1800000" }).log.retentionMs).toBe(30 * 60 * 1000);
  });

  it("testLogRetentionTimeNoConfigProvided", () => {
    expect(fromProps({}).log.retentionMs).toBe(24 * 7 * HOUR);
  });

  it("testLogRetentionTimeBothMinutesAndHoursProvided: minutes win", () => {
    expect(fromProps({ "log.retention.minutes": "30", "log.retention.hours": "1" }).log.retentionMs).toBe(30 * 60 * 1000);
  });

  it("testLogRetentionTimeBothMinutesAndMsProvided: ms win", () => {
    expect(fromProps({ "log.retention.ms": "1800000", "log.retention.minutes": "10" }).log.retentionMs).toBe(30 * 60 * 1000);
  });

  it("testLogRetentionUnlimited: -1 in any unit is unlimited; 0 ms is refused", () => {
    expect(fromProps({ "log.retention.ms": "-1" }).log.retentionMs, "Should be -1").toBe(-1);
    expect(fromProps({ "log.retention.minutes": "-1" }).log.retentionMs, "Should be -1").toBe(-1);
    expect(fromProps({ "log.retention.hours": "-1" }).log.retentionMs, "Should be -1").toBe(-1);
    expect(fromProps({ "log.retention.ms": "-1", "log.retention.minutes": "30" }).log.retentionMs, "Should be -1").toBe(-1);
    expect(() => fromProps({ "log.retention.ms": "0" })).toThrow(/IllegalArgumentException/);
  });

  it("testLogRetentionValid: a retention of 0 in any unit is refused", () => {
    expect(() => fromProps({ "log.retention.ms": "0" })).toThrow(/IllegalArgumentException/);
    expect(() => fromProps({ "log.retention.minutes": "0" })).toThrow(/IllegalArgumentException/);
    expect(() => fromProps({ "log.retention.hours": "0" })).toThrow(/IllegalArgumentException/);
  });

  it("testUncleanLeaderElectionDefault", () => {
    expect(fromProps({}).cfg["unclean.leader.election.enable"]).toBe(false);
  });

  it("testUncleanElectionDisabled", () => {
    expect(fromProps({ "unclean.leader.election.enable": String(false) }).cfg["unclean.leader.election.enable"]).toBe(false);
  });

  it("testUncleanElectionEnabled", () => {
    expect(fromProps({ "unclean.leader.election.enable": String(true) }).cfg["unclean.leader.election.enable"]).toBe(true);
  });

  it("testUncleanElectionInvalid", () => {
    expect(() => fromProps({ "unclean.leader.election.enable": "invalid" })).toThrow(/ConfigException/);
  });

  it("testLogRollTimeMsProvided", () => {
    expect(fromProps({ "log.roll.ms": "1800000" }).log.segmentMs).toBe(30 * 60 * 1000);
  });

  it("testLogRollTimeBothMsAndHoursProvided: ms win", () => {
    expect(fromProps({ "log.roll.ms": "1800000", "log.roll.hours": "1" }).log.segmentMs).toBe(30 * 60 * 1000);
  });

  it("testLogRollTimeNoConfigProvided", () => {
    expect(fromProps({}).log.segmentMs).toBe(24 * 7 * HOUR);
  });

  it("testDefaultCompressionType", () => {
    expect(fromProps({}).cfg["compression.type"]).toBe("producer");
  });

  it("testValidCompressionType", () => {
    expect(fromProps({ "compression.type": "gzip" }).cfg["compression.type"]).toBe("gzip");
  });

  it("testInvalidCompressionType", () => {
    expect(() => fromProps({ "compression.type": "abc" })).toThrow(/ConfigException/);
  });

  it("testFromPropsInvalid: every modelled broker key refuses the values Kafka's test gives it", () => {
    // To ensure a basis is valid.
    expect(() => fromProps({})).not.toThrow();
    const names = BROKER_CONFIG.names();
    expect(names.length).toBeGreaterThan(40);
    for (const name of names) {
      const values = Object.hasOwn(INVALID_VALUES, name) ? INVALID_VALUES[name] : ["not_a_number", "-1"];
      if (values === null) continue;
      for (const value of values) expect(() => fromProps({ [name]: value }), `${name}=${value} should be refused`).toThrow();
    }
  });

  it("testConsumerGroupSessionTimeoutValidation", () => {
    // Max should be greater than or equal to min.
    const props: Record<string, string> = { "group.consumer.min.session.timeout.ms": "20", "group.consumer.max.session.timeout.ms": "10" };
    expect(() => fromProps(props)).toThrow(/IllegalArgumentException/);
    // The timeout should be within the min-max range.
    props["group.consumer.min.session.timeout.ms"] = "10";
    props["group.consumer.max.session.timeout.ms"] = "20";
    props["group.consumer.session.timeout.ms"] = "5";
    expect(() => fromProps(props)).toThrow(/IllegalArgumentException/);
    props["group.consumer.session.timeout.ms"] = "25";
    expect(() => fromProps(props)).toThrow(/IllegalArgumentException/);
  });

  it("testConsumerGroupHeartbeatIntervalValidation", () => {
    // Max should be greater than or equal to min.
    const props: Record<string, string> = { "group.consumer.min.heartbeat.interval.ms": "20", "group.consumer.max.heartbeat.interval.ms": "10" };
    expect(() => fromProps(props)).toThrow(/IllegalArgumentException/);
    // The interval should be within the min-max range.
    props["group.consumer.min.heartbeat.interval.ms"] = "10";
    props["group.consumer.max.heartbeat.interval.ms"] = "20";
    props["group.consumer.heartbeat.interval.ms"] = "5";
    expect(() => fromProps(props)).toThrow(/IllegalArgumentException/);
    props["group.consumer.heartbeat.interval.ms"] = "25";
    expect(() => fromProps(props)).toThrow(/IllegalArgumentException/);
  });
});
