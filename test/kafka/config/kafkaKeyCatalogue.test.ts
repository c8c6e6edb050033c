import { describe, expect, it } from "vitest";
import { BROKER_CONFIG, TOPIC_CONFIG } from "../../../src/kafka/config/brokerConfig.js";
import { CONSUMER_CONFIG } from "../../../src/kafka/config/consumerConfig.js";
import { PRODUCER_CONFIG } from "../../../src/kafka/config/producerConfig.js";
import { parseScenario } from "../../../src/scenario/load.js";
import { ScenarioError } from "../../../src/scenario/errors.js";

/**
 * A scenario written from a real client's properties: Kafka's own keys are never "unknown". Those that change nothing
 * the model does are accepted with a warning; those that would change what happens are refused with why.
 */
const scenario = (producer: string, consumer = "", cluster = "", topic = "") =>
  parseScenario(
    `name: keys
description: Kafka keys the model does not model
duration: 5s
cluster:
  brokers: 3
  config: { ${cluster} }
  topics: [{ name: t, partitions: 1, replicationFactor: 3, config: { ${topic} } }]
clients:
  - { id: p, kind: producer, config: { ${producer} }, workload: { topic: t, rate: 10 } }
  - { id: c, kind: consumer, config: { ${consumer} }, workload: { assign: { topic: t } } }
`,
    "keys.yaml",
  );

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error("accepted");
}

describe("Kafka keys the model does not model", () => {
  it("a client's bootstrap.servers, client.id and (de)serializers are accepted, and the run is told they do nothing", () => {
    const s = scenario(
      'bootstrap.servers: "kafka-1:9092,kafka-2:9092", client.id: payments, key.serializer: org.apache.kafka.common.serialization.StringSerializer, acks: all',
      "key.deserializer: org.apache.kafka.common.serialization.StringDeserializer, check.crcs: true",
    );
    expect(s.warnings).toEqual([
      expect.stringMatching(/^clients\[0\]\.config: bootstrap\.servers has no effect in the model \(the simulated clients find the cluster without a bootstrap list\); client\.id has no effect in the model .*; key\.serializer has no effect in the model \(records are modelled as keys and values of a known size: nothing is serialised\)$/),
      expect.stringMatching(/^clients\[1\]\.config: key\.deserializer has no effect .*; check\.crcs has no effect in the model \(no corruption is modelled/),
    ]);
    // Accepted and ignored: the resolved config is Kafka's defaults plus the modelled keys only.
    expect(Object.keys(PRODUCER_CONFIG.resolve({ "client.id": "x", acks: "all" }))).not.toContain("client.id");
  });

  it("broker keys that say where a process listens or keeps its logs are accepted with a warning", () => {
    const s = scenario("", "", 'log.dirs: /var/lib/kafka, listeners: "PLAINTEXT://:9092"');
    expect(s.warnings).toEqual([expect.stringMatching(/^cluster\.config: log\.dirs has no effect in the model \(each simulated broker has one log directory on its own disk\); listeners has no effect/)]);
  });

  it("a config without such keys has no warning (the quiet case)", () => {
    expect(scenario("acks: all", "isolation.level: read_committed").warnings).toBeUndefined();
  });

  it("a Kafka key that would change what happens is refused with why, at its path, not as unknown", () => {
    expect(refusal(() => scenario("security.protocol: SASL_SSL"))).toMatch(/clients\[0\]\.config\.security\.protocol: producer config "security\.protocol" is Kafka's but not modelled: security \(TLS, SASL\) is not modelled/);
    expect(refusal(() => scenario("", "ssl.truststore.location: /etc/ts.jks"))).toMatch(/clients\[1\]\.config\.ssl\.truststore\.location: consumer config "ssl\.truststore\.location" is Kafka's but not modelled: security/);
    expect(refusal(() => scenario("", "client.rack: us-east-1a"))).toMatch(/consumer config "client\.rack" is Kafka's but not modelled/);
    expect(refusal(() => scenario("", "", "broker.rack: us-east-1a"))).toMatch(/cluster\.config\.broker\.rack: broker config "broker\.rack" is Kafka's but not modelled: racks are not modelled/);
    expect(refusal(() => scenario("", "", "", "message.timestamp.type: LogAppendTime"))).toMatch(/cluster\.topics\[0\]\.config\.message\.timestamp\.type: topic config .* is Kafka's but not modelled/);
  });

  it("the group coordinator's keys a broker file carries are Kafka's, never unknown (GroupCoordinatorConfig, Kafka 4)", () => {
    // An outsider's scenario from offsets.retention.minutes incidents (librdkafka#1442, pykafka#504) was told "unknown
    // broker config"; the key is modelled since (offsetExpiration.ts) and takes GroupCoordinatorConfig's atLeast(1).
    expect(() => scenario("", "", "offsets.retention.minutes: 1")).not.toThrow();
    expect(refusal(() => scenario("", "", "offsets.retention.minutes: 0"))).toMatch(/cluster\.config\.offsets\.retention\.minutes: must be an integer in \[1,\.\.\.\] \(got 0\)/);
    expect(refusal(() => scenario("", "", "offsets.retention.commit.timeout.ms: 1"))).toMatch(/unknown broker config/);
    const keys = `group.consumer.assignors group.consumer.heartbeat.interval.ms group.consumer.max.heartbeat.interval.ms group.consumer.max.session.timeout.ms group.consumer.max.size group.consumer.migration.policy group.consumer.min.heartbeat.interval.ms group.consumer.min.session.timeout.ms group.consumer.session.timeout.ms group.coordinator.append.linger.ms group.coordinator.new.enable group.coordinator.rebalance.protocols group.coordinator.threads group.initial.rebalance.delay.ms group.max.session.timeout.ms group.max.size group.min.session.timeout.ms group.share.heartbeat.interval.ms group.share.max.heartbeat.interval.ms group.share.max.session.timeout.ms group.share.max.size group.share.min.heartbeat.interval.ms group.share.min.session.timeout.ms group.share.session.timeout.ms offset.metadata.max.bytes offsets.commit.timeout.ms offsets.load.buffer.size offsets.retention.check.interval.ms offsets.retention.minutes offsets.topic.compression.codec offsets.topic.num.partitions offsets.topic.replication.factor offsets.topic.segment.bytes`.split(" ");
    const unknown = keys.filter((k) => BROKER_CONFIG.key(k) === undefined && BROKER_CONFIG.validate({ [k]: 1 }).some((p) => /unknown/.test(p.message)));
    expect(unknown).toEqual([]);
  });

  it("a key Kafka does not have is still unknown, with the nearest key, ignored ones included", () => {
    expect(refusal(() => scenario("bootstrap.server: x"))).toMatch(/unknown producer config "bootstrap\.server"; did you mean "bootstrap\.servers"\?/);
    expect(refusal(() => scenario("ssl.: x"))).toMatch(/unknown producer config "ssl\."/);
    expect(refusal(() => scenario("linger.mss: 5"))).toMatch(/did you mean "linger\.ms"\?/);
  });

  it("an ignored key still takes only what a properties file could hold", () => {
    expect(refusal(() => scenario("client.id: { a: 1 }"))).toMatch(/clients\[0\]\.config\.client\.id: must be a string, a number, true\/false or a list of strings \(got \{"a":1\}\)/);
  });

  it("no key is both modelled and catalogued as unmodelled or ignored", () => {
    for (const def of [PRODUCER_CONFIG, CONSUMER_CONFIG, BROKER_CONFIG, TOPIC_CONFIG])
      for (const name of def.names()) {
        expect(def.inertKeys({ [name]: 1 })).toEqual([]);
        expect(def.validate({ [name]: "\u0000not a value" }).every((p) => !p.message.includes("not modelled"))).toBe(true);
      }
  });
});
