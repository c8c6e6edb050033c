import type { Performance } from "../runner/performance.js";

/**
 * The performance lines of a run summary (a scenario with `capacity:`), in kafka-producer-perf-test's words:
 * `app: 1000 records acknowledged, 821557 records/sec (78.35 MiB/sec) from its first send(); latency in the steady
 * state (990 sends from its first acknowledgement on): 2.10 ms avg latency, ... 1.00 ms 50th, 5.00 ms 99th, ...`
 * Then per broker with `capacity.brokerCpu` its request queue time and thread utilisation, per broker with
 * `capacity.disk` its disk (written, busy, fsyncs, throttled writes, read, page cache hit ratio), per NIC its load, and the
 * ten busiest partitions' bytes (in: produced, out: consumed, replication out: to followers).
 */
/** What a perf-test client's line says: its records were counted, not recorded, so no check judged them. */
export const PERF_TEST_NOTE = " [perf-test: counted, not recorded in the history; no check judged its records]";

export function formatPerformance(p: Performance): string[] {
  const lines: string[] = [];
  for (const x of p.producers) {
    const l = x.latency;
    // Counts and records/s are the whole run's, as kafka-producer-perf-test's (first send() to last acknowledgement);
    // the latency is the steady state's (sends from the first acknowledgement on), so its count is said apart.
    const lat = l ? `; latency in the steady state (${l.count} sends from its first acknowledgement on): ${l.avgMs.toFixed(2)} ms avg latency, ${l.maxMs.toFixed(2)} ms max latency, ${l.p50Ms.toFixed(2)} ms 50th, ${l.p99Ms.toFixed(2)} ms 99th, ${l.p999Ms.toFixed(2)} ms 99.9th` : "";
    const refused = x.refused ? `, ${x.refused.records} refused by send() (${x.refused.error})` : "";
    lines.push(`  ${x.client}: ${x.acknowledged} records acknowledged${x.failed > 0 ? `, ${x.failed} failed` : ""}${refused}, ${x.recordsPerSec} records/sec (${x.mibPerSec.toFixed(2)} MiB/sec) from its first send()${lat}${x.perfTest ? PERF_TEST_NOTE : ""}`);
  }
  for (const x of p.consumers) {
    const l = x.endToEnd;
    const rate = x.recordsPerSec !== undefined ? `, ${x.recordsPerSec} records/sec (${(x.mibPerSec ?? 0).toFixed(2)} MiB/sec)` : "";
    const m = x.endToEndMsClock;
    // As OMB measures it (ms clocks, ≤ 0 dropped): its percentiles are whole milliseconds.
    const omb = m ? ` (as OMB measures it, ms clocks: ${m.p50Ms.toFixed(2)} ms 50th, ${m.p99Ms.toFixed(2)} ms 99th, ${m.count} of ${l?.count ?? 0} samples kept)` : "";
    lines.push(`  ${x.client}: ${x.records} records consumed${rate}${l ? `, end-to-end (send() to the poll that returned it: the consumer's poll loop counts) ${l.p50Ms.toFixed(2)} ms 50th, ${l.p99Ms.toFixed(2)} ms 99th, ${l.p999Ms.toFixed(2)} ms 99.9th${omb}` : ""}${x.perfTest ? PERF_TEST_NOTE : ""}`);
  }
  for (const b of p.brokers) {
    if (b.ioThreadUtilisation === null) continue;
    const pct = (x: number | null) => `${((x ?? 0) * 100).toFixed(1)} %`;
    const blocked = (b.networkThreadBlocked ?? 0) > 0 ? `, network threads blocked on a full request queue ${pct(b.networkThreadBlocked)} of the time` : "";
    lines.push(`  ${b.broker}: ${b.requests} requests, request queue time ${(b.requestQueueP50Ms ?? 0).toFixed(2)} ms 50th, ${(b.requestQueueP99Ms ?? 0).toFixed(2)} ms 99th; network threads ${pct(b.networkThreadUtilisation)} busy, I/O threads ${pct(b.ioThreadUtilisation)} busy${blocked}`);
  }
  for (const c of p.clientCpu ?? []) lines.push(`  ${c.client} CPU: ${c.jobs} codec jobs, ${c.busyMs.toFixed(1)} ms (${(c.utilisation * 100).toFixed(1)} % of one thread)`);
  for (const d of p.disks ?? []) {
    const fsync = d.fsyncs > 0 ? `, ${d.fsyncs} fsyncs (${(d.fsyncAvgMs ?? 0).toFixed(3)} ms avg, ${d.fsyncTotalMs.toFixed(1)} ms in all)` : ", no fsync";
    const throttled = d.throttledWrites > 0 ? `, ${d.throttledWrites} writes throttled on the dirty limit (${d.throttledMs.toFixed(1)} ms in all)` : "";
    const hit = d.cacheHitRatio === null ? "nothing fetched" : `page cache hit ratio ${(d.cacheHitRatio * 100).toFixed(1)} %`;
    const read = d.reads > 0 ? `, ${d.readMiB.toFixed(1)} MiB read (${d.readMiBPerSec.toFixed(2)} MiB/sec, ${d.reads} reads; network threads waited ${d.sendfileWaitMs.toFixed(1)} ms in sendfile)` : ", nothing read";
    lines.push(`  ${d.broker} disk: ${d.writtenMiB.toFixed(1)} MiB written (${(d.utilisation * 100).toFixed(1)} % busy)${fsync}${throttled}, ${d.dirtyMiBAtEnd.toFixed(1)} MiB dirty at the end${read}, ${hit}`);
  }
  for (const n of p.nics) lines.push(`  ${n.host} NIC: tx ${n.txMiB.toFixed(1)} MiB (${(n.txUtilisation * 100).toFixed(1)} % busy), rx ${n.rxMiB.toFixed(1)} MiB (${(n.rxUtilisation * 100).toFixed(1)} % busy)`);
  // The busiest partitions (hot ones show first): at most 10 lines, and how many more there are.
  const shown = p.partitions.slice(0, 10);
  for (const x of shown) lines.push(`  ${x.topic}-${x.partition}: in ${x.inMiB.toFixed(2)} MiB (${x.inMiBPerSec.toFixed(2)} MiB/sec), out ${x.outMiB.toFixed(2)} MiB (${x.outMiBPerSec.toFixed(2)} MiB/sec), replication out ${x.replicationOutMiB.toFixed(2)} MiB`);
  if (p.partitions.length > shown.length) lines.push(`  ... ${p.partitions.length - shown.length} more partitions (all in --json)`);
  return lines.length > 0 ? ["performance:", ...lines] : [];
}
