import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";

/**
 * `capacity.disk` (src/sim/blockDevice.ts, src/kafka/broker/logDirDisk.ts) seen from a run's figures: one broker, one
 * partition, a producer from 3 s (once the cluster is up), 100-byte values, 1 ms links.
 */
function run(opts: { disk?: Record<string, unknown>; rate: number; topicConfig?: Record<string, unknown>; config?: Record<string, unknown>; duration?: string }) {
  const text = `
name: disk
description: a producer against a broker with a disk
duration: ${opts.duration ?? "5s"}
cluster:
  brokers: 1
  topics: [{ name: t, partitions: 1, replicationFactor: 1, config: ${JSON.stringify(opts.topicConfig ?? {})} }]
network: { latency: { model: constant, value: 1ms } }
capacity: ${JSON.stringify(opts.disk ? { disk: opts.disk } : {})}
clients:
  - id: app
    kind: producer
    start: 3s
    config: ${JSON.stringify(opts.config ?? { acks: 1, "linger.ms": 0 })}
    workload: { topic: t, rate: ${opts.rate}, keys: { distribution: none }, valueSize: 100 }
`;
  const r = runScenario(parseScenario(text, "disk.yaml"));
  const p = r.performance!;
  return { p, producer: p.producers[0], disk: p.disks?.[0] };
}

describe("capacity.disk: fsync cost with flush.messages", () => {
  it("flush.messages: 1 raises produce latency by about the fsync time (a 7200 rpm disk: 8.33 ms)", () => {
    const base = run({ disk: { model: "sata-hdd-7200" }, rate: 50 });
    const flushed = run({ disk: { model: "sata-hdd-7200" }, rate: 50, topicConfig: { "flush.messages": 1 } });
    expect(base.disk!.fsyncs).toBe(0);
    expect(flushed.disk!.fsyncs).toBeGreaterThan(90);
    const rise = flushed.producer.latency!.p50Ms - base.producer.latency!.p50Ms;
    expect(rise).toBeGreaterThan(8.3);
    expect(rise).toBeLessThan(8.5);
    expect(flushed.disk!.fsyncAvgMs).toBeGreaterThan(8.33);
    expect(flushed.disk!.fsyncAvgMs).toBeLessThan(8.4);
  });

  it("flush.messages: 1 caps throughput at one fsync per produce request", () => {
    // One connection, muted while its request is handled: at most 1 / 8.33 ms = 120 requests/s, each a full batch
    // of 148 records (16 KiB batch.size, 109-byte records): ~17,800 records/s of the 30,000 offered.
    const { producer, disk, p } = run({ disk: { model: "sata-hdd-7200" }, rate: 30_000, topicConfig: { "flush.messages": 1 }, config: { acks: 1 } });
    const cap = (1e3 / 8.33) * 148;
    expect(producer.recordsPerSec).toBeGreaterThan(0.9 * cap);
    expect(producer.recordsPerSec).toBeLessThan(1.02 * cap);
    expect(disk!.utilisation).toBeGreaterThan(0.35);
    // The I/O thread spent the fsyncs: one of 8 threads busy for most of the producing time (2 s of 5).
    expect(p.brokers[0].ioThreadUtilisation!).toBeGreaterThan(0.3 / 8);
  });

  it("flush.ms: the scheduler's flusher fsyncs in the background, produce latency does not wait for it", () => {
    const base = run({ disk: { model: "sata-hdd-7200" }, rate: 200 });
    const timed = run({ disk: { model: "sata-hdd-7200" }, rate: 200, topicConfig: { "flush.ms": 100 } });
    expect(timed.disk!.fsyncs).toBeGreaterThan(15);
    expect(timed.producer.latency!.p50Ms).toBeCloseTo(base.producer.latency!.p50Ms, 1);
  });
});

describe("capacity.disk: the page cache", () => {
  // 1 MB/s disk; 5 MiB for the page cache at dirty_ratio 20 %: throttling from ~1 MiB dirty.
  const slowDisk = { writeMBPerSec: 1, fsyncUs: 0, memoryGiB: 5 / 1024, dirtyRatioPercent: 20 };

  it("without flush settings a slow disk costs nothing while write-back keeps up", () => {
    // 2,000 records/s is ~0.2 MB/s of batches: below the bandwidth.
    const slow = run({ disk: slowDisk, rate: 2000 });
    const fast = run({ disk: { model: "nvme-ssd" }, rate: 2000 });
    expect(slow.disk!.throttledWrites).toBe(0);
    expect(slow.disk!.fsyncs).toBe(0);
    expect(slow.producer.latency!.p99Ms).toBe(fast.producer.latency!.p99Ms);
    expect(slow.disk!.utilisation).toBeGreaterThan(0.05);
  });

  it("once the dirty pages pass the dirty limit, writers are throttled to the disk's bandwidth", () => {
    // 20,000 records/s is ~2.2 MB/s: the dirty bytes grow by ~1.2 MB/s until the limit, then the appends wait.
    const { producer, disk } = run({ disk: slowDisk, rate: 20_000 });
    expect(disk!.throttledWrites).toBeGreaterThan(0);
    expect(disk!.utilisation).toBeGreaterThan(0.35);
    // Over 2 s: the page cache absorbed ~1 MiB, the disk wrote ~2 MB: ~3 MB of ~111-byte records a 2 s.
    expect(producer.recordsPerSec).toBeLessThan(16_000);
    expect(producer.recordsPerSec).toBeGreaterThan(11_000);
  });
});

describe("capacity.disk: the scenario's schema", () => {
  const load = (capacity: string) => () =>
    parseScenario(
      `
name: bad
description: a bad disk
duration: 1s
cluster: { brokers: 1 }
capacity: ${capacity}
`,
      "bad.yaml",
    );
  it("refuses an unknown model, a bad number and a disk on a host that is not a broker, at their path", () => {
    expect(load("{ disk: { model: ssd } }")).toThrow(/bad\.yaml: capacity\.disk\.model: must be one of "nvme-ssd", "sata-hdd-7200" \(got "ssd"\)$/);
    expect(load("{ disk: { writeMBPerSec: 0 } }")).toThrow(/capacity\.disk\.writeMBPerSec: must be a bandwidth in MB\/s > 0/);
    expect(load("{ disk: { dirtyRatioPercent: 150 } }")).toThrow(/capacity\.disk\.dirtyRatioPercent: must be a percentage <= 100/);
    expect(load("{ disk: { iops: 3 } }")).toThrow(/capacity\.disk/);
    expect(load("{ hosts: { controller-1: { disk: {} } } }")).toThrow(/capacity\.hosts\.controller-1\.disk: only brokers have a modelled disk/);
    expect(load("{ clientCpu: yes }")).toThrow(/capacity\.clientCpu: must be true or false/);
  });
});
