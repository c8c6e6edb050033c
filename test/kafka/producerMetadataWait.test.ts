import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

/**
 * KafkaProducer.waitOnMetadata: a send to a topic the producer has no metadata for waits (up to max.block.ms) while
 * the producer asks for metadata again and again, retry.backoff.ms apart, until the topic shows up.
 */
describe("sends made before the cluster is up", () => {
  it("five records sent in the first half second, while no broker knows the topic yet, are all written once it does", () => {
    // The KRaft quorum elects a controller after ~1.5 s; the first metadata answers have no topics. Before the fix
    // the producer asked once per send, so after its fifth send nobody asked again and the records waited forever.
    const s = parseScenario(
      `name: early-sends
description: a producer whose sends all come before the cluster is up
duration: 10s
cluster:
  brokers: 3
  topics: [{ name: t, partitions: 1, replicationFactor: 3 }]
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: t, rate: 10, records: 5 }
`,
      "<test>",
    );
    const r = runScenario(s);
    const sends = r.history.ops.filter((op) => op.f === "send" && op.type !== "invoke");
    expect(sends.map((op) => op.type)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  });
});
