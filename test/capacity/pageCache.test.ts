import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import { diskSettings } from "../../src/scenario/capacity.js";
import { parseScenario } from "../../src/scenario/load.js";

/**
 * `capacity.disk`'s page cache (src/sim/pageCache.ts, src/kafka/broker/logDirDisk.ts) seen from a run's figures: one
 * broker with one network thread (every connection on one Processor, as a third of them share one by default), one
 * partition, a producer from 3 s writing ~5 MB/s (5,000 records/s of 1,000 bytes), a consumer at the tail, and,
 * when asked, a consumer that starts at 8 s from the earliest offset, ~25 MB behind.
 */
function run(opts: { disk: Record<string, unknown>; lagging: boolean }) {
  const text = `
name: page-cache
description: a lagging consumer against a broker's page cache
duration: 12s
cluster:
  brokers: 1
  config: { num.network.threads: 1 }
  topics: [{ name: t, partitions: 1, replicationFactor: 1 }]
network: { latency: { model: constant, value: 1ms } }
capacity: { disk: ${JSON.stringify(opts.disk)} }
clients:
  - { id: app, kind: producer, start: 3s, config: { acks: 1, linger.ms: 5 }, workload: { topic: t, rate: 5000, keys: { distribution: none }, valueSize: 1000 } }
  - { id: tail, kind: consumer, start: 2s, workload: { assign: { topic: t }, pollInterval: 1ms } }
${opts.lagging ? "  - { id: lagging, kind: consumer, start: 8s, config: { auto.offset.reset: earliest }, workload: { assign: { topic: t }, pollInterval: 1ms } }" : ""}
`;
  const r = runScenario(parseScenario(text, "page-cache.yaml"));
  const p = r.performance!;
  return { producer: p.producers[0], disk: p.disks![0], consumers: p.consumers, ok: r.ok };
}

/** A 16 MiB page cache: the ~40 MB the producer writes does not fit. */
const small = (model: string) => ({ model, memoryGiB: 16 / 1024 });

describe("capacity.disk: the page cache and disk reads", () => {
  it("a consumer at the tail reads everything from the page cache: no disk read, though older data was evicted", () => {
    const { disk, consumers } = run({ disk: small("sata-hdd-7200"), lagging: false });
    expect(disk.evictedMiB).toBeGreaterThan(20);
    expect(disk.reads).toBe(0);
    expect(disk.readMiB).toBe(0);
    expect(disk.cacheHitRatio).toBe(1);
    expect(disk.sendfileWaitMs).toBe(0);
    expect(consumers[0].records).toBeGreaterThan(40_000);
  });

  it("a consumer from the earliest offset, past the cache's size, reads from an HDD and raises the producer's p99", () => {
    const tailOnly = run({ disk: small("sata-hdd-7200"), lagging: false });
    const lagging = run({ disk: small("sata-hdd-7200"), lagging: true });
    // The lagging consumer reads the ~25 MB it is behind from the disk, ~1 MiB a Fetch (max.partition.fetch.bytes).
    expect(lagging.disk.readMiB).toBeGreaterThan(20);
    expect(lagging.disk.reads).toBeGreaterThan(15);
    expect(lagging.disk.cacheHitRatio).toBeLessThan(0.8);
    // It catches up and reads every record.
    expect(lagging.consumers.find((c) => c.client === "lagging")!.records).toBe(tailOnly.consumers[0].records);
    // Each read holds the one network thread for a seek and a MiB at 249 MB/s (~16.6 ms): produce requests and
    // responses wait behind it (sendfile in the network thread, KAFKA-7504).
    expect(lagging.disk.sendfileWaitMs).toBeGreaterThan(15 * lagging.disk.reads);
    expect(lagging.producer.latency!.p99Ms - tailOnly.producer.latency!.p99Ms).toBeGreaterThan(8);
    expect(lagging.producer.latency!.p50Ms).toBe(tailOnly.producer.latency!.p50Ms);
  });

  it("on an NVMe SSD the same reads cost the producer next to nothing", () => {
    const tailOnly = run({ disk: small("nvme-ssd"), lagging: false });
    const lagging = run({ disk: small("nvme-ssd"), lagging: true });
    expect(lagging.disk.readMiB).toBeGreaterThan(20);
    expect(lagging.producer.latency!.p99Ms - tailOnly.producer.latency!.p99Ms).toBeLessThan(0.5);
  });

  it("with the default page cache (64 GiB host, 6 GiB heap) the whole log stays cached: the lagging consumer reads no disk", () => {
    const { disk } = run({ disk: { model: "sata-hdd-7200" }, lagging: true });
    expect(disk.reads).toBe(0);
    expect(disk.evictedMiB).toBe(0);
    expect(disk.cacheHitRatio).toBe(1);
  });
});

describe("capacity.disk: the page cache's size", () => {
  it("is the host's memory less the JVM heap, unless memoryGiB sets it; the dirty limit is its dirty ratio", () => {
    expect(diskSettings({}).cacheBytes).toBe(58 * 2 ** 30);
    expect(diskSettings({}).dirtyLimitBytes).toBeCloseTo(0.2 * 58 * 2 ** 30, 0);
    expect(diskSettings({ hostMemoryGiB: 32, heapGiB: 8 }).cacheBytes).toBe(24 * 2 ** 30);
    expect(diskSettings({ hostMemoryGiB: 32, memoryGiB: 4 }).cacheBytes).toBe(4 * 2 ** 30);
    expect(diskSettings({ model: "sata-hdd-7200" })).toMatchObject({ readBytesPerSec: 249e6, readAccessUs: 12_370 });
  });

  it("refuses a heap that leaves no page cache, at its path", () => {
    const load = (capacity: string) => () => parseScenario(`name: bad\ndescription: a bad disk\nduration: 1s\ncluster: { brokers: 1 }\ncapacity: ${capacity}\n`, "bad.yaml");
    expect(load("{ disk: { hostMemoryGiB: 6 } }")).toThrow(/capacity\.disk\.heapGiB: the JVM heap \(6 GiB\) leaves no page cache/);
    expect(load("{ disk: {}, hosts: { broker-1: { disk: { heapGiB: 64 } } } }")).toThrow(/capacity\.hosts\.broker-1\.disk\.heapGiB/);
    expect(load("{ disk: { readAccessUs: -1 } }")).toThrow(/capacity\.disk\.readAccessUs: must be a latency in µs >= 0/);
  });
});
