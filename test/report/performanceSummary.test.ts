import { describe, expect, it } from "vitest";
import type { Performance } from "../../src/runner/performance.js";
import { formatPerformance } from "../../src/report/performanceSummary.js";

const base: Performance = { producers: [], consumers: [], nics: [], brokers: [], partitions: [] };
const part = (partition: number, inMiB: number) => ({ topic: "t", partition, inMiB, outMiB: 0, replicationOutMiB: 0, inMiBPerSec: inMiB / 2, outMiBPerSec: 0 });

describe("the run summary's performance lines", () => {
  it("per broker with brokerCpu: queue time, thread busy shares, and a blocked share only when blocked", () => {
    const lines = formatPerformance({
      ...base,
      brokers: [
        { broker: "broker-1", requests: 828, requestQueueP50Ms: 5.48, requestQueueP99Ms: 9.51, networkThreadUtilisation: 0.001, ioThreadUtilisation: 0.414, networkThreadBlocked: 0 },
        { broker: "broker-2", requests: 428, requestQueueP50Ms: 15, requestQueueP99Ms: 20, networkThreadUtilisation: 0, ioThreadUtilisation: 0.428, networkThreadBlocked: 0.314 },
        { broker: "broker-3", requests: 0, requestQueueP50Ms: null, requestQueueP99Ms: null, networkThreadUtilisation: null, ioThreadUtilisation: null, networkThreadBlocked: null },
      ],
    });
    expect(lines[0]).toBe("performance:");
    expect(lines[1]).toBe("  broker-1: 828 requests, request queue time 5.48 ms 50th, 9.51 ms 99th; network threads 0.1 % busy, I/O threads 41.4 % busy");
    expect(lines[2]).toContain("network threads blocked on a full request queue 31.4 % of the time");
    // A broker without brokerCpu has no thread figures to show.
    expect(lines.some((l) => l.includes("broker-3"))).toBe(false);
  });

  it("the ten busiest partitions, and how many more there are", () => {
    const lines = formatPerformance({ ...base, partitions: Array.from({ length: 12 }, (_, i) => part(i, 12 - i)) });
    expect(lines[1]).toBe("  t-0: in 12.00 MiB (6.00 MiB/sec), out 0.00 MiB (0.00 MiB/sec), replication out 0.00 MiB");
    expect(lines).toHaveLength(1 + 10 + 1);
    expect(lines[11]).toBe("  ... 2 more partitions (all in --json)");
  });

  it("per broker with a disk: written, busy, fsyncs and throttling; per client with clientCpu: its codec thread", () => {
    const lines = formatPerformance({
      ...base,
      disks: [
        { broker: "broker-1", writtenMiB: 3.64, utilisation: 0.4, fsyncs: 238, fsyncAvgMs: 8.395, fsyncTotalMs: 1997.9, throttledWrites: 0, throttledMs: 0, dirtyMiBAtEnd: 0, readMiB: 0, readMiBPerSec: 0, reads: 0, cacheHitRatio: null, sendfileWaitMs: 0, evictedMiB: 0, cachedMiBAtEnd: 3.64 },
        { broker: "broker-2", writtenMiB: 1.9, utilisation: 0.399, fsyncs: 0, fsyncAvgMs: null, fsyncTotalMs: 0, throttledWrites: 84, throttledMs: 1158.94, dirtyMiBAtEnd: 1, readMiB: 12.5, readMiBPerSec: 2.5, reads: 40, cacheHitRatio: 0.4567, sendfileWaitMs: 602.14, evictedMiB: 10, cachedMiBAtEnd: 5 },
      ],
      clientCpu: [{ client: "app", jobs: 467, busyMs: 49.2, utilisation: 0.015 }],
    });
    expect(lines).toEqual([
      "performance:",
      "  app CPU: 467 codec jobs, 49.2 ms (1.5 % of one thread)",
      "  broker-1 disk: 3.6 MiB written (40.0 % busy), 238 fsyncs (8.395 ms avg, 1997.9 ms in all), 0.0 MiB dirty at the end, nothing read, nothing fetched",
      "  broker-2 disk: 1.9 MiB written (39.9 % busy), no fsync, 84 writes throttled on the dirty limit (1158.9 ms in all), 1.0 MiB dirty at the end, 12.5 MiB read (2.50 MiB/sec, 40 reads; network threads waited 602.1 ms in sendfile), page cache hit ratio 45.7 %",
    ]);
  });

  it("a producer's line gives the whole run's counts and records/s (perf-test's, from the first send()) and says its latency is the steady state's, with its own count", () => {
    const latency = { count: 90, avgMs: 2, maxMs: 9, p50Ms: 1.5, p99Ms: 5, p999Ms: 9 };
    const lines = formatPerformance({
      ...base,
      producers: [
        { client: "app", acknowledged: 100, failed: 0, recordsPerSec: 45, mibPerSec: 0, latency },
        { client: "perf", acknowledged: 1000, failed: 2, recordsPerSec: 500, mibPerSec: 0.05, latency, perfTest: true },
      ],
    });
    expect(lines[1]).toBe("  app: 100 records acknowledged, 45 records/sec (0.00 MiB/sec) from its first send(); latency in the steady state (90 sends from its first acknowledgement on): 2.00 ms avg latency, 9.00 ms max latency, 1.50 ms 50th, 5.00 ms 99th, 9.00 ms 99.9th");
    expect(lines[2]).toMatch(/^  perf: 1000 records acknowledged, 2 failed, 500 records\/sec \(0\.05 MiB\/sec\) from its first send\(\); latency in the steady state \(90 sends/);
  });

  it("a consumer's end-to-end line says what it spans: a sleeping poll loop shows in it, not the brokers alone", () => {
    const endToEnd = { count: 10, avgMs: 150, maxMs: 210, p50Ms: 160, p99Ms: 210, p999Ms: 210 };
    const lines = formatPerformance({ ...base, consumers: [{ client: "reader", records: 10, endToEnd, endToEndMsClock: null }] });
    expect(lines[1]).toBe("  reader: 10 records consumed, end-to-end (send() to the poll that returned it: the consumer's poll loop counts) 160.00 ms 50th, 210.00 ms 99th, 210.00 ms 99.9th");
  });

  it("nothing measured: no lines", () => {
    expect(formatPerformance(base)).toEqual([]);
  });
});
