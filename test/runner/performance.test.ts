import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { perfTestRecordsPerSec, produceSamples, producerRecordsPerSec } from "../../src/runner/performance.js";
import { History } from "../../src/workload/history.js";
import { PerfTestStats } from "../../src/workload/perfTestStats.js";

/**
 * The capacity model seen from the measurements (src/runner/performance.ts): small clusters under a producer, each
 * run with `capacity:` so the run reports throughput and latency. The producer starts at 3 s, once the cluster is up
 * (KRaft quorum, broker registration: ~2 s), as a benchmark starts against a running cluster.
 */

function run(opts: { nicMbit?: number; rate: number | "max"; config?: Record<string, unknown>; brokers?: number; rf?: number; latency?: string; duration?: string; consumer?: boolean }) {
  const text = `
name: perf
description: a producer under the capacity model
duration: ${opts.duration ?? "5s"}
cluster:
  brokers: ${opts.brokers ?? 1}
  topics: [{ name: t, partitions: 1, replicationFactor: ${opts.rf ?? 1} }]
${opts.latency ? `network: { latency: { model: constant, value: ${opts.latency} } }` : ""}
capacity: ${opts.nicMbit ? `{ nicMbitPerSec: ${opts.nicMbit} }` : "{}"}
clients:
  - id: app
    kind: producer
    start: 3s
    config: ${JSON.stringify(opts.config ?? { acks: 1 })}
    workload: { topic: t, rate: ${opts.rate}, keys: { distribution: none }, valueSize: 100 }
${opts.consumer ? "  - { id: reader, kind: consumer, workload: { assign: { topic: t }, pollInterval: 1ms } }" : ""}
`;
  const sends: number[] = [];
  const r = runScenario(parseScenario(text, "perf.yaml"), {
    observe: (t) => {
      if (t.type === "producer.send") sends.push((t.data as { records: number }).records);
    },
  });
  return { r, p: r.performance!, producer: r.performance!.producers[0], sends };
}

describe("capacity: a NIC with a bandwidth", () => {
  it("a saturated NIC caps throughput at its bandwidth; a faster one carries what is offered", () => {
    // 10 Mbit/s is 1.25 MB/s, 94.1 % of it TCP payload (1448 of every 1538 bytes); a full 16 KiB batch of 148
    // 109-byte records travels in a 16,443-byte produce request: ~111 bytes a record, ~10,600 records/s.
    const slow = run({ nicMbit: 10, rate: 20_000 });
    const capRecordsPerSec = (1.25e6 * (1448 / 1538)) / (16_443 / 148);
    expect(slow.producer.recordsPerSec).toBeGreaterThan(0.95 * capRecordsPerSec);
    expect(slow.producer.recordsPerSec).toBeLessThan(1.01 * capRecordsPerSec);
    // The producer's queue grows by ~9,400 records a second: latency grows with it, to most of the run.
    expect(slow.producer.latency!.p50Ms).toBeGreaterThan(300);
    const fast = run({ nicMbit: 1000, rate: 20_000 });
    expect(fast.producer.recordsPerSec).toBeGreaterThan(19_000);
    expect(fast.producer.latency!.p99Ms).toBeLessThan(20);
    expect(fast.p.nics.find((n) => n.host === "app")!.txUtilisation).toBeLessThan(0.1);
  });
});

describe("capacity: the producer's accumulator", () => {
  it("linger.ms raises the batch size and the produce latency, as RecordAccumulator does", () => {
    const quick = run({ rate: 2000, config: { acks: 1, "linger.ms": 0 }, latency: "1ms" });
    const lingering = run({ rate: 2000, config: { acks: 1, "linger.ms": 50 }, latency: "1ms" });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(quick.sends)).toBeLessThan(6);
    // 2000 records/s for 50 ms: about 100 records a batch.
    expect(mean(lingering.sends)).toBeGreaterThan(80);
    expect(quick.producer.latency!.p50Ms).toBeLessThan(5);
    // A record waits for the rest of the linger (25 ms on average) plus the round trip.
    expect(lingering.producer.latency!.p50Ms).toBeGreaterThan(25);
    expect(lingering.producer.latency!.p99Ms).toBeGreaterThan(50);
  });

  it("acks=all waits for the follower fetch round trip that acks=1 does not", () => {
    const one = run({ rate: 200, brokers: 3, rf: 3, config: { acks: 1, "linger.ms": 0, "enable.idempotence": false }, latency: "5ms" });
    const all = run({ rate: 200, brokers: 3, rf: 3, config: { acks: "all", "linger.ms": 0 }, latency: "5ms" });
    // acks=1: the request and its answer, 2 × 5 ms. acks=all: the waiting follower fetch is answered with the batch
    // (5 ms), and its next fetch tells the leader (5 ms) before the HW moves: 2 × 5 ms more.
    expect(one.producer.latency!.p50Ms).toBeGreaterThanOrEqual(10);
    expect(one.producer.latency!.p50Ms).toBeLessThan(12);
    expect(all.producer.latency!.p50Ms - one.producer.latency!.p50Ms).toBeGreaterThanOrEqual(9.5);
  });

  it("end-to-end latency reaches to the consumer's poll", () => {
    const { p } = run({ rate: 200, config: { acks: 1, "linger.ms": 0 }, latency: "2ms", consumer: true });
    const e2e = p.consumers[0].endToEnd!;
    expect(p.consumers[0].records).toBeGreaterThan(350);
    expect(e2e.p50Ms).toBeGreaterThanOrEqual(4);
    expect(e2e.p50Ms).toBeLessThan(20);
  });
});

describe("capacity: rate: max (kafka-producer-perf-test --throughput -1)", () => {
  it("sends as fast as send() takes records without blocking: the NIC is the limit, and buffer.memory stays full", () => {
    const { producer, p } = run({ nicMbit: 10, rate: "max", config: { acks: 1, "buffer.memory": 1048576 } });
    const capRecordsPerSec = (1.25e6 * (1448 / 1538)) / (16_443 / 148);
    expect(producer.recordsPerSec).toBeGreaterThan(0.95 * capRecordsPerSec);
    expect(producer.recordsPerSec).toBeLessThan(1.01 * capRecordsPerSec);
    expect(producer.failed).toBe(0);
    // 1 MiB of buffer at ~1.2 MB/s: a record waits most of a second in the accumulator.
    expect(producer.latency!.p50Ms).toBeGreaterThan(600);
    expect(p.nics.find((n) => n.host === "app")!.txUtilisation).toBeGreaterThan(0.35); // busy 2 s of a 5 s run
  });
});

describe("producer records/s as kafka-producer-perf-test measures it (ProducerPerformance.Stats.printTotal)", () => {
  // A producer sending 2 records a ms (2,000/s) from 0 to 3 s at a cluster that answers nothing before 2 s: the 4,000
  // records of its backlog are acknowledged in a burst over 2.0-2.1 s, the later sends 2 ms after they were made.
  // perf-test's figure is count / (now − start), start taken before the first send(): ~2,000/s. Measured from the
  // first acknowledgement, the burst reads as ~5,800/s, a rate the producer never sent at.
  const history = new History();
  const stats = new PerfTestStats();
  for (let ms = 0; ms < 3000; ms++) {
    const sendUs = ms * 1000;
    const ackUs = ms < 2000 ? 2_000_000 + Math.floor(ms / 20) * 1000 : sendUs + 2000;
    for (let k = 0; k < 2; k++) {
      const inv = history.invokeSend(sendUs, "app", { topic: "t", partition: null, key: null, value: `app-0-${2 * ms + k}` });
      history.completeSend(ackUs, inv, "ok", 0, 2 * ms + k);
    }
    if (ms === 0) stats.producerSendLoopStarted("app", sendUs);
  }
  // The perf-test producer's counters see the same sends, one batch per send ms.
  const byAck = new Map<number, { firstSendUs: number; count: number }[]>();
  for (let ms = 0; ms < 3000; ms++) {
    const ackUs = ms < 2000 ? 2_000_000 + Math.floor(ms / 20) * 1000 : ms * 1000 + 2000;
    byAck.set(ackUs, [...(byAck.get(ackUs) ?? []), { firstSendUs: ms * 1000, count: 2 }]);
  }
  for (const ackUs of [...byAck.keys()].sort((a, b) => a - b)) for (const r of byAck.get(ackUs)!) stats.producerBatchDone("app", ackUs, [{ firstN: r.firstSendUs / 500, firstSendUs: r.firstSendUs, intervalUs: 0, count: r.count }], true);

  it("a producer that waited out the cluster's start-up reports no more than the rate it sent at", () => {
    const s = produceSamples(history).get("app")!;
    expect(s.acknowledged).toBe(6000);
    const rate = producerRecordsPerSec(s);
    expect(rate).toBeLessThanOrEqual(2000);
    expect(rate).toBeCloseTo(6000 / 3.001, 3); // last acknowledgement at 3.001 s
    // The perf-test producer's counters give the same figure.
    expect(perfTestRecordsPerSec(stats.producers.get("app")!)).toBeCloseTo(rate, 6);
    expect(stats.producers.get("app")!.acknowledged).toBe(6000);
  });

  it("the latencies stay the steady state's: the sends from the first acknowledgement on (2 ms each)", () => {
    const s = produceSamples(history).get("app")!;
    expect(s.latenciesUs).toHaveLength(2000);
    expect(new Set(s.latenciesUs)).toEqual(new Set([2000]));
    expect(stats.producers.get("app")!.latency.count).toBe(2000);
    expect(stats.producers.get("app")!.latency.meanUs).toBe(2000);
  });

  it("nothing acknowledged: 0 records/s", () => {
    expect(producerRecordsPerSec({ firstSendUs: 0, lastAckUs: -Infinity, acknowledged: 0 })).toBe(0);
    expect(perfTestRecordsPerSec(new PerfTestStats().producer("idle"))).toBe(0);
  });
});
