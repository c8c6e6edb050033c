import type { Performance } from "../runner/performance.js";

/**
 * The performance lines of a run summary (a scenario with `capacity:`), in kafka-producer-perf-test's words:
 * `app: 821557 records/sec (78.35 MiB/sec), 2.10 ms avg latency, ... 1.00 ms 50th, 5.00 ms 99th, 9.00 ms 99.9th.`
 */
export function formatPerformance(p: Performance): string[] {
  const lines: string[] = [];
  for (const x of p.producers) {
    const l = x.latency;
    const lat = l ? `, ${l.avgMs.toFixed(2)} ms avg latency, ${l.maxMs.toFixed(2)} ms max latency, ${l.p50Ms.toFixed(2)} ms 50th, ${l.p99Ms.toFixed(2)} ms 99th, ${l.p999Ms.toFixed(2)} ms 99.9th` : "";
    lines.push(`  ${x.client}: ${x.acknowledged} records acknowledged${x.failed > 0 ? `, ${x.failed} failed` : ""}, ${x.recordsPerSec} records/sec (${x.mibPerSec.toFixed(2)} MiB/sec)${lat}`);
  }
  for (const x of p.consumers) {
    const l = x.endToEnd;
    lines.push(`  ${x.client}: ${x.records} records consumed${l ? `, end-to-end ${l.p50Ms.toFixed(2)} ms 50th, ${l.p99Ms.toFixed(2)} ms 99th, ${l.p999Ms.toFixed(2)} ms 99.9th` : ""}`);
  }
  for (const n of p.nics) lines.push(`  ${n.host} NIC: tx ${n.txMiB.toFixed(1)} MiB (${(n.txUtilisation * 100).toFixed(1)} % busy), rx ${n.rxMiB.toFixed(1)} MiB (${(n.rxUtilisation * 100).toFixed(1)} % busy)`);
  return lines.length > 0 ? ["performance:", ...lines] : [];
}
