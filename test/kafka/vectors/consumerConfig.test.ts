import { describe, expect, it } from "vitest";
import { CONSUMER_CONFIG, consumerConfigConflicts, consumerSettings, type ConsumerSettings } from "../../../src/kafka/config/consumerConfig.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/ConsumerConfigTest.java (apache/kafka
// 1eb7644): which consumer settings Kafka refuses and what it makes of the others, run against kafkasim's
// CONSUMER_CONFIG (ConfigDef.validate), consumerConfigConflicts and consumerSettings, the code a scenario's consumer
// config goes through.
//
// Shapes adapted:
// - `new ConsumerConfig(props)` is `newConsumerConfig(props)`: it throws where Kafka throws a ConfigException
//   (InvalidConfigurationException), else answers the settings the consumer runs with; the deserializers of the
//   test's setUp are kept in the props (kafkasim accepts them and ignores them).
// - `config.getBoolean(ENABLE_AUTO_COMMIT_CONFIG)` is `settings.enableAutoCommit`; `getList(PARTITION_ASSIGNMENT_
//   STRATEGY_CONFIG)` the assignors by kafkasim's short names (RangeAssignor is "range", CooperativeStickyAssignor
//   "cooperative-sticky"); `getString(GROUP_PROTOCOL_CONFIG)` the protocol — Kafka keeps the spelling written
//   ("Consumer") and reads it case-insensitively (GroupProtocol.valueOf(toUpperCase)); kafkasim stores the listed
//   spelling, so the vector compares without case.
// - testRemoteAssignorConfig sets group.remote.assignor=SomeAssignor: Kafka's client takes any name and the broker
//   answers one it lacks with UNSUPPORTED_ASSIGNOR; kafkasim refuses such a name at config time (documented in
//   consumerConfigConflicts), so the vector names an assignor the broker has ("range").
//
// Not ported, with why: client.id generation (testOverrideClientId: kafkasim names clients by scenario id),
// deserializers (appendDeserializerToConfig: nothing is deserialised), security.protocol and
// metadata.recovery.strategy (not modelled: refused whatever their value), and
// ensureDefaultThrowOnUnsupportedStableFlagToFalse (an internal key the model has not).

const BASE = {
  "key.deserializer": "org.apache.kafka.common.serialization.ByteArrayDeserializer",
  "value.deserializer": "org.apache.kafka.common.serialization.StringDeserializer",
};

/** `new ConsumerConfig(props)`: throws as Kafka's constructor does, else the settings the consumer runs with. */
function newConsumerConfig(props: Record<string, unknown>): ConsumerSettings & { groupProtocolWritten: string } {
  const problems = CONSUMER_CONFIG.validate(props);
  if (problems.length > 0) throw new Error(`ConfigException: ${problems.map((p) => `${p.key} ${p.message}`).join("; ")}`);
  const c = CONSUMER_CONFIG.resolve(props);
  const explicit = new Set(Object.keys(props));
  const conflicts = consumerConfigConflicts(c, explicit, props);
  if (conflicts.length > 0) throw new Error(`ConfigException: ${conflicts.map((p) => `${p.key} ${p.message}`).join("; ")}`);
  return { ...consumerSettings(c, explicit), groupProtocolWritten: c["group.protocol"] };
}

describe("ConsumerConfigTest", () => {
  it("testOverrideEnableAutoCommit: enable.auto.commit=true needs a group.id; with one it defaults to true", () => {
    const properties: Record<string, unknown> = { ...BASE };
    // Our default properties (no 'enable.auto.commit' or 'group.id') are valid.
    expect(newConsumerConfig(properties).enableAutoCommit).toBe(false);
    // Explicitly disabling 'enable.auto.commit' still works.
    properties["enable.auto.commit"] = "false";
    expect(newConsumerConfig(properties).enableAutoCommit).toBe(false);
    // Enabling 'enable.auto.commit' but without 'group.id' fails.
    properties["enable.auto.commit"] = "true";
    expect(() => newConsumerConfig(properties)).toThrow(/enable\.auto\.commit/);
    // Adding 'group.id' to the mix allows it to pass.
    properties["group.id"] = "test-group";
    expect(newConsumerConfig(properties).enableAutoCommit).toBe(true);
    // Without the 'enable.auto.commit' flag it is true (the default).
    delete properties["enable.auto.commit"];
    expect(newConsumerConfig(properties).enableAutoCommit).toBe(true);
  });

  it("testDefaultPartitionAssignor: [RangeAssignor, CooperativeStickyAssignor]", () => {
    expect(newConsumerConfig(BASE).assignors).toEqual(["range", "cooperative-sticky"]);
  });

  it("testInvalidGroupInstanceId: an empty group.instance.id is refused, naming the key", () => {
    expect(() => newConsumerConfig({ ...BASE, "group.instance.id": "" })).toThrow(/group\.instance\.id/);
  });

  it("testDefaultConsumerGroupConfig: group.protocol is classic, group.remote.assignor null", () => {
    const consumerConfig = newConsumerConfig(BASE);
    expect(consumerConfig.groupProtocol).toBe("classic");
    expect(consumerConfig.remoteAssignor).toBeNull();
  });

  it("testRemoteAssignorConfig: group.remote.assignor is kept with group.protocol=consumer", () => {
    const remoteAssignorName = "range";
    const protocol = "consumer";
    const consumerConfig = newConsumerConfig({ ...BASE, "group.remote.assignor": remoteAssignorName, "group.protocol": protocol });
    expect(consumerConfig.groupProtocol).toBe(protocol);
    expect(consumerConfig.remoteAssignor).toBe(remoteAssignorName);
  });

  it("testRemoteAssignorWithClassicGroupProtocol: group.remote.assignor cannot be set when group.protocol=CLASSIC", () => {
    expect(() => newConsumerConfig({ ...BASE, "group.remote.assignor": "SomeAssignor" })).toThrow("group.remote.assignor cannot be set when group.protocol=CLASSIC");
  });

  it.each<[string, boolean]>([
    ["consumer", true],
    ["classic", true],
    ["Consumer", true],
    ["Classic", true],
    ["invalid", false],
  ])("testProtocolConfigValidation(%s, %s)", (protocol, isValid) => {
    const configs = { ...BASE, "group.protocol": protocol };
    if (isValid) expect(newConsumerConfig(configs).groupProtocolWritten.toLowerCase()).toBe(protocol.toLowerCase());
    else expect(() => newConsumerConfig(configs)).toThrow(/group\.protocol/);
  });
});
