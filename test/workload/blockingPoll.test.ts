import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/errors.js";

/**
 * A consumer application's poll loop (src/workload/consumerWorkload.ts). `pollTimeout` is Java's poll(Duration) in a
 * loop, as OpenMessaging Benchmark's Kafka consumer runs it: an empty poll blocks until a Fetch answer brings
 * records (KafkaConsumer.pollForFetches waits in client.poll until fetcher.hasAvailableFetches()), then returns at
 * once and sends the next Fetch with the partitions it drained. `pollInterval` sleeps between polls instead.
 */
function run(poll: string, partitions = 1) {
  const text = `
name: poll-loop
description: a producer and a consumer on a constant 1 ms network
duration: 5s
cluster:
  brokers: 1
  topics: [{ name: t, partitions: ${partitions}, replicationFactor: 1 }]
network: { latency: { model: constant, value: 1ms } }
capacity: {}
clients:
  - { id: app, kind: producer, start: 3s, config: { acks: 1, linger.ms: 0 }, workload: { topic: t, rate: 500, keys: { distribution: none }, valueSize: 100 } }
  - { id: reader, kind: consumer, workload: { assign: { topic: t }, ${poll} } }
`;
  const r = runScenario(parseScenario(text, "poll.yaml"));
  return { e2e: r.performance!.consumers[0].endToEnd!, ack: r.performance!.producers[0].latency!, records: r.performance!.consumers[0].records };
}

describe("consumer poll loop", () => {
  it("poll(Duration) returns as soon as a Fetch brings records: end-to-end is the ack path plus one hop, not the poll pace", () => {
    const blocking = run("pollTimeout: 100ms");
    expect(blocking.records).toBeGreaterThan(900);
    // send -> leader (1 ms) -> the parked consumer Fetch is answered (1 ms): ~2 ms, whatever the 100 ms timeout.
    expect(blocking.e2e.p50Ms).toBeGreaterThanOrEqual(2);
    expect(blocking.e2e.p50Ms).toBeLessThan(2.5);
    expect(blocking.e2e.p99Ms).toBeLessThan(3);
    // Sleeping 20 ms between polls adds ~10 ms on average (the records wait for the next poll).
    const pacing = run("pollInterval: 20ms");
    expect(pacing.e2e.p50Ms).toBeGreaterThan(blocking.e2e.p50Ms + 5);
  });

  it("a partition drained by poll() goes into the next Fetch at once, not after a Fetch already parked for the others", () => {
    // Keyless records stick to one partition at a time (KIP-794), so most of the 8 partitions are idle: a Fetch
    // parked for them could wait up to fetch.max.wait.ms (500 ms). The drained partition must not wait behind it.
    const blocking = run("pollTimeout: 100ms", 8);
    expect(blocking.e2e.p99Ms).toBeLessThan(4);
  });

  it("pollTimeout replaces pollInterval, is > 0, and is for assign: consumers", () => {
    const bad = (workload: string, config = "") => () =>
      parseScenario(
        `name: x\ndescription: x\nduration: 1s\ncluster: { brokers: 1, topics: [{ name: t, partitions: 1, replicationFactor: 1 }] }\nclients:\n  - { id: r, kind: consumer, ${config} workload: ${workload} }\n`,
        "x.yaml",
      );
    expect(bad("{ assign: { topic: t }, pollTimeout: 100ms, pollInterval: 5ms }")).toThrow(/clients\[0\]\.workload\.pollTimeout: replaces pollInterval/);
    expect(bad("{ assign: { topic: t }, pollTimeout: 0ms }")).toThrow(/pollTimeout: must be a duration > 0/);
    expect(bad("{ subscribe: [t], pollTimeout: 100ms }", "config: { group.id: g },")).toThrow(ScenarioError);
    expect(bad("{ subscribe: [t], pollTimeout: 100ms }", "config: { group.id: g },")).toThrow(/is for assign: consumers/);
  });
});
