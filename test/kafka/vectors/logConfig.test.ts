import { describe, expect, it } from "vitest";
import { BROKER_CONFIG, TOPIC_CONFIG } from "../../../src/kafka/config/brokerConfig.js";
import { topicConfigConflicts } from "../../../src/kafka/config/brokerConfigConflicts.js";

// Vectors from Kafka's core/src/test/scala/unit/kafka/log/LogConfigTest.scala (apache/kafka 1eb7644): which topic
// config values Kafka refuses, run against kafkasim's TOPIC_CONFIG (ConfigDef.validate) and topicConfigConflicts
// (LogConfig.validateValues, with the broker's defaults for the keys the topic does not set).
//
// Shapes adapted:
// - testFromPropsInvalid walks `LogConfig.configNames`; here the names kafkasim models (TOPIC_CONFIG.names()), each
//   with the values Kafka's test refuses for it (its `match`, the default case being "not_a_number" and "-1").
//   `new LogConfig(props)` is TOPIC_CONFIG.validate(props) finding a problem with that key.
// - `LogConfig.validate(props)` is validate + topicConfigConflicts against a broker with Kafka's defaults.
//
// Not ported, with why: the KafkaConfig → LogConfig mapping and the html/rst renderings (testKafkaConfigToProps,
// ensureNoStaticInitializationOrderDependency, testToHtml*, testToRst, testGetConfigValue: documentation and
// Kafka's static initialisation), throttled replica lists (replication quotas are not modelled), tiered storage
// (local retention, remote.storage.enable, remote.log.*: not modelled), message timestamps (not modelled), loggable
// strings, and JBOD with metadata versions.

/** LogConfigTest.assertPropertyInvalid: each value alone is refused for `name`. */
function assertPropertyInvalid(name: string, ...values: string[]): void {
  for (const value of values) {
    const problems = TOPIC_CONFIG.validate({ [name]: value });
    expect(problems.map((p) => p.key), `Property ${name} should not allow ${value}`).toEqual([name]);
  }
}

/** `LogConfig.validate(props)`: the problems of each value and of the values together (a broker with Kafka's defaults). */
function validate(props: Record<string, string>): string[] {
  const problems = TOPIC_CONFIG.validate(props).map((p) => `${p.key}: ${p.message}`);
  if (problems.length > 0) return problems;
  return topicConfigConflicts(TOPIC_CONFIG.overrides(props), BROKER_CONFIG.resolve({})).map((c) => `${c.key}: ${c.message}`);
}

describe("LogConfigTest", () => {
  it("testFromPropsInvalid: every modelled topic key refuses the values Kafka's test gives it", () => {
    const names = TOPIC_CONFIG.names();
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      switch (name) {
        case "unclean.leader.election.enable":
          assertPropertyInvalid(name, "not a boolean");
          break;
        case "retention.bytes":
          assertPropertyInvalid(name, "not_a_number");
          break;
        case "retention.ms":
          assertPropertyInvalid(name, "not_a_number");
          break;
        case "cleanup.policy":
          assertPropertyInvalid(name, "true", "foobar");
          break;
        case "min.cleanable.dirty.ratio":
          assertPropertyInvalid(name, "not_a_number", "-0.1", "1.2");
          break;
        case "min.insync.replicas":
          assertPropertyInvalid(name, "not_a_number", "0", "-1");
          break;
        case "message.format.version":
          assertPropertyInvalid(name, "");
          break;
        default:
          assertPropertyInvalid(name, "not_a_number", "-1");
      }
    }
  });

  it("testInvalidCompactionLagConfig: max.compaction.lag.ms=100 with min.compaction.lag.ms=200 is refused", () => {
    expect(validate({ "max.compaction.lag.ms": "100", "min.compaction.lag.ms": "200" })).not.toEqual([]);
    // Its neighbour: the two in order are accepted.
    expect(validate({ "max.compaction.lag.ms": "200", "min.compaction.lag.ms": "100" })).toEqual([]);
  });
});
