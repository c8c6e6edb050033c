import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/runner/run.js";
import { ScenarioError } from "../../../src/scenario/errors.js";
import { parseScenario } from "../../../src/scenario/load.js";
import type { ResolvedScenario } from "../../../src/scenario/resolved.js";

/**
 * Config values as Kafka's own ConfigDefs and constructors judge them (ProducerConfig, ConsumerConfig, LogConfig,
 * KafkaConfig.validateValues): what Kafka refuses is refused, naming the path and what is allowed in Kafka's words;
 * what Kafka accepts is accepted. Each case is a pair: the value that fires and its neighbour that stays quiet.
 */
function scenario(opts: { producer?: string; consumer?: string; cluster?: string; topic?: string; rf?: number } = {}): string {
  return `name: cfg
description: config validation
duration: 5s
cluster:
  brokers: 3
  config: { ${opts.cluster ?? ""} }
  topics: [{ name: t, partitions: 1, replicationFactor: ${opts.rf ?? 3}, config: { ${opts.topic ?? ""} } }]
clients:
  - { id: p, kind: producer, config: { ${opts.producer ?? ""} }, workload: { topic: t, rate: 10 } }
  - { id: c, kind: consumer, config: { ${opts.consumer ?? ""} }, workload: { assign: { topic: t } } }
`;
}

const groupScenario = (consumer: string) =>
  `name: cfg
description: config validation
duration: 5s
cluster:
  brokers: 3
  topics: [{ name: t, partitions: 1, replicationFactor: 3 }]
clients:
  - { id: c, kind: consumer, config: { group.id: g, ${consumer} }, workload: { subscribe: [t] } }
`;

const load = (text: string): ResolvedScenario => parseScenario(text, "cfg.yaml");

/** The one-line refusal of a scenario (path: problem), or a failure when it was accepted. */
function refusal(text: string): string {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error("accepted");
}

const producerSettings = (s: ResolvedScenario) => {
  const p = s.clients[0];
  if (p.kind !== "producer") throw new Error("not a producer");
  return p.settings;
};
const consumerSettings = (s: ResolvedScenario) => {
  const c = s.clients.find((x) => x.kind === "consumer" || x.kind === "group-consumer");
  if (!c || (c.kind !== "consumer" && c.kind !== "group-consumer")) throw new Error("not a consumer");
  return c.settings;
};

describe("ranges in Kafka's words (ConfigDef.Range.toString)", () => {
  it("an atLeast(1) key says [1,...], a between(1, 32767) key [1,...,32767]; the bounds themselves are accepted", () => {
    expect(refusal(scenario({ producer: "max.in.flight.requests.per.connection: 0" }))).toMatch(/clients\[0\]\.config\.max\.in\.flight\.requests\.per\.connection: must be an integer in \[1,\.\.\.\] \(got 0\)/);
    expect(producerSettings(load(scenario({ producer: "max.in.flight.requests.per.connection: 1" }))).maxInFlight).toBe(1);
    // offsets.topic.replication.factor is a SHORT in GroupCoordinatorConfig.
    expect(refusal(scenario({ cluster: "offsets.topic.replication.factor: 40000" }))).toContain("cluster.config.offsets.topic.replication.factor: must be an integer in [1,...,32767] (got 40000)");
    expect(load(scenario({ cluster: "offsets.topic.replication.factor: 3" })).brokerConfig["offsets.topic.replication.factor"]).toBe(3);
  });

  it("an int past 2^31 - 1 is refused as Kafka fails to parse it (not a number of type INT), whatever its range", () => {
    expect(refusal(scenario({ producer: "batch.size: 3000000000" }))).toContain("must be an integer in [0,...] that fits an int (-2147483648 to 2147483647) (got 3000000000)");
    expect(producerSettings(load(scenario({ producer: "batch.size: 2147483647" }))).batchSize).toBe(2147483647);
  });

  it("the thread and internal-topic partition counts are atLeast(1) with no upper bound, as in Kafka", () => {
    const s = load(scenario({ cluster: "num.io.threads: 2000, num.network.threads: 1500, offsets.topic.num.partitions: 1500, transaction.state.log.num.partitions: 1200" }));
    expect([s.brokerConfig["num.io.threads"], s.brokerConfig["num.network.threads"], s.brokerConfig["offsets.topic.num.partitions"], s.brokerConfig["transaction.state.log.num.partitions"]]).toEqual([2000, 1500, 1500, 1200]);
    expect(refusal(scenario({ cluster: "num.io.threads: 0" }))).toContain("cluster.config.num.io.threads: must be an integer in [1,...] (got 0)");
  });
});

describe("values written as text, read as ConfigDef.parseType reads them", () => {
  it("a STRING is trimmed before its validator (\" all \" is acks=all) and a BOOLEAN is true or false in any case; other words are refused", () => {
    const s = producerSettings(load(scenario({ producer: 'acks: " all ", enable.idempotence: "TRUE", partitioner.ignore.keys: " False "' })));
    expect([s.acks, s.idempotence, s.partitionerIgnoreKeys]).toEqual([-1, true, false]);
    expect(refusal(scenario({ producer: 'enable.idempotence: "yes"' }))).toContain('clients[0].config.enable.idempotence: must be true or false (got "yes")');
    expect(refusal(scenario({ producer: 'acks: "ALL"' }))).toContain('clients[0].config.acks: must be one of "all", "-1", "0", "1" (got "ALL")');
  });

  it("a blank transactional.id is empty once trimmed: NonEmptyString refuses it", () => {
    const txn = scenario({ producer: 'transactional.id: "  "' }).replace("workload: { topic: t, rate: 10 }", "workload: { transactions: { topic: t } }");
    expect(refusal(txn)).toContain("clients[0].config.transactional.id: must be a non-empty string");
  });
});

describe("producer (ProducerConfig, KafkaProducer)", () => {
  it("max.request.size is atLeast(0): 0 is accepted, -1 refused", () => {
    expect(producerSettings(load(scenario({ producer: "max.request.size: 0" }))).maxRequestSize).toBe(0);
    expect(refusal(scenario({ producer: "max.request.size: -1" }))).toContain("clients[0].config.max.request.size: must be an integer in [0,...] (got -1)");
  });

  it("transactional.id is a NonEmptyString: \"\" is refused, a name accepted", () => {
    const txn = (id: string) => scenario({ producer: `transactional.id: ${id}` }).replace("workload: { topic: t, rate: 10 }", "workload: { transactions: { topic: t } }");
    expect(refusal(txn('""'))).toContain('clients[0].config.transactional.id: must be a non-empty string (Kafka\'s NonEmptyString: "String must be non-empty")');
    expect(load(txn("tx-1")).clients[0].kind).toBe("transactional-producer");
  });

  it("transaction.timeout.ms has no validator: 0 is taken, and the coordinator refuses it with INVALID_TRANSACTION_TIMEOUT (a fraction is still no int)", () => {
    const txn = (timeout: string) => scenario({ producer: `transactional.id: tx-1, transaction.timeout.ms: ${timeout}` }).replace("workload: { topic: t, rate: 10 }", "workload: { transactions: { topic: t } }");
    expect(refusal(txn("1.5"))).toContain("clients[0].config.transaction.timeout.ms: must be an integer (got 1.5)");
    const s = load(txn("0"));
    expect(s.clients[0].kind === "transactional-producer" && s.clients[0].settings.transactionTimeoutMs).toBe(0);
    const r = runScenario(s);
    const failures = r.history.ops.filter((op) => op.process === "p" && op.type === "fail").map((op) => (op.value as { error?: string } | null)?.error ?? op.error);
    expect(failures).toContain("INVALID_TRANSACTION_TIMEOUT");
  });

  it("delivery.timeout.ms against linger.ms + request.timeout.ms: the sum is capped at Integer.MAX_VALUE, as KafkaProducer.configureDeliveryTimeout caps it", () => {
    const s = load(scenario({ producer: "linger.ms: 2147483647, delivery.timeout.ms: 2147483647" }));
    expect(producerSettings(s).deliveryTimeoutMs).toBe(2147483647);
    expect(refusal(scenario({ producer: "delivery.timeout.ms: 1000" }))).toContain("clients[0].config.delivery.timeout.ms: should be equal to or larger than linger.ms + request.timeout.ms (30005)");
  });

  it("with a transactional.id and enable.idempotence left alone, acks=1 turns idempotence off and Kafka refuses the transactional.id; without a transactional.id it is accepted", () => {
    const txn = (config: string) => scenario({ producer: `transactional.id: tx-1, ${config}` }).replace("workload: { topic: t, rate: 10 }", "workload: { transactions: { topic: t } }");
    expect(refusal(txn("acks: 1"))).toContain('clients[0].config.acks: must be "all" (or -1) to use the idempotent producer: it turns idempotence off (enable.idempotence was not set), and a transactional.id needs it (ConfigException in Kafka: "Cannot set a transactional.id without also enabling idempotence.")');
    expect(refusal(txn("max.in.flight.requests.per.connection: 6"))).toContain("clients[0].config.max.in.flight.requests.per.connection: must be at most 5 while enable.idempotence is true (its default)");
    expect(refusal(txn("retries: 0"))).toContain("clients[0].config.retries");
    expect(producerSettings(load(scenario({ producer: "acks: 1" }))).idempotence).toBe(false);
  });

  it("max.in.flight above 5 is Kafka 4.0's ConfigException while idempotence is on, by default too (KAFKA-17927); enable.idempotence: false allows it", () => {
    expect(refusal(scenario({ producer: "max.in.flight.requests.per.connection: 10" }))).toContain('clients[0].config.max.in.flight.requests.per.connection: must be at most 5 while enable.idempotence is true (its default) (ConfigException in Kafka 4.0: "To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is 10."); set enable.idempotence: false to send more at once');
    expect(refusal(scenario({ producer: "acks: 1, max.in.flight.requests.per.connection: 10" }))).toContain("clients[0].config.max.in.flight.requests.per.connection: must be at most 5");
    const s = producerSettings(load(scenario({ producer: "enable.idempotence: false, max.in.flight.requests.per.connection: 10" })));
    expect([s.idempotence, s.maxInFlight]).toEqual([false, 10]);
  });

  it("enable.idempotence: true set explicitly with acks=1 is Kafka's own acks ConfigException; with acks=all it is accepted", () => {
    expect(refusal(scenario({ producer: "enable.idempotence: true, acks: 1" }))).toContain('"Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."');
    expect(producerSettings(load(scenario({ producer: "enable.idempotence: true, acks: all" }))).idempotence).toBe(true);
  });
});

describe("consumer (ConsumerConfig)", () => {
  it("group.protocol is a CaseInsensitiveValidString: CONSUMER and Consumer are the consumer protocol; another word is refused naming both", () => {
    expect(consumerSettings(load(groupScenario("group.protocol: CONSUMER"))).groupProtocol).toBe("consumer");
    expect(consumerSettings(load(groupScenario("group.protocol: Classic"))).groupProtocol).toBe("classic");
    expect(refusal(groupScenario("group.protocol: kip848"))).toContain('clients[0].config.group.protocol: must be one of (case insensitive) "classic", "consumer" (got "kip848")');
  });

  it("KIP-848 refuses session.timeout.ms, heartbeat.interval.ms and partition.assignment.strategy in Kafka's words; left out they are not missed", () => {
    expect(refusal(groupScenario("group.protocol: consumer, heartbeat.interval.ms: 1000"))).toContain("clients[0].config.heartbeat.interval.ms: cannot be set when group.protocol=CONSUMER");
    expect(refusal(groupScenario("group.protocol: consumer, partition.assignment.strategy: range"))).toContain("clients[0].config.partition.assignment.strategy: cannot be set when group.protocol=CONSUMER");
    expect(consumerSettings(load(groupScenario("group.protocol: consumer"))).groupProtocol).toBe("consumer");
  });

  it("group.remote.assignor with the classic protocol: a blank one is let be (Kafka checks only a non-blank value), a name refused", () => {
    expect(consumerSettings(load(groupScenario('group.remote.assignor: ""'))).groupProtocol).toBe("classic");
    expect(refusal(groupScenario("group.remote.assignor: uniform"))).toContain("clients[0].config.group.remote.assignor: cannot be set when group.protocol=CLASSIC");
  });

  it("group.instance.id is a NonEmptyString and follows Kafka's topic-name rules, whatever client.id says (GroupRebalanceConfig checks it first)", () => {
    expect(refusal(groupScenario('group.instance.id: ""'))).toContain("clients[0].config.group.instance.id: must be a non-empty string");
    expect(refusal(groupScenario('group.instance.id: "a b"'))).toContain(`clients[0].config.group.instance.id: must be 1–249 characters of [a-zA-Z0-9._-], not "." or "..": Group instance id is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`);
    expect(refusal(groupScenario('group.instance.id: ".."'))).toContain("'..' is not allowed");
    expect(refusal(groupScenario('group.instance.id: "a b", client.id: app'))).toContain("clients[0].config.group.instance.id");
    expect(consumerSettings(load(groupScenario("group.instance.id: static-1.a_b"))).groupInstanceId).toBe("static-1.a_b");
  });

  it("a group.id that is empty or whitespace is refused (InvalidGroupIdException); a name is taken trimmed", () => {
    expect(refusal(scenario({ consumer: 'group.id: " "' }))).toContain('clients[1].config.group.id: should not be an empty string or whitespace (InvalidGroupIdException in Kafka: "The configured group.id should not be an empty string or whitespace.")');
    expect(consumerSettings(load(groupScenario("auto.offset.reset: earliest").replace("group.id: g", 'group.id: " g "'))).groupId).toBe("g");
  });

  it("a group.instance.id without a group.id is accepted (it is still checked) and unused; enable.auto.commit: true without one is refused", () => {
    expect(consumerSettings(load(scenario({ consumer: "group.instance.id: s1" }))).groupInstanceId).toBe(null);
    expect(refusal(scenario({ consumer: 'group.instance.id: "s 1"' }))).toContain("clients[1].config.group.instance.id: must be 1–249 characters");
    expect(refusal(scenario({ consumer: "enable.auto.commit: true" }))).toContain("clients[1].config.enable.auto.commit: needs a group.id");
  });

  it("session.timeout.ms has no validator: an assign consumer may say 0; in a group Heartbeat refuses one not above heartbeat.interval.ms", () => {
    expect(consumerSettings(load(scenario({ consumer: "session.timeout.ms: 0" }))).sessionTimeoutMs).toBe(0);
    expect(refusal(groupScenario("session.timeout.ms: 0"))).toContain('clients[0].config.heartbeat.interval.ms: must be lower than session.timeout.ms (0) (IllegalArgumentException in Kafka: "Heartbeat must be set lower than the session timeout")');
    expect(consumerSettings(load(groupScenario("session.timeout.ms: 3001"))).sessionTimeoutMs).toBe(3001);
  });

  it("request.timeout.ms and default.api.timeout.ms are atLeast(0): 0 is accepted, -1 refused", () => {
    const c = consumerSettings(load(scenario({ consumer: "request.timeout.ms: 0, default.api.timeout.ms: 0" })));
    expect([c.requestTimeoutMs, c.defaultApiTimeoutMs]).toEqual([0, 0]);
    expect(refusal(scenario({ consumer: "default.api.timeout.ms: -1" }))).toContain("clients[1].config.default.api.timeout.ms: must be an integer in [0,...] (got -1)");
  });
});

describe("broker (KafkaConfig.validateValues)", () => {
  it("replica.fetch.wait.max.ms above replica.socket.timeout.ms is refused; equal is accepted", () => {
    expect(refusal(scenario({ cluster: "replica.fetch.wait.max.ms: 30001" }))).toContain("cluster.config.replica.fetch.wait.max.ms: replica.socket.timeout.ms (30000) should always be at least replica.fetch.wait.max.ms (30001)");
    expect(load(scenario({ cluster: "replica.fetch.wait.max.ms: 30000" })).brokerConfig["replica.fetch.wait.max.ms"]).toBe(30000);
  });

  it("replica.fetch.wait.max.ms above replica.lag.time.max.ms is refused, naming the key the scenario set", () => {
    expect(refusal(scenario({ cluster: "replica.lag.time.max.ms: 400" }))).toContain("cluster.config.replica.lag.time.max.ms: replica.fetch.wait.max.ms (500) should always be less than or equal to replica.lag.time.max.ms (400)");
    expect(load(scenario({ cluster: "replica.lag.time.max.ms: 500" })).brokerConfig["replica.lag.time.max.ms"]).toBe(500);
  });

  it("KIP-848's group.consumer.session.timeout.ms and heartbeat interval must lie within their min/max (GroupCoordinatorConfig) and in order", () => {
    expect(refusal(scenario({ cluster: "group.consumer.session.timeout.ms: 10000" }))).toContain("cluster.config.group.consumer.session.timeout.ms: group.consumer.session.timeout.ms (10000) must be greater than or equal to group.consumer.min.session.timeout.ms (45000)");
    expect(refusal(scenario({ cluster: "group.consumer.heartbeat.interval.ms: 20000" }))).toContain("group.consumer.heartbeat.interval.ms (20000) must be less than or equal to group.consumer.max.heartbeat.interval.ms (15000)");
    expect(refusal(scenario({ cluster: "group.consumer.min.session.timeout.ms: 70000" }))).toContain("cluster.config.group.consumer.min.session.timeout.ms: group.consumer.max.session.timeout.ms (60000) must be greater than or equal to group.consumer.min.session.timeout.ms (70000)");
    expect(refusal(scenario({ cluster: "group.consumer.session.timeout.ms: 6000, group.consumer.min.session.timeout.ms: 6000, group.consumer.heartbeat.interval.ms: 6000, group.consumer.min.heartbeat.interval.ms: 1000" }))).toContain("group.consumer.heartbeat.interval.ms (6000) must be less than group.consumer.session.timeout.ms (6000)");
    const s = load(scenario({ cluster: "group.consumer.session.timeout.ms: 6000, group.consumer.min.session.timeout.ms: 6000, group.consumer.heartbeat.interval.ms: 1000, group.consumer.min.heartbeat.interval.ms: 1000" }));
    expect([s.brokerConfig["group.consumer.session.timeout.ms"], s.brokerConfig["group.consumer.heartbeat.interval.ms"]]).toEqual([6000, 1000]);
    expect(load(scenario()).brokerConfig["group.consumer.min.session.timeout.ms"]).toBe(45000);
  });

  it("a log retention that comes to 0 ms is refused (log.retention.ms, .minutes or .hours); any negative one means never", () => {
    expect(refusal(scenario({ cluster: "log.retention.ms: 0" }))).toContain("cluster.config.log.retention.ms: comes to a retention of 0 ms: log.retention.ms must be unlimited (-1) or, greater than or equal to 1");
    expect(refusal(scenario({ cluster: "log.retention.hours: 0" }))).toContain("cluster.config.log.retention.hours: comes to a retention of 0 ms");
    expect(refusal(scenario({ cluster: "log.retention.minutes: 0" }))).toContain("cluster.config.log.retention.minutes");
    // log.retention.ms wins over log.retention.hours (KafkaConfig.logRetentionTimeMillis).
    expect(load(scenario({ cluster: "log.retention.ms: 1, log.retention.hours: 0" })).brokerConfig["log.retention.ms"]).toBe(1);
    const s = load(scenario({ cluster: "log.retention.ms: -5, log.retention.bytes: -7", topic: "retention.bytes: -3" }));
    expect([s.brokerConfig["log.retention.ms"], s.brokerConfig["log.retention.bytes"], s.topics[0].config["retention.bytes"]]).toEqual([-5, -7, -3]);
  });
});

describe("topic (LogConfig)", () => {
  it("flush.ms is atLeast(0): 0 is accepted, -1 refused", () => {
    expect(load(scenario({ topic: "flush.ms: 0" })).topics[0].config["flush.ms"]).toBe(0);
    expect(refusal(scenario({ topic: "flush.ms: -1" }))).toContain("cluster.topics[0].config.flush.ms: must be an integer in [0,...] (got -1)");
  });

  it("cleanup.policy is a ValidList: an empty list (neither delete nor compact) is accepted, an unknown policy refused", () => {
    expect(load(scenario({ topic: "cleanup.policy: []" })).topics[0].config["cleanup.policy"]).toEqual([]);
    expect(load(scenario({ topic: 'cleanup.policy: ""' })).topics[0].config["cleanup.policy"]).toEqual([]);
    expect(load(scenario({ cluster: "log.cleanup.policy: []" })).brokerConfig["log.cleanup.policy"]).toEqual([]);
    expect(refusal(scenario({ topic: "cleanup.policy: [compact, shred]" }))).toContain('cluster.topics[0].config.cleanup.policy: must be a list of "compact", "delete" (got "shred")');
  });

  it("min.compaction.lag.ms above max.compaction.lag.ms is refused (LogConfig.validateValues), with the broker's defaults for what the topic does not set", () => {
    expect(refusal(scenario({ topic: "min.compaction.lag.ms: 2000, max.compaction.lag.ms: 1000" }))).toContain("cluster.topics[0].config.min.compaction.lag.ms: conflict topic config setting min.compaction.lag.ms (2000) > max.compaction.lag.ms (1000)");
    expect(refusal(scenario({ cluster: "log.cleaner.min.compaction.lag.ms: 5000", topic: "max.compaction.lag.ms: 1000" }))).toContain("cluster.topics[0].config.max.compaction.lag.ms: conflict topic config setting min.compaction.lag.ms (5000) > max.compaction.lag.ms (1000)");
    expect(refusal(scenario({ cluster: "log.cleaner.min.compaction.lag.ms: 5000, log.cleaner.max.compaction.lag.ms: 1000" }))).toContain("cluster.config.log.cleaner.min.compaction.lag.ms: conflict topic config setting");
    expect(load(scenario({ topic: "min.compaction.lag.ms: 1000, max.compaction.lag.ms: 1000" })).topics[0].config["min.compaction.lag.ms"]).toBe(1000);
  });

  it("min.insync.replicas above the replication factor is accepted at creation, as Kafka creates such a topic; below 1 it is refused", () => {
    expect(load(scenario({ topic: "min.insync.replicas: 3", rf: 2 })).topics[0].config["min.insync.replicas"]).toBe(3);
    expect(refusal(scenario({ topic: "min.insync.replicas: 0" }))).toContain("cluster.topics[0].config.min.insync.replicas: must be an integer in [1,...] (got 0)");
  });
});
