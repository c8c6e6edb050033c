import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";

/**
 * Perf-test workloads (issue 17 items 5 and 6): a producer that appends runs of keyless records and a consumer that
 * counts without building records must give the figures the per-record workloads give, where nothing depends on
 * the record, and record nothing in the history.
 */
function run(opts: { perfTest: boolean; rate: number | "max"; config?: Record<string, unknown>; nicMbit?: number; consumer?: boolean; duration?: string; partitions?: number; topicConfig?: Record<string, unknown> }) {
  const text = `
name: perf
description: a producer under the capacity model
duration: ${opts.duration ?? "5s"}
cluster:
  brokers: 1
  topics: [{ name: t, partitions: ${opts.partitions ?? 3}, replicationFactor: 1${opts.topicConfig ? `, config: ${JSON.stringify(opts.topicConfig)}` : ""} }]
network: { latency: { model: constant, value: 1ms } }
capacity: ${opts.nicMbit ? `{ nicMbitPerSec: ${opts.nicMbit} }` : "{}"}
clients:
  - id: app
    kind: producer
    start: 3s
    config: ${JSON.stringify(opts.config ?? { acks: 1 })}
    workload: { topic: t, rate: ${opts.rate}, keys: { distribution: none }, valueSize: 100${opts.perfTest ? ", perfTest: true" : ""} }
${opts.consumer ? `  - { id: reader, kind: consumer, workload: { assign: { topic: t }, pollInterval: 1ms${opts.perfTest ? ", perfTest: true" : ""} } }` : ""}
`;
  const sends: number[] = [];
  const r = runScenario(parseScenario(text, "perf.yaml"), {
    observe: (t) => {
      if (t.type === "producer.send") sends.push((t.data as { records: number }).records);
    },
  });
  return { r, p: r.performance!, producer: r.performance!.producers[0], sends };
}

describe("perf-test producer", () => {
  it("acknowledges exactly the records, batches and latencies a per-record producer does at a low rate", () => {
    const each = run({ perfTest: false, rate: 2000, config: { acks: 1, "linger.ms": 5 } });
    const perf = run({ perfTest: true, rate: 2000, config: { acks: 1, "linger.ms": 5 } });
    expect(perf.producer.perfTest).toBe(true);
    expect(perf.producer.acknowledged).toBe(each.producer.acknowledged);
    expect(perf.producer.failed).toBe(each.producer.failed);
    expect(perf.producer.recordsPerSec).toBe(each.producer.recordsPerSec);
    expect(perf.producer.latency).toEqual(each.producer.latency);
    expect(perf.sends).toEqual(each.sends);
    // Nothing of the perf-test producer is in the history.
    expect(perf.r.history.ops.filter((o) => o.process === "app")).toHaveLength(0);
  });
});
