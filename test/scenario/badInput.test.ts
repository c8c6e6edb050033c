import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { METADATA_MONITOR } from "../../src/check/leaderless.js";
import { parseScenario } from "../../src/scenario/load.js";
import { cli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-bad-"));
let n = 0;
function file(text: string): string {
  const f = join(dir, `s${n++}.yaml`);
  writeFileSync(f, text);
  return f;
}

const DEMO = `name: t
description: a test
duration: 5s
demo:
  heartbeat: { monitor: m, nodes: [a, b], interval: 100ms, timeout: 500ms }
`;
const KAFKA = `name: t
description: a test
duration: 5s
cluster:
  brokers: 3
  topics: [{ name: orders, partitions: 3, replicationFactor: 3 }]
clients:
  - id: p1
    kind: producer
    config: { acks: all }
    workload: { topic: orders }
  - id: p2
    kind: producer
    config: { acks: 1 }
    workload: { topic: orders }
`;

/**
 * Every bad input: exit 2, one message naming the file and the path, no stack trace. A file with more problems says
 * "(and N more problems)" on that line and names each of them on a line of its own, with the file and its path.
 */
async function expectBadInput(f: string, ...needles: string[]) {
  const r = await cli("run", f);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain(f);
  for (const needle of needles) expect(r.stderr).toContain(needle);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  // Words of the program's insides, not of the file (a value the file wrote is shown quoted, as "NaN").
  expect(r.stderr.replace(/"[^"\n]*"/g, '""')).not.toMatch(/undefined|\[object Object\]|\bNaN\b/);
  const lines = r.stderr.split("\n");
  const more = Number(/\(and (\d+) more problems?\)$/.exec(lines[0])?.[1] ?? 0);
  expect(lines).toHaveLength(1 + more);
  for (const line of lines.slice(1)) expect(line.startsWith(`${f}: `)).toBe(true);
}

describe("bad input exits 2 with one precise message", () => {
  it("a missing file", async () => {
    await expectBadInput(join(dir, "nope.yaml"), "no such file");
  });

  it("a bare name that is neither a file nor a shipped scenario says so, with the nearest shipped name", async () => {
    await expectBadInput("acks-1-leader-failvoer", "no such file, nor a shipped scenario (did you mean acks-1-leader-failover?)", "kafkasim list");
    await expectBadInput("nosuch-scenario", "nor a shipped scenario;");
  });

  it("a YAML syntax error names the line", async () => {
    await expectBadInput(file("name: [unclosed\n"), "invalid YAML", "line");
  });

  it("a document that is not a mapping", async () => {
    await expectBadInput(file("- 1\n- 2\n"), "must be a YAML mapping");
  });

  it("a missing required field", async () => {
    await expectBadInput(file("name: t\nduration: 5s\n"), "description: is required");
  });

  it("a value of the wrong kind says what was expected and what was written", async () => {
    await expectBadInput(file("name: t\ndescription: d\nduration: 5s\ncluster: { brokers: 3 }\nclients: [null]\n"), "clients[0]: must be a mapping", "got null");
  });

  it("a scenario with nothing to simulate", async () => {
    await expectBadInput(file("name: t\ndescription: d\nduration: 5s\n"), "cluster: the scenario has nothing to simulate");
  });

  it("a wrong kind is said in the file's words, not zod's (int, record), and .inf/.nan are shown as written, not as null", async () => {
    await expectBadInput(file(DEMO.replace("demo:", "cluster: { brokers: 2.5 }\ndemo:")), "cluster.brokers: must be a whole number of brokers from 0 to 1,000 (got 2.5)");
    await expectBadInput(file(KAFKA.replace("brokers: 3", "brokers: 3\n  config: [a]")), "cluster.config: must be a map of Kafka config keys to values (got a list)");
    await expectBadInput(file(KAFKA.replace("brokers: 3", "brokers: .nan")), "cluster.brokers: must be a whole number of brokers from 0 to 1,000 (got .nan)");
    await expectBadInput(file(KAFKA.replace("duration: 5s", "duration: 5s\nseed: .inf")), "seed: must be an integer, like 42, at most 2^53 - 1 either way (got .inf)");
    await expectBadInput(file(KAFKA.replace("partitions: 3,", "partitions: -.inf,")), "cluster.topics[0].partitions: must be a whole number of partitions from 1 to 10,000 (got -.inf)");
  });

  it("an unknown top-level key lists what is allowed", async () => {
    await expectBadInput(file(DEMO + "clusterz: {}\n"), 'clusterz: unknown key "clusterz"', "allowed: name, description");
  });

  it("a seed that is not an integer, as --seed would refuse it", async () => {
    await expectBadInput(file(DEMO + "seed: abc\n"), 'seed: must be an integer, like 42, at most 2^53 - 1 either way (got "abc")');
    await expectBadInput(file(DEMO + "seed: 1.5\n"), "seed: must be an integer, like 42, at most 2^53 - 1 either way (got 1.5)");
  });

  it("a file with two problems names both, each on its own line with its path; the first line is as with one", async () => {
    const f = file(DEMO.replace("duration: 5s", "duration: 5") + "clusterz: {}\n");
    const r = await cli("run", f);
    expect(r.code).toBe(2);
    const lines = r.stderr.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\S+: .* \\(and 1 more problem\\)$`));
    const text = lines.join("\n");
    expect(text).toContain(`${f}: duration: must be a duration with a unit`);
    expect(text).toContain(`${f}: clusterz: unknown key "clusterz"`);
    await expectBadInput(f);
  });

  it("a duration without a unit", async () => {
    await expectBadInput(file(DEMO.replace("duration: 5s", "duration: 5")), "duration: must be a duration with a unit");
  });

  it("a required duration left out is 'required', not 'got undefined' (found by fuzzScenario.property)", async () => {
    await expectBadInput(file(DEMO.replace("duration: 5s\n", "")), "duration: is required");
    await expectBadInput(file(DEMO.replace("interval: 100ms, ", "")), "demo.heartbeat.interval: is required");
    await expectBadInput(file(KAFKA + "faults:\n  - { at: 1s, slow-link: { between: [broker-1, broker-2], latency: { model: constant } } }\n"), "faults[0].slow-link.latency.value: is required");
    await expectBadInput(file(KAFKA + "expect:\n  - rebalancePause: { group: g }\n"), "expect[0].rebalancePause.max: rebalancePause: is required");
  });

  it("a link's two ends (between:) not a pair says so in the file's words, not zod's 'tuple' or 'Too small: expected array' (found by fuzzScenario.property)", async () => {
    const slow = (between: string) => file(KAFKA + `faults:\n  - { at: 1s, slow-link: { between: ${between}, latency: { model: constant, value: 1s } } }\n`);
    await expectBadInput(slow("2"), "faults[0].slow-link.between: must be a list of two actor names, like [broker-1, broker-2] (got 2)");
    await expectBadInput(slow("[broker-1]"), "faults[0].slow-link.between: must be a list of two actor names");
    await expectBadInput(slow("[broker-1, broker-2, broker-3]"), "faults[0].slow-link.between: must be a list of two actor names");
    await expectBadInput(file(KAFKA + "network:\n  links:\n    - { between: 3, latency: { model: constant, value: 1s } }\n"), "network.links[0].between: must be a list of two actor names");
  });

  it("a count, a list or a broker out of its bounds says what is allowed in the file's words, never zod's 'Invalid input' or 'Too small: expected array' (found by fuzzScenario.property)", async () => {
    const bad = (extra: string, ...needles: string[]) => expectBadInput(file(KAFKA + extra), ...needles);
    await bad("randomFaults: { count: {} }\n", "randomFaults.count: must be a whole number of faults from 0 to 1,000, or {min, max} (got a mapping)");
    await bad("randomFaults: { count: .nan }\n", "randomFaults.count: must be a whole number of faults from 0 to 1,000, or {min, max} (got .nan)");
    await bad("randomFaults: { kinds: [] }\n", "randomFaults.kinds: must list at least one kind");
    await bad("faults:\n  - { at: 1s, reassign: { partition: orders-0, replicas: [1, 0] } }\n", "faults[0].reassign.replicas[1]: must be a broker's number (1) or name (broker-1) (got 0)");
    await bad("faults:\n  - { at: 1s, reassign: { partition: orders-0, replicas: [1, {}] } }\n", "faults[0].reassign.replicas[1]: must be a broker's number (1) or name (broker-1) (got a mapping)");
    await bad("faults:\n  - { at: 1s, partition: { from: [], to: [broker-1] } }\n", "faults[0].partition.from: must list at least one actor");
    await bad("faults:\n  - { at: 1s, alterConfig: { broker: 0, key: min.insync.replicas, value: 1 } }\n", 'faults[0].alterConfig.broker: must be a broker number (1), a broker name (broker-1), or "all" for the cluster default (got 0)');
  });

  it("a name JavaScript objects inherit (toString, constructor, __proto__) is no trace event, event field or key: refused at its path, not an internal error or silently dropped (found by fuzzScenario.property)", async () => {
    const on = (trigger: string) => file(KAFKA + `faults:\n  - { on: ${trigger}, crash: broker-1 }\n`);
    await expectBadInput(on("{ event: toString }"), 'faults[0].on.event: unknown trace event "toString"');
    await expectBadInput(on("{ event: constructor }"), 'faults[0].on.event: unknown trace event "constructor"');
    await expectBadInput(on("{ event: producer.send, where: { toString: 1 } }"), 'faults[0].on.where.toString: producer.send has no field "toString"');
    await expectBadInput(on("{ event: producer.send, where: { hasOwnProperty: 1 } }"), 'faults[0].on.where.hasOwnProperty: producer.send has no field "hasOwnProperty"');
    // A map (z.record) dropped the key __proto__ without a word: a config key nobody checked.
    await expectBadInput(file(KAFKA.replace("config: { acks: all }", "config: { acks: all, __proto__: 1 }")), 'clients[0].config.__proto__: "__proto__" is not a key of a scenario');
    await expectBadInput(file(KAFKA + "capacity:\n  hosts: { __proto__: { nicMbitPerSec: 100 } }\n"), 'capacity.hosts.__proto__: "__proto__" is not a key of a scenario');
  });

  it("a config value of .nan or .inf is shown as the file wrote it, not as JavaScript's NaN (found by fuzzScenario.property)", async () => {
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", "config: { acks: .nan }")), 'clients[1].config.acks: must be one of "all", "-1", "0", "1" (got .nan)');
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", "config: { linger.ms: -.inf }")), "clients[1].config.linger.ms", "(got -.inf)");
  });

  it('an empty key is named as "" in the path, so the line still says where (found by fuzzScenario.property)', async () => {
    await expectBadInput(file(DEMO + '"": 1\n'), `${'""'}: unknown key ""`);
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", 'config: { "": 1 }')), 'clients[1].config."": unknown producer config ""');
  });

  it("a negative duration", async () => {
    await expectBadInput(file(DEMO.replace("duration: 5s", "duration: -5s")), `duration: must not be negative (got "-5s")`);
  });

  it("an unknown Kafka config key, at its path", async () => {
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", "config: { akcs: 1 }")), "clients[1].config.akcs", 'unknown producer config "akcs"');
  });

  it("a real client's bootstrap.servers and serializers run, with a warning naming them; its security.protocol is refused as Kafka's but not modelled", async () => {
    const pasted = KAFKA.replace("config: { acks: 1 }", 'config: { acks: 1, bootstrap.servers: "kafka:9092", value.serializer: org.apache.kafka.common.serialization.StringSerializer }');
    const r = await cli("run", file(pasted), "--duration", "2s");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: clients\[1\]\.config: bootstrap\.servers has no effect in the model \(.*\); value\.serializer has no effect in the model/);
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", "config: { acks: 1, security.protocol: SSL }")), "clients[1].config.security.protocol", `producer config "security.protocol" is Kafka's but not modelled: security (TLS, SASL) is not modelled`);
  });

  it("every bad key of a config block, each at its path, and the nearest known key for a typo", async () => {
    const f = file(KAFKA.replace("config: { acks: 1 }", "config: { acks: 2, linger.mss: 5, retries: -1 }"));
    await expectBadInput(f, "clients[1].config.acks", "(and 2 more problems)", 'clients[1].config.linger.mss: unknown producer config "linger.mss"; did you mean "linger.ms"?', "clients[1].config.retries");
  });

  it("an impossible config value says what is allowed", async () => {
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", "config: { acks: 2 }")), "clients[1].config.acks", 'must be one of "all", "-1", "0", "1"');
  });

  it("a config value of the wrong type", async () => {
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", "config: { linger.ms: soon }")), "clients[1].config.linger.ms", "must be an integer");
  });

  it("explicit idempotence with acks=1 is a ConfigException, as in Kafka", async () => {
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", "config: { acks: 1, enable.idempotence: true }")), "clients[1].config.acks", "idempotent");
  });

  it("a replication factor above the broker count", async () => {
    await expectBadInput(file(KAFKA.replace("replicationFactor: 3", "replicationFactor: 4")), "cluster.topics[0].replicationFactor", "at most the number of brokers (3)");
  });

  it("consumer-group mistakes: subscribe without group.id, KIP-848 keys, an unknown assignor, auto commits twice", async () => {
    const group = (config: string, workload: string) =>
      file(`${KAFKA}  - { id: c1, kind: consumer, config: { ${config} }, workload: { ${workload} } }\n`);
    await expectBadInput(group("auto.offset.reset: earliest", "subscribe: [orders]"), "clients[2].workload.subscribe", "needs a group.id");
    await expectBadInput(group("group.id: g, group.protocol: consumer, session.timeout.ms: 10000", "subscribe: [orders]"), "clients[2].config.session.timeout.ms", "cannot be set when group.protocol=CONSUMER");
    await expectBadInput(group("group.id: g, group.remote.assignor: uniform", "subscribe: [orders]"), "clients[2].config.group.remote.assignor", "needs group.protocol=consumer");
    await expectBadInput(group("group.id: g, partition.assignment.strategy: fair", "subscribe: [orders]"), "clients[2].config.partition.assignment.strategy", "cooperative-sticky");
    await expectBadInput(group("group.id: g, enable.auto.commit: true", "subscribe: [orders], commit: sync"), "clients[2].workload.commit", "commit twice");
    await expectBadInput(group("group.id: g", "subscribe: [orders], processing: { perRecord: soon }"), "clients[2].workload.processing.perRecord", "duration");
    await expectBadInput(group("group.id: g", "subscribe: [orders], output: { topic: orders, transactional.id: x }"), "clients[2].config.enable.auto.commit", "must be false");
  });

  it("a Kafka .ms key written as a scenario duration names the milliseconds Kafka wants; one that is no duration gets no hint", async () => {
    const group = (config: string) => file(`${KAFKA}  - { id: c1, kind: consumer, config: { group.id: g, ${config} }, workload: { subscribe: [orders] } }\n`);
    await expectBadInput(group("session.timeout.ms: 45s"), "clients[2].config.session.timeout.ms", '(got "45s")', "Kafka's session.timeout.ms is a number of milliseconds: 45000");
    const r = await cli("run", group("session.timeout.ms: soon"));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("milliseconds");
  });

  it("capacity: a host that is no actor, and a bandwidth that is no bandwidth", async () => {
    await expectBadInput(file(KAFKA + "capacity:\n  hosts: { broker-9: { nicMbitPerSec: 1000 } }\n"), "capacity.hosts.broker-9", 'unknown actor "broker-9"', "actors: broker-1");
    await expectBadInput(file(KAFKA + "capacity:\n  nicMbitPerSec: -1\n"), "capacity.nicMbitPerSec", "Mbit/s > 0");
    await expectBadInput(file(KAFKA + "capacity:\n  nicGbps: 1\n"), "capacity", "nicGbps");
  });

  it("capacity.brokerCpu: a negative cost, an unknown cost, and threads the broker cannot have", async () => {
    await expectBadInput(file(KAFKA + "capacity:\n  brokerCpu: { requestUs: -5 }\n"), "capacity.brokerCpu.requestUs", "µs >= 0");
    await expectBadInput(file(KAFKA + "capacity:\n  brokerCpu: { produceNsPerByte: fast }\n"), "capacity.brokerCpu.produceNsPerByte", "must be a number");
    await expectBadInput(file(KAFKA + "capacity:\n  brokerCpu: { requestMs: 1 }\n"), "capacity.brokerCpu", "requestMs");
    await expectBadInput(file(KAFKA.replace("brokers: 3\n", "brokers: 3\n  config: { num.io.threads: 0 }\n")), "cluster.config.num.io.threads");
    await expectBadInput(file(KAFKA.replace("brokers: 3\n", "brokers: 3\n  config: { queued.max.requests: 0 }\n")), "cluster.config.queued.max.requests");
  });

  it("a long whose Kafka default is Long.MAX_VALUE takes Kafka's own 9223372036854775807 (number or string) as \"never\"; other values past 2^53 are refused naming the real limit", async () => {
    const topic = (config: string) => KAFKA.replace("replicationFactor: 3 }", `replicationFactor: 3, config: { ${config} } }`);
    const broker = (config: string) => KAFKA.replace("brokers: 3\n", `brokers: 3\n  config: { ${config} }\n`);
    for (const v of ["9223372036854775807", '"9223372036854775807"']) {
      const s = parseScenario(topic(`flush.messages: ${v}, flush.ms: ${v}, max.compaction.lag.ms: ${v}`), "t.yaml");
      expect(s.topics[0].config).toEqual({ "flush.messages": Number.MAX_SAFE_INTEGER, "flush.ms": Number.MAX_SAFE_INTEGER, "max.compaction.lag.ms": Number.MAX_SAFE_INTEGER });
      const b = parseScenario(broker(`log.flush.interval.messages: ${v}, log.cleaner.max.compaction.lag.ms: ${v}`), "t.yaml");
      expect(b.brokerConfig["log.flush.interval.messages"]).toBe(Number.MAX_SAFE_INTEGER);
      expect(b.brokerConfig["log.cleaner.max.compaction.lag.ms"]).toBe(Number.MAX_SAFE_INTEGER);
    }
    const limit = (min: number) => `must be an integer in [${min}, 9007199254740991] or 9223372036854775807 (Long.MAX_VALUE: never)`;
    await expectBadInput(file(topic("flush.messages: 9007199254740993")), "cluster.topics[0].config.flush.messages", limit(1), "exact only up to 2^53 - 1", "(got a number read as the double 9007199254740992)");
    // flush.ms is atLeast(0) in LogConfig.
    await expectBadInput(file(topic('flush.ms: "9223372036854775806"')), "cluster.topics[0].config.flush.ms", limit(0), '(got "9223372036854775806")');
    // An int keeps its range; a huge number is shown as the double it was read as, not JavaScript's rounded print.
    await expectBadInput(file(topic("max.message.bytes: 1e19")), "cluster.topics[0].config.max.message.bytes", "[0,...] that fits an int (-2147483648 to 2147483647) (got a number read as the double 10000000000000000000)");
  });

  it("fetch limits out of Kafka's bounds (ConsumerConfig and ReplicationConfigs atLeast(0); the broker's fetch.max.bytes atLeast(1024))", async () => {
    const consumer = (config: string) => file(`${KAFKA}  - { id: c1, kind: consumer, config: { ${config} }, workload: { assign: { topic: orders } } }\n`);
    await expectBadInput(consumer("max.partition.fetch.bytes: -1"), "clients[2].config.max.partition.fetch.bytes", "must be an integer in [0,...] (got -1)");
    await expectBadInput(consumer("fetch.max.bytes: -5"), "clients[2].config.fetch.max.bytes", "[0,...]");
    await expectBadInput(consumer("fetch.min.bytes: lots"), "clients[2].config.fetch.min.bytes", "must be an integer");
    await expectBadInput(file(KAFKA.replace("brokers: 3\n", "brokers: 3\n  config: { replica.fetch.max.bytes: -1 }\n")), "cluster.config.replica.fetch.max.bytes", "[0,...]");
    await expectBadInput(file(KAFKA.replace("brokers: 3\n", "brokers: 3\n  config: { replica.fetch.response.max.bytes: -1 }\n")), "cluster.config.replica.fetch.response.max.bytes", "[0,...]");
    await expectBadInput(file(KAFKA.replace("brokers: 3\n", "brokers: 3\n  config: { fetch.max.bytes: 1000 }\n")), "cluster.config.fetch.max.bytes", "[1024,...]");
  });

  it("config values Kafka's ConfigDefs and constructors refuse: one line, at the path, in Kafka's words", async () => {
    const consumer = (config: string) => file(`${KAFKA}  - { id: c1, kind: consumer, config: { group.id: g, ${config} }, workload: { subscribe: [orders] } }\n`);
    const broker = (config: string) => file(KAFKA.replace("brokers: 3\n", `brokers: 3\n  config: { ${config} }\n`));
    const txn = (config: string) => file(KAFKA.replace("config: { acks: 1 }\n    workload: { topic: orders }", `config: { ${config} }\n    workload: { transactions: { topic: orders } }`));
    await expectBadInput(txn('transactional.id: ""'), "clients[1].config.transactional.id", "must be a non-empty string", "String must be non-empty");
    await expectBadInput(txn("transactional.id: tx, acks: 1"), "clients[1].config.acks", "Cannot set a transactional.id without also enabling idempotence.");
    await expectBadInput(file(KAFKA.replace("config: { acks: 1 }", "config: { max.in.flight.requests.per.connection: 0 }")), "clients[1].config.max.in.flight.requests.per.connection", "must be an integer in [1,...] (got 0)");
    await expectBadInput(consumer("group.protocol: kip848"), "clients[2].config.group.protocol", 'must be one of (case insensitive) "classic", "consumer"');
    await expectBadInput(consumer('group.instance.id: "a/b"'), "clients[2].config.group.instance.id", "Group instance id is invalid");
    await expectBadInput(broker("replica.fetch.wait.max.ms: 40000"), "cluster.config.replica.fetch.wait.max.ms", "replica.socket.timeout.ms (30000) should always be at least replica.fetch.wait.max.ms (40000)");
    await expectBadInput(broker("log.retention.hours: 0"), "cluster.config.log.retention.hours", "log.retention.ms must be unlimited (-1) or, greater than or equal to 1");
    await expectBadInput(file(KAFKA.replace("replicationFactor: 3 }", "replicationFactor: 3, config: { min.compaction.lag.ms: 10, max.compaction.lag.ms: 5 } }")), "cluster.topics[0].config.min.compaction.lag.ms", "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
  });

  it("a fault naming an unknown actor", async () => {
    await expectBadInput(file(DEMO + "faults:\n  - { at: 1s, crash: broker-9 }\n"), "faults[0].crash", 'unknown actor "broker-9"', "actors: m, a, b");
  });

  it("a restart or resume of an actor the schedule has not taken down or paused at that moment", async () => {
    const faults = (...lines: string[]) => file(DEMO + "faults:\n" + lines.map((l) => `  - ${l}\n`).join(""));
    await expectBadInput(faults("{ at: 2s, restart: a }"), "faults[0].restart", '"a" is not down at 2s');
    await expectBadInput(faults("{ at: 1s, crash: a, for: 1s }", "{ at: 3s, restart: a }"), "faults[1].restart", "not down at 3s", "faults[0]");
    await expectBadInput(faults("{ at: 1s, crash: b }", "{ at: 3s, restart: a }"), "faults[1].restart");
    await expectBadInput(faults("{ at: 1s, crash: a }", "{ at: 2s, restart: a }", "{ at: 3s, restart: a }"), "faults[2].restart");
    await expectBadInput(faults("{ at: 2s, resume: a }"), "faults[0].resume", '"a" is not paused at 2s');
    await expectBadInput(faults("{ at: 1s, pause: a, for: 500ms }", "{ at: 2s, resume: a }"), "faults[1].resume", "not paused");
    // Decidable and right: no complaint.
    const fine = async (...lines: string[]) => expect((await cli("run", faults(...lines), "--quiet")).code).not.toBe(2);
    await fine("{ at: 1s, crash: a }", "{ at: 2s, restart: a }");
    await fine("{ at: 1s, shutdown: a, for: 3s }", "{ at: 2s, restart: a }");
    await fine("{ at: 1s, pause: a }", "{ at: 2s, resume: a }");
    await fine("{ at: 1s, crash: a }", "{ at: 2s, restart: a }", "{ at: 3s, crash: a }", "{ at: 4s, restart: a }");
    // Not decidable from the schedule: a trigger, or the same moment as the fault that takes it down.
    await fine("{ on: { event: demo.suspect }, crash: a }", "{ at: 3s, restart: a }");
    await fine("{ at: 1s, crash: a }", "{ at: 1s, restart: a }");
    expect((await cli("run", file(DEMO + "randomFaults: { nodes: [a], kinds: [crash], count: 1 }\nfaults:\n  - { at: 3s, restart: a }\n"), "--quiet")).code).not.toBe(2);
  });

  it("a fault that would do nothing: a partition with no group, a slow link from an actor to itself", async () => {
    const fault = (f: string) => file(DEMO + `faults:\n  - { at: 1s, ${f} }\n`);
    await expectBadInput(fault("partition: []"), "faults[0].partition: must list at least one group");
    await expectBadInput(fault("partition: [[a], []]"), "faults[0].partition[1]: a group must name at least one actor");
    await expectBadInput(fault("slow-link: { between: [a, a], latency: { model: constant, value: 1ms } }"), 'faults[0].slow-link.between: names "a" twice');
    // One group is cut off from everyone else: still fine.
    expect((await cli("run", fault("partition: [[a]], for: 1s"), "--quiet")).code).not.toBe(2);
  });

  it("a pause, isolation, cut, slowed link or hold for 0s is refused: it ends as it starts; a crash for 0s still restarts (newcomer pass)", async () => {
    const fault = (f: string) => file(DEMO + `faults:\n  - { at: 1s, ${f} }\n`);
    await expectBadInput(fault("pause: a, for: 0s"), "faults[0].for: must be longer than 0s: this pause for 0s ends as it starts and does nothing");
    await expectBadInput(fault("isolate: a, for: 0ms"), "faults[0].for: must be longer than 0s: this isolate for 0s");
    await expectBadInput(fault("partition: [[a], [b]], for: 0s"), "faults[0].for: must be longer than 0s");
    await expectBadInput(fault("slow-link: { between: [a, b], latency: { model: constant, value: 1ms } }, for: 0s"), "faults[0].for: must be longer than 0s");
    expect((await cli("run", fault("crash: a, for: 0s"))).code).not.toBe(2);
  });

  it("a crash of an actor already down, a pause of one already paused, is refused: it would do nothing", async () => {
    const faults = (...lines: string[]) => file(DEMO + "faults:\n" + lines.map((l) => `  - ${l}\n`).join(""));
    await expectBadInput(faults("{ at: 1s, crash: a, for: 2s }", "{ at: 1500ms, crash: a, for: 1s }"), "faults[1].crash", '"a" is already down at 1.5s', "faults[0] took it down at 1s");
    await expectBadInput(faults("{ at: 1s, crash: a }", "{ at: 2s, shutdown: a }"), "faults[1].shutdown", "already down");
    await expectBadInput(faults("{ at: 1s, pause: a, for: 2s }", "{ at: 1500ms, pause: a }"), "faults[1].pause", '"a" is already paused at 1.5s');
    const fine = async (...lines: string[]) => expect((await cli("run", faults(...lines), "--quiet")).code).not.toBe(2);
    await fine("{ at: 1s, crash: a, for: 1s }", "{ at: 3s, crash: a, for: 1s }");
    await fine("{ at: 1s, crash: a }", "{ at: 2s, restart: a }", "{ at: 3s, crash: a }", "{ at: 4s, restart: a }");
    await fine("{ at: 1s, pause: a, for: 2s }", "{ at: 1500ms, crash: a }");
    await fine("{ at: 1s, shutdown: a, for: 2s }", "{ at: 1500ms, crash: a }");
    await fine("{ at: 1s, crash: a, for: 1s }", "{ at: 2s, crash: a }");
    await fine("{ on: { event: demo.suspect }, crash: a }", "{ at: 3s, crash: a }");
  });

  it("a fault with two verbs", async () => {
    await expectBadInput(file(DEMO + "faults:\n  - { at: 1s, crash: a, pause: b }\n"), "faults[0]", "exactly one of");
  });

  it("a time finer than the simulator's 1 µs resolution is refused, not rounded (to 0 µs, or to a neighbour)", async () => {
    await expectBadInput(file(DEMO + "faults:\n  - { at: 0.0001us, crash: a }\n"), "faults[0].at", "whole number of µs", '"0.0001us"');
    await expectBadInput(file(DEMO + "faults:\n  - { at: 1s, pause: a, for: 1.5us }\n"), "faults[0].for", "whole number of µs");
    await expectBadInput(file(DEMO.replace("interval: 100ms", "interval: 0.0004ms")), "demo.heartbeat.interval", "whole number of µs");
    await expectBadInput(file(KAFKA + "liveness: 30.0000001s\n"), "liveness", "whole number of µs");
    const r = await cli("run", file(DEMO), "--duration", "1.0000001s");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--duration");
    expect(r.stderr).toContain("whole number of µs");
    // Decimals that are whole µs stay allowed (1.1s is 1,100,000 µs, though 1.1 * 1000 * 1000 is not an integer in binary).
    for (const t of ["1.1s", "0.3s", "2.5ms", "0.000001s", "1.000001s"]) expect((await cli("run", file(DEMO + `faults:\n  - { at: ${t}, pause: a, for: 1.7ms }\n`), "--quiet")).code).not.toBe(2);
  });

  it("a fault whose for: reaches past the end of the run is run, with a warning on stderr naming it", async () => {
    const r = await cli("run", file(DEMO + "faults:\n  - { at: 1s, pause: a, for: 1h }\n"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning:");
    expect(r.stderr).toContain("faults[0].for");
    expect(r.stderr).toContain("past the end of the run");
    const within = await cli("run", file(DEMO + "faults:\n  - { at: 1s, pause: a, for: 1s }\nexpect:\n  - anomaly: falseSuspicion\n"));
    expect(within.stderr).toBe("");
    // --quiet prints nothing when the run holds.
    expect((await cli("run", file(DEMO + "faults:\n  - { at: 1s, pause: a, for: 1h }\n"), "--quiet")).stderr).toBe("");
  });

  it("a fault after the end of the run", async () => {
    await expectBadInput(file(DEMO + "faults:\n  - { at: 10s, crash: a }\n"), "faults[0].at", "within the run");
  });

  it("randomFaults.maxDown above the number of nodes the faults may take down names the path and the count", async () => {
    await expectBadInput(file(DEMO + "randomFaults: { nodes: [a, b], kinds: [pause], maxDown: 3 }\n"), "randomFaults.maxDown", "at most 2", "a, b", "(got 3)");
    await expectBadInput(file(DEMO + "randomFaults: { nodes: [a, b, a], maxDown: 3 }\n"), "randomFaults.maxDown", "at most 2");
    // Default nodes: the 3 brokers and 3 controllers.
    await expectBadInput(file(KAFKA + "randomFaults: { maxDown: 7 }\n"), "randomFaults.maxDown", "at most 6");
    expect((await cli("run", file(DEMO + "randomFaults: { nodes: [a, b], kinds: [pause], maxDown: 2 }\n"), "--quiet")).code).not.toBe(2);
  });

  it("a liveness phase that is not a duration or none, or on a scenario without brokers", async () => {
    await expectBadInput(file(KAFKA + "liveness: 60\n"), "liveness", 'or "none"', "(got 60)");
    await expectBadInput(file(KAFKA + "liveness: forever\n"), "liveness", 'like "60s"', '"forever"');
    await expectBadInput(file(KAFKA + "liveness: 0s\n"), "liveness", "a duration");
    await expectBadInput(file(KAFKA + "liveness: 400d\n"), "liveness", "365 days");
    await expectBadInput(file(KAFKA + "liveness: [30s]\n"), "liveness", '"none"');
    await expectBadInput(file(DEMO + "liveness: 30s\n"), "liveness", "no brokers");
  });

  it("a check's parameter of the wrong kind, one it does not take, or one it needs", async () => {
    await expectBadInput(file(KAFKA + "expect:\n  - noUnavailability: banana\n"), "expect[0]", "must be a duration", '"banana"');
    await expectBadInput(file(KAFKA + "expect:\n  - noDuplicates: 5s\n"), "expect[0]", "duplicates: takes no parameter");
    await expectBadInput(file(KAFKA + "expect:\n  - zombieFenced\n"), "expect[0]", "needs a parameter, e.g. zombieFenced: app-1");
  });

  it("an expectation and its opposite (noX and anomaly: x, same parameters) cannot both hold: both paths named", async () => {
    await expectBadInput(file(KAFKA + "expect:\n  - noLostAcknowledgedWrites\n  - noDuplicates\n  - anomaly: lostAcknowledgedWrites\n"), "expect[2]", "expect[0]", "noLostAcknowledgedWrites", "anomaly: lostAcknowledgedWrites", "cannot both hold");
    await expectBadInput(file(KAFKA + "expect:\n  - anomaly: duplicates\n  - noDuplicates\n"), "expect[1]", "expect[0]");
    await expectBadInput(file(KAFKA + "expect:\n  - noUnavailability: 5s\n  - anomaly: { unavailability: 5s }\n"), "expect[1]", "expect[0]");
    // Different parameters are not opposites: no gap of 10s, but some gap of 5s.
    expect((await cli("run", file(KAFKA + "expect:\n  - noUnavailability: 10s\n  - anomaly: { unavailability: 5s }\n"), "--quiet")).code).not.toBe(2);
  });

  it("a check's window or bound that must be positive refuses 0s and a negative duration, saying a positive one is needed", async () => {
    const bad = (line: string, path: string) => expectBadInput(file(KAFKA + `expect:\n  - ${line}\n`), path, "must be a duration > 0");
    await bad("noUnavailability: 0s", "expect[0]");
    await bad("noUnavailability: 0", "expect[0]");
    await bad("noUnavailability: -5s", "expect[0]");
    await bad("anomaly: { unavailability: 0ms }", "expect[0]");
    await bad("noRebalanceStorm: 0s", "expect[0]");
    await bad("consumerProgress: { group: g, within: 0s }", "expect[0].consumerProgress.within");
  });

  it("an unknown check keeps the name as written and suggests the nearest", async () => {
    await expectBadInput(file(DEMO + "expect:\n  - noSuchCheck\n"), "expect[0]", 'unknown check "noSuchCheck"');
    const r = await cli("run", file(DEMO + "expect:\n  - noSuchCheck\n"));
    expect(r.stderr).not.toContain('"suchCheck"');
    await expectBadInput(file(KAFKA + "expect:\n  - noLostAcknowledgedWrite\n"), 'unknown check "noLostAcknowledgedWrite"', "did you mean noLostAcknowledgedWrites?");
    await expectBadInput(file(KAFKA + "expect:\n  - noDuplicates\n  - noReorderings\n  - noDuplicats\n"), "expect[2]", 'unknown check "noDuplicats"', "did you mean noDuplicates?");
    await expectBadInput(file(KAFKA + "expect:\n  - anomaly: lostAcknowledgedWrites\n  - anomaly: duplicatez\n"), "expect[1]", 'unknown check "duplicatez"', "did you mean duplicates?");
    await expectBadInput(file(KAFKA + "expect:\n  - noUnavailabilty: 5s\n"), 'unknown check "noUnavailabilty"', "did you mean noUnavailability?");
  });

  it("a sweep that finds an expectation the scenario does not have", async () => {
    await expectBadInput(file(DEMO + "expect:\n  - noFalseSuspicion\nsweep: { finds: noStaleWrite }\n"), "sweep.finds", '"noStaleWrite" is not one of the expectations (expect: noFalseSuspicion)');
    await expectBadInput(file(DEMO + "expect:\n  - noFalseSuspicion\nsweep: { finds: [noFalseSuspicion, x] }\n"), "sweep.finds[1]");
    await expectBadInput(file(DEMO + "sweep: { find: x }\n"), "sweep.finds: must name the expectation");
  });

  it("the operator expectations' parameters, checked at load at their path", async () => {
    const bad = (line: string, ...needles: string[]) => expectBadInput(file(KAFKA + `expect:\n  - ${line}\n`), ...needles);
    await bad("rebalances: { group: nope, max: 2 }", "expect[0].rebalances.group", 'unknown consumer group "nope"', "the scenario has no groups");
    await bad("leaderless: { partition: orders-0 }", "expect[0].leaderless", "needs exactly one of max");
    await bad("leaderless: { partition: orders-0, max: 10s, min: 1s }", "expect[0].leaderless", "needs exactly one of max");
    await bad("leaderless: { partition: orders-9, max: 10s }", "expect[0].leaderless.partition", 'unknown partition "orders-9"', "orders-0, orders-1, orders-2");
    await bad("leaderless: { partition: orders-0, max: soon }", "expect[0].leaderless.max", "must be a duration");
    await bad("leaderless: { partition: orders-0, max: 10s, extra: 1 }", "expect[0].leaderless.extra", 'unknown key "extra"', "partition, max, min");
    await bad("errorSeen: { client: p1, error: BANANA }", "expect[0].errorSeen.error", "must be a Kafka error name", "PRODUCER_FENCED");
    await bad("errorNotSeen: { client: p9, error: PRODUCER_FENCED }", "expect[0].errorNotSeen.client", 'unknown client "p9"', "p1, p2");
    await bad("assignmentUnchanged", "expect[0]", "needs a parameter, e.g. assignmentUnchanged: { member: member-1, after: 10s }");
    await bad("consumerProgress: { group: g, within: 5 }", "expect[0].consumerProgress.within", "must be a duration");
    await bad("anomaly: { failedSends: TIMEOUT }", "expect[0].anomaly.failedSends", "must be a Kafka error name");
    await bad("noUnconfirmedSends: 3", "expect[0].noUnconfirmedSends", "must be a duration");
    await bad("noZombieWrites: 3", "expect[0]", "zombieWrites: takes no parameter");
    await bad("noAbortedReads: 3", "expect[0].noAbortedReads", "must be a mapping (key: value) (got 3) (e.g. noAbortedReads: { isolation: any })");
  });

  it("a client or demo actor named like a fault role (active-controller, leader:…, metadata-monitor) is refused", async () => {
    for (const id of ["active-controller", "leader:orders-0", "leader:anything", METADATA_MONITOR]) {
      await expectBadInput(file(KAFKA.replace("id: p2", `id: "${id}"`)), "clients[1].id", `"${id}"`, "reserved");
    }
    await expectBadInput(file(DEMO.replace("monitor: m", "monitor: active-controller")), "demo.heartbeat.monitor", "reserved");
    await expectBadInput(file(DEMO.replace("nodes: [a, b]", 'nodes: [a, "leader:x-0"]')), "demo.heartbeat.nodes[1]", "reserved");
  });

  it("topic names Kafka refuses: . and .., and two names that collide once . and _ are one (Topic.validate, Topic.hasCollision)", async () => {
    for (const name of [".", ".."]) await expectBadInput(file(KAFKA.replace("name: orders,", `name: "${name}",`)), "cluster.topics[0].name", `Topic name is invalid: '${name}' is not allowed`);
    // The rest of Topic.validate, by the same function (kafka/config/topicName.ts): length and characters.
    await expectBadInput(file(KAFKA.replace("name: orders,", `name: "${"o".repeat(250)}",`)), "cluster.topics[0].name", "longer than the max allowed length 249");
    await expectBadInput(file(KAFKA.replace("name: orders,", `name: "or ders",`)), "cluster.topics[0].name", "'or ders' contains one or more characters other than ASCII alphanumerics");
    const two = (a: string, b: string) => file(KAFKA.replace("topics: [{ name: orders,", `topics: [{ name: ${a}, partitions: 1, replicationFactor: 3 }, { name: ${b},`).replaceAll("topic: orders", `topic: ${b}`));
    await expectBadInput(two("my.topic", "my_topic"), "cluster.topics[1].name", '"my_topic"', '"my.topic"', "collide");
    await expectBadInput(two("a_b.c", "a.b_c"), "cluster.topics[1].name", '"a.b_c"', '"a_b.c"');
    const ok = await cli("run", two("my.topic", "my-topic"), "--quiet");
    expect(ok.code).not.toBe(2);
  });

  it("a producer writing to an unknown topic", async () => {
    await expectBadInput(file(KAFKA.replace("workload: { topic: orders }\n  - id: p2", "workload: { topic: ordrs }\n  - id: p2")), "clients[0].workload.topic", 'unknown topic "ordrs"');
  });

  it("a second YAML document (---) is named with its line, in the file's words, not the YAML library's", async () => {
    const f = file(KAFKA + "---\n" + KAFKA);
    await expectBadInput(f, "line 16", "holds more than one YAML document", "one scenario per file");
    expect((await cli("run", f)).stderr).not.toContain("parseAllDocuments");
  });

  it("a key that is a list or a mapping (? [a, b]) is refused at its line: a plain key only, and no Node warning on stderr", async () => {
    await expectBadInput(file(DEMO + "? [a, b]\n: x\n"), "line 6", "a key must be a plain name, not a list or mapping");
    await expectBadInput(file(KAFKA.replace("config: { acks: all }", "config: { [acks]: all }")), "line 10", "a key must be a plain name");
  });

  it("a consumer's pollInterval of 0s is refused like pollTimeout: 0s (it polled forever at one instant: exit 1 after the whole budget)", async () => {
    const consumer = (workload: string) => file(KAFKA + `  - id: c1\n    kind: consumer\n    config: { group.id: g }\n    workload: ${workload}\n`);
    await expectBadInput(consumer("{ subscribe: [orders], pollInterval: 0s }"), "clients[2].workload.pollInterval: must be a duration > 0");
    await expectBadInput(consumer("{ assign: { topic: orders }, pollInterval: 0ms }"), "clients[2].workload.pollInterval: must be a duration > 0");
  });

  it("a billion-laughs alias bomb is refused, not expanded", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    await expectBadInput(file(bomb.join("\n") + "\n"), "invalid YAML");
  });

  it("a duration with a space between number and unit (5 s) is refused with the hint, in the file and on the command line (newcomer pass)", async () => {
    await expectBadInput(file(DEMO.replace("duration: 5s", "duration: 5 s")), 'duration: must be a duration with a unit', "without a space", '(got "5 s")');
    await expectBadInput(file(DEMO.replace("duration: 5s", "duration: 5s\nliveness: 1 m")), "liveness:", "without a space");
    await expectBadInput(file(DEMO.replace("duration: 5s", "duration: 1h2")), 'duration: must be a duration with a unit', '(got "1h2")');
    const r = await cli("run", file(DEMO), "--duration", "5 s");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('--duration: must be a positive duration with a unit, like 30s or 2m, number and unit without a space (got "5 s")');
    expect((await cli("run", file(DEMO), "--duration", "5s")).code).toBe(0); // the quiet case
  });

  it("a --duration past 365 days is refused as the file's duration: would be, not estimated as a run past the event budget (newcomer pass)", async () => {
    const r = await cli("run", file(DEMO), "--duration", "9000h");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('--duration: must be at most 365 days, as a scenario\'s duration: (got "9000h")');
  });

  it("a duration of .nan is shown as the file wrote it, not as JSON's null (newcomer pass)", async () => {
    await expectBadInput(file(DEMO.replace("duration: 5s", "duration: .nan")), "duration: must be a duration with a unit", "(got .nan)");
    await expectBadInput(file(KAFKA + "expect:\n  - noUnavailability: .nan\n"), "expect[0].noUnavailability", "(got .nan)");
  });

  it("a YAML tag that cannot apply (!foo 1s, !!int 1s) or makes no scenario value (!!binary) is refused at its line, not run as plain text (newcomer pass)", async () => {
    await expectBadInput(file(KAFKA + "faults:\n  - { at: !foo 1s, crash: broker-1 }\n"), "line 17, column 11", "YAML tag !foo cannot be applied");
    await expectBadInput(file(KAFKA + "faults:\n  - { at: !!int 1s, crash: broker-1 }\n"), "line 17, column 11", "YAML tag !!int cannot be applied");
    await expectBadInput(file(DEMO.replace("duration: 5s", "duration: !!binary aGk=")), "line 3", "YAML tag !!binary makes no value a scenario has");
    // The core tags that say what the value is anyway still load.
    expect((await cli("run", file(DEMO.replace("name: t", "name: !!str t") + "seed: !!int 3\n"))).code).toBe(0);
  });

  it("an alias of an anchor never set names its line and the anchor (newcomer pass)", async () => {
    await expectBadInput(file(KAFKA + "faults:\n  - *nothing\n"), "line 17", "alias *nothing names no anchor &nothing set before it");
  });

  it("a history, shard file, trace or run summary given to run says what it is and which command reads it, even past the size limit (newcomer pass)", async () => {
    const named = (text: string) => {
      const f = join(dir, `other${n++}.jsonl`);
      writeFileSync(f, text);
      return f;
    };
    await expectBadInput(named('{:index 0 :time 1 :process 0 :type :invoke :f :send :value [[:send "orders-1" "a"]]}\n'), "is a client history in Jepsen's EDN shape, not a scenario", "kafkasim check");
    await expectBadInput(named('{"index":0,"time":1,"process":0,"type":"invoke","f":"send","value":[]}\n'.repeat(20_000)), "is a client history (JSON lines), not a scenario");
    await expectBadInput(named('{"kafkasim":"sweep-shard","version":1,"command":"explore"}\n'), "is a shard file", "kafkasim merge");
    await expectBadInput(named('{"t":0,"actor":"broker-1","type":"sim.start","data":{}}\n'), "is a trace (kafkasim run --trace), not a scenario");
    await expectBadInput(named('{"scenario":"t","file":"t.yaml","seed":1,"digest":"ab","events":1,"checks":[]}\n'), "is a run summary");
    // A scenario written as JSON is still a scenario.
    expect((await cli("run", named(JSON.stringify({ name: "t", description: "d", duration: "5s", demo: { heartbeat: { monitor: "m", nodes: ["a", "b"], interval: "100ms", timeout: "500ms" } } })))).code).toBe(0);
  });

  it("a control character in a name, value or key (a terminal escape, a NUL) is refused at its path without printing it (newcomer pass)", async () => {
    await expectBadInput(file(DEMO.replace("name: t", 'name: "t\\e[2J"')), "name: holds the control character U+001B");
    await expectBadInput(file(KAFKA.replace("id: p1", 'id: "p\\0x"')), "clients[0].id: holds the control character U+0000");
    await expectBadInput(file(KAFKA.replace("acks: all", '"ac\\x07ks": all')), "clients[0].config: a key here holds the control character U+0007");
    expect((await cli("run", file(DEMO.replace("name: t", 'name: "t\\e[2J"')))).stderr).not.toContain("\u001b");
    // Tabs and line breaks in a description are text.
    expect((await cli("run", file(DEMO.replace("description: a test", 'description: "a\\ttest\\nover two lines"')))).code).toBe(0);
  });

  it("an unknown key in one form of a union (a latency model, a one-way partition) lists the keys of the form written (newcomer pass)", async () => {
    await expectBadInput(file(KAFKA + "network: { latency: { model: uniform, min: 1ms, max: 2ms, mean: 3ms } }\n"), 'network.latency.mean: unknown key "mean" (allowed: model, min, max)');
    await expectBadInput(file(KAFKA + "network: { latency: { model: normal, mean: 3ms, stddev: 1ms, max: 9ms } }\n"), 'network.latency.max: unknown key "max" (allowed: model, mean, stddev)');
    await expectBadInput(file(KAFKA + "faults:\n  - { at: 1s, partition: { from: [broker-1], to: [broker-2], both: true } }\n"), 'faults[0].partition.both: unknown key "both" (allowed: from, to)');
  });

  it("a bad --seed or --duration on the command line", async () => {
    const f = file(DEMO);
    const r = await cli("run", f, "--duration", "soon");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--duration");
  });

  it("a flag given without its value names the flag, wherever it stands; a negative --duration says what is allowed", async () => {
    const f = file(DEMO);
    const noValue = async (flag: string, ...argv: string[]) => {
      const r = await cli(...argv);
      expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`${flag} needs a value`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    };
    for (const flag of ["--seed", "--duration", "--trace", "--report", "--timeline", "--history", "--set"]) {
      await noValue(flag, "run", f, flag);
      await noValue(flag, "run", f, flag, "--json");
      await noValue(flag, "run", f, flag, "");
    }
    await noValue("--seeds", "explore", f, "--seeds");
    for (const flag of ["--from", "--workers", "--shard", "--out", "--duration", "--set"]) await noValue(flag, "explore", f, "--seeds", "2", flag);
    await noValue("--out", "shrink", f, "--out");
    await noValue("--compacted", "check", join(dir, "h.edn"), "--compacted");
    for (const argv of [["--duration", "-5s"], ["--duration=-5s"]]) {
      const r = await cli("run", f, ...argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--duration: must be a positive duration");
      expect(r.stderr).toContain('(got "-5s")');
    }
    expect((await cli("run", f, "--seed", "-5", "--json")).code).toBe(0); // a negative seed is a seed
  });

  it("an unknown command or flag is a usage error", async () => {
    expect((await cli("frobnicate")).code).toBe(2);
    expect((await cli("run", file(DEMO), "--colour")).code).toBe(2);
  });
});

describe("exit codes of good input", () => {
  it("0 when expectations hold, 1 when they do not", async () => {
    const holds = await cli("run", file(DEMO + "faults:\n  - { at: 1s, pause: a, for: 1s }\nexpect:\n  - anomaly: falseSuspicion\n"));
    expect(holds.code).toBe(0);
    const fails = await cli("run", file(DEMO + "faults:\n  - { at: 1s, pause: a, for: 1s }\nexpect:\n  - noFalseSuspicion\n"));
    expect(fails.code).toBe(1);
    expect(fails.stdout).toContain("replay: kafkasim run");
  });

  it("--json prints one object with the documented fields", async () => {
    const r = await cli("run", file(DEMO), "--json", "--seed", "9");
    const j = JSON.parse(r.stdout);
    for (const k of ["scenario", "seed", "digest", "events", "simulatedMs", "wallMs", "checks", "ok"]) expect(j).toHaveProperty(k);
    expect(j.seed).toBe(9);
  });

  it("a livelock is stopped by the event budget and reported, exit 1", async () => {
    const f = file(DEMO.replace("interval: 100ms", "interval: 0ms") + "simulator: { maxEvents: 50000 }\n");
    const r = await cli("run", f);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("livelock: simulated time stood still");
  });
});

describe("file encodings and YAML limits", () => {
  const utf8 = DEMO + "expect:\n  - noFalseSuspicion\n";
  function bytes(name: string, b: Buffer): string {
    const f = join(dir, name);
    writeFileSync(f, b);
    return f;
  }
  const utf16le = (s: string) => Buffer.from(s, "utf16le");
  const utf16be = (s: string) => utf16le(s).swap16();

  it("UTF-8 with a byte-order mark loads like UTF-8", async () => {
    const plain = await cli("run", bytes("plain.yaml", Buffer.from(utf8)), "--json");
    const bom = await cli("run", bytes("bom.yaml", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8)])), "--json");
    expect(bom.code).toBe(plain.code);
    expect(JSON.parse(bom.stdout).digest).toBe(JSON.parse(plain.stdout).digest);
  });

  it("UTF-16 (either byte order, with or without a BOM) is named, with how to convert it", async () => {
    await expectBadInput(bytes("le-bom.yaml", Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(utf8)])), "UTF-16 (little-endian)", "save it as UTF-8");
    await expectBadInput(bytes("be-bom.yaml", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(utf8)])), "UTF-16 (big-endian)", "save it as UTF-8");
    await expectBadInput(bytes("le.yaml", utf16le(utf8)), "UTF-16 (little-endian)");
  });

  it("UTF-32, other 8-bit encodings and binary files are named too", async () => {
    await expectBadInput(bytes("u32.yaml", Buffer.from([0xff, 0xfe, 0, 0, 0x6e, 0, 0, 0])), "UTF-32 (little-endian)");
    await expectBadInput(bytes("latin1.yaml", Buffer.from("name: t\ndescription: caf\xe9\n", "latin1")), "not valid UTF-8", "line 2", "0xE9");
    await expectBadInput(bytes("bin.yaml", Buffer.from([0x6e, 0x3a, 0x20, 0x00, 0x01, 0x02, 0x03, 0x6e, 0x6e])), "binary");
  });

  it("YAML nested 5,000 deep is refused with the limit, not a stack overflow", async () => {
    const limit = "nested more than 64 levels deep";
    await expectBadInput(file(`name: t\nx: ${"[".repeat(5000)}${"]".repeat(5000)}\n`), limit, "line 2");
    await expectBadInput(file(`name: t\nx: ${"{a: ".repeat(5000)}1${"}".repeat(5000)}\n`), limit);
    await expectBadInput(file("x:\n" + Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i + 1)}- b:`).join("\n") + "\n"), limit);
    for (const r of [await cli("run", file(`x: ${"[".repeat(5000)}`))]) expect(r.stderr).not.toContain("call stack");
  });

  it("deep-looking text inside quotes, comments and block scalars is not nesting", async () => {
    const text = DEMO.replace("description: a test", `description: "${"[".repeat(200)}"\n# ${"{".repeat(200)}\nseed: 1`) + "expect:\n  - noFalseSuspicion\n";
    const block = DEMO.replace("description: a test", "description: |\n" + Array.from({ length: 100 }, (_, i) => `  ${" ".repeat(i)}line ${i}`).join("\n"));
    for (const f of [file(text), file(block)]) expect((await cli("run", f, "--quiet")).code).not.toBe(2);
  });

  it("a file over 1 MiB is refused with the limit", async () => {
    await expectBadInput(file(DEMO + "#" + "x".repeat(1024 * 1024) + "\n"), "1 MiB");
  });
});
