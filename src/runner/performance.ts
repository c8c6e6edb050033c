import type { ClientCpu } from "../kafka/client/clientCpu.js";
import type { BrokerRequestMetrics } from "../kafka/broker/requestMetrics.js";
import type { ResolvedScenario } from "../scenario/resolved.js";
import type { Simulation } from "../sim/index.js";
import type { History, SendValue } from "../workload/history.js";
import { type LatencyHistogram, msClockLatencyUs, type PerfTestStats, type ProducerPerfCounters } from "../workload/perfTestStats.js";

/** Latency percentiles in ms, as kafka-producer-perf-test prints them (50th, 99th, 99.9th, max), and the mean. */
export interface LatencySummary {
  count: number;
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/**
 * One producer's throughput, as kafka-producer-perf-test measures it (every acknowledged record, from its first send()
 * to its last acknowledgement: `producerRecordsPerSec`), and its produce latency (send() to its callback) in the
 * steady state: over the sends made from its first acknowledgement on (those before waited out the cluster's start-up
 * and the first metadata, the warm-up a benchmark leaves out).
 */
export interface ProducerPerformance {
  client: string;
  /** Sends acknowledged and failed (or left unknown), over the whole run. */
  acknowledged: number;
  failed: number;
  /**
   * Acknowledged records per second of simulated time, kafka-producer-perf-test's records/sec: all of them, over the
   * time from the first send() to the last acknowledgement (`producerRecordsPerSec`). A producer started before the
   * cluster is up counts the start-up it waited out, as perf-test would.
   */
  recordsPerSec: number;
  /** The same in MiB/s of record values (`valueSize` bytes each), as kafka-producer-perf-test's MB/sec. */
  mibPerSec: number;
  /** send() to callback of the sends made from the first acknowledgement on (the steady state; `count` says how many). */
  latency: LatencySummary | null;
  /** True for a perf-test client: its figures come from its counters, not from a recorded history. */
  perfTest?: true;
  /** A perf-test producer's records send() failed at once (RECORD_TOO_LARGE), over the whole run; absent when none. */
  refused?: { records: number; error: string };
}

/** One consumer's end-to-end latency: from a record's send() to the poll that returned it (its first time). */
export interface ConsumerPerformance {
  client: string;
  records: number;
  endToEnd: LatencySummary | null;
  /**
   * The same records' end-to-end latency as OpenMessaging Benchmark measures it (`clock: ms`): whole milliseconds of
   * two ms clocks (floor(receipt ms) − floor(send ms)), differences ≤ 0 dropped (`msClockLatencyUs`,
   * LocalWorker.messageReceived); so its count may be below `endToEnd`'s. Null when every sample was dropped.
   */
  endToEndMsClock: LatencySummary | null;
  /**
   * A perf-test consumer only (kafka-consumer-perf-test's figures): records read per second of simulated time from
   * its first poll that returned records to its last, and the same in MiB/s of values.
   */
  recordsPerSec?: number;
  mibPerSec?: number;
  /** True for a perf-test client: its figures come from its counters, not from a recorded history. */
  perfTest?: true;
}

/** One host's NIC: what it carried (framed bytes) and how busy it was over the run, each way. */
export interface NicPerformance {
  host: string;
  txMiB: number;
  rxMiB: number;
  /** Busy share of the run, 0..1. */
  txUtilisation: number;
  rxUtilisation: number;
}

/**
 * One broker's request path over the run (Kafka's RequestQueueTimeMs and the threads' idle percentages, as busy
 * shares): null figures where `capacity.brokerCpu` is not set (nothing queues, no thread is busy).
 */
export interface BrokerPerformance {
  broker: string;
  /** Requests its I/O threads took. */
  requests: number;
  /** Request queue time in ms (network thread's read to an I/O thread), p50 and p99, nearest rank; null without brokerCpu. */
  requestQueueP50Ms: number | null;
  requestQueueP99Ms: number | null;
  /** Busy share 0..1 of all network threads / all I/O threads over the run; null without brokerCpu. */
  networkThreadUtilisation: number | null;
  ioThreadUtilisation: number | null;
  /** Share 0..1 of the network threads' time spent blocked on a full request queue (queued.max.requests). */
  networkThreadBlocked: number | null;
}

/**
 * One broker's disk behind its page cache over the run (`capacity.disk`, src/sim/blockDevice.ts): what it wrote
 * (background write-back and fsyncs), how busy it was, its fsyncs (Kafka's LogFlushRateAndTimeMs: count and time,
 * from the flush's call to its end), how long writers waited on the page cache's dirty limit, and what fetches read
 * from it (page cache misses: src/sim/pageCache.ts) with the page cache's hit ratio.
 */
export interface DiskPerformance {
  broker: string;
  writtenMiB: number;
  /** Busy share 0..1 of the run (writing or flushing; at most 1). */
  utilisation: number;
  fsyncs: number;
  /** Mean and total fsync time, ms; null mean without fsyncs. */
  fsyncAvgMs: number | null;
  fsyncTotalMs: number;
  /** Writes throttled on the dirty limit, and their summed wait in ms. */
  throttledWrites: number;
  throttledMs: number;
  /** Dirty page cache at the end of the run, MiB. */
  dirtyMiBAtEnd: number;
  /** MiB read from the disk (page cache misses, whole readahead chunks), and per second of the run. */
  readMiB: number;
  readMiBPerSec: number;
  /** Disk reads (one positioning each: a run of missing chunks in one Fetch response's partition). */
  reads: number;
  /**
   * Share 0..1 of the bytes Fetch responses sent (consumers' and followers') that the page cache held; null when
   * nothing was fetched.
   */
  cacheHitRatio: number | null;
  /** µs the network threads waited on disk reads while sending Fetch responses (sendfile), summed, in ms. */
  sendfileWaitMs: number;
  /** Page cache evicted over the run and held at its end, MiB. */
  evictedMiB: number;
  cachedMiBAtEnd: number;
}

/** One client's codec CPU over the run (`capacity.clientCpu`): compression (producer) or decompression (consumer). */
export interface ClientCpuPerformance {
  client: string;
  /** Codec jobs (batches compressed, fetch answers decompressed) and their CPU time, ms. */
  jobs: number;
  busyMs: number;
  /** Busy share 0..1 of its one codec thread over the run. */
  utilisation: number;
}

/** One partition's bytes over the run, summed over brokers (MiB of record batches), and per second of the run. */
export interface PartitionPerformance {
  topic: string;
  partition: number;
  /** Produced to its leaders (BytesIn). */
  inMiB: number;
  /** Fetched by consumers (BytesOut). */
  outMiB: number;
  /** Fetched by followers (ReplicationBytesOut). */
  replicationOutMiB: number;
  inMiBPerSec: number;
  outMiBPerSec: number;
}

export interface Performance {
  producers: ProducerPerformance[];
  consumers: ConsumerPerformance[];
  nics: NicPerformance[];
  brokers: BrokerPerformance[];
  /** Brokers with a disk (`capacity.disk`), in the scenario's order (always set by measurePerformance). */
  disks?: DiskPerformance[];
  /** Clients with `capacity.clientCpu`, in the scenario's order (always set by measurePerformance). */
  clientCpu?: ClientCpuPerformance[];
  /** Partitions with any bytes, busiest (in + out) first. */
  partitions: PartitionPerformance[];
}

/**
 * Nearest-rank percentile of sorted values (kafka-producer-perf-test's `percentiles`: `latencies[(int) (p * n)]`).
 * `sorted` in any unit; returns the same unit.
 */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** The summary of a histogram of latencies (µs), the same figures `summarise` gives for the latencies listed. */
export function summariseHistogram(h: LatencyHistogram): LatencySummary | null {
  if (h.count === 0) return null;
  const [p50, p99, p999, max] = h.percentilesUs([0.5, 0.99, 0.999, 1]);
  const ms = (us: number) => Math.round(us) / 1000;
  return { count: h.count, avgMs: ms(h.meanUs), p50Ms: ms(p50), p99Ms: ms(p99), p999Ms: ms(p999), maxMs: ms(max) };
}

/** A perf-test producer's records/s from its counters, by `producerRecordsPerSec`'s rule. */
export function perfTestRecordsPerSec(p: ProducerPerfCounters): number {
  return producerRecordsPerSec({ firstSendUs: p.firstSendUs ?? 0, lastAckUs: p.lastAckUs, acknowledged: p.firstAckUs === null ? 0 : p.acknowledged });
}

/**
 * The figures of perf-test clients (issue 17 item 5) from their counters (History.perfTest), by the rules the
 * history-based figures follow: a producer's records/s from its first send() to its last acknowledgement and its
 * latency over the steady state from its first acknowledgement; a consumer's rate from its first poll that returned
 * records to its last.
 */
function perfTestFigures(stats: PerfTestStats, valueBytes: ReadonlyMap<string, number>): { producers: ProducerPerformance[]; consumers: ConsumerPerformance[] } {
  const producers: ProducerPerformance[] = [];
  for (const [client, p] of stats.producers) {
    const recordsPerSec = perfTestRecordsPerSec(p);
    producers.push({ client, acknowledged: p.acknowledged, failed: p.failed, recordsPerSec: Math.round(recordsPerSec), mibPerSec: Math.round((recordsPerSec * (valueBytes.get(client) ?? 0) * 100) / 1048576) / 100, latency: summariseHistogram(p.latency), perfTest: true, ...(p.refused > 0 ? { refused: { records: p.refused, error: p.refusedError! } } : {}) });
  }
  const consumers: ConsumerPerformance[] = [];
  for (const [client, c] of stats.consumers) {
    const seconds = c.firstPollUs === null ? 0 : (c.lastPollUs - c.firstPollUs) / 1e6;
    const recordsPerSec = seconds > 0 ? c.recordsAfterFirst / seconds : 0;
    const bytesPerRecord = c.records > 0 ? c.valueBytes / c.records : 0;
    consumers.push({ client, records: c.records, endToEnd: summariseHistogram(c.endToEnd), endToEndMsClock: summariseHistogram(c.endToEndMsClock), recordsPerSec: Math.round(recordsPerSec), mibPerSec: Math.round(((recordsPerSec * bytesPerRecord) / 1048576) * 100) / 100, perfTest: true });
  }
  return { producers, consumers };
}

/** Count, mean and nearest-rank percentiles in ms (µs-rounded) of latencies in µs; null for none. */
export function summarise(latenciesUs: number[]): LatencySummary | null {
  if (latenciesUs.length === 0) return null;
  const s = Float64Array.from(latenciesUs).sort();
  let sum = 0;
  for (const v of s) sum += v;
  const ms = (us: number) => Math.round(us) / 1000;
  return { count: s.length, avgMs: ms(sum / s.length), p50Ms: ms(percentile(s, 0.5)), p99Ms: ms(percentile(s, 0.99)), p999Ms: ms(percentile(s, 0.999)), maxMs: ms(s[s.length - 1]) };
}

/**
 * One producer's samples: its throughput counts (every send) and its steady-state latencies, send() to callback in
 * µs, of the sends made from its first acknowledgement on.
 */
export interface ProduceSamples {
  latenciesUs: number[];
  /** Sends acknowledged, and failed or left unknown, over the whole history. */
  acknowledged: number;
  failed: number;
  /** Its first send() and its first and last acknowledgement (µs). */
  firstSendUs: number;
  firstAckUs: number;
  lastAckUs: number;
}

/**
 * Per producer (history process), its produce samples (see ProducerPerformance): every send counts towards the
 * throughput; sends invoked before its first acknowledgement waited out the cluster's start-up and are left out of
 * the latencies. In the history's process order.
 */
export function produceSamples(history: History): Map<string, ProduceSamples> {
  const perProducer = new Map<string, ProduceSamples>();
  const ops = history.ops;
  // Pass 1: each producer's first send and its first and last acknowledgement.
  for (const op of ops) {
    if (op.f !== "send") continue;
    let p = perProducer.get(op.process);
    if (!p) perProducer.set(op.process, (p = { latenciesUs: [], acknowledged: 0, failed: 0, firstSendUs: Infinity, firstAckUs: Infinity, lastAckUs: -Infinity }));
    if (op.type === "invoke") {
      if (op.time < p.firstSendUs) p.firstSendUs = op.time;
    } else if (op.type === "ok") {
      p.acknowledged++;
      if (op.time < p.firstAckUs) p.firstAckUs = op.time;
      if (op.time > p.lastAckUs) p.lastAckUs = op.time;
    } else p.failed++;
  }
  // Only producers with a completed send are measured (an invocation alone says nothing yet).
  for (const [process, p] of perProducer) if (p.acknowledged + p.failed === 0) perProducer.delete(process);
  // Pass 2: the steady state's latencies, from each producer's first acknowledgement on.
  for (const op of ops) {
    if (op.f !== "send" || op.type !== "ok" || op.invoke === undefined) continue;
    const p = perProducer.get(op.process)!;
    const invokedUs = ops[op.invoke].time;
    if (invokedUs >= p.firstAckUs) p.latenciesUs.push(op.time - invokedUs);
  }
  return perProducer;
}

/**
 * Acknowledged records per second as kafka-producer-perf-test reports them (ProducerPerformance.Stats.printTotal:
 * `count / (now - start)`, `start` taken just before the send loop's first send(), `count` every successful callback,
 * `now` after `producer.close()` has waited for the last one): every acknowledged record over the time from the
 * first send() to the last acknowledgement (µs in, records/s out); 0 when none was acknowledged. A producer that
 * starts before the cluster can take its records counts that wait: its backlog, acknowledged in a burst once the
 * cluster is up, cannot make the figure exceed the rate it sent at.
 */
export function producerRecordsPerSec(p: { firstSendUs: number; lastAckUs: number; acknowledged: number }): number {
  const seconds = (p.lastAckUs - p.firstSendUs) / 1e6;
  return p.acknowledged > 0 && seconds > 0 ? p.acknowledged / seconds : 0;
}

/**
 * Per consumer (history process), the end-to-end latency in µs of each record it returned: from the record's send()
 * to the first poll that returned it (a value returned again is not counted again), and the same as OMB measures it
 * (`msClockLatencyUs`: whole ms of two ms clocks, ≤ 0 dropped) in `msClockLatenciesUs`. In the history's process order.
 */
export function endToEndSamples(history: History): Map<string, { records: number; latenciesUs: number[]; msClockLatenciesUs: number[] }> {
  const sentAtUs = new Map<string, number>();
  for (const op of history.ops) if (op.f === "send" && op.type === "invoke") sentAtUs.set((op.value as SendValue).value, op.time);
  const perConsumer = new Map<string, { seen: Set<string>; latenciesUs: number[]; msClockLatenciesUs: number[] }>();
  for (const { done } of history.completed("poll")) {
    if (done.type !== "ok" || done.value === null || typeof done.value !== "object") continue;
    let c = perConsumer.get(done.process);
    if (!c) perConsumer.set(done.process, (c = { seen: new Set(), latenciesUs: [], msClockLatenciesUs: [] }));
    for (const records of Object.values(done.value as Record<string, unknown>)) {
      if (!Array.isArray(records)) continue;
      for (const r of records) {
        const value = Array.isArray(r) ? r[1] : undefined;
        if (typeof value !== "string" || c.seen.has(value)) continue;
        c.seen.add(value);
        const at = sentAtUs.get(value);
        if (at === undefined) continue;
        c.latenciesUs.push(done.time - at);
        const ms = msClockLatencyUs(at, done.time);
        if (ms !== null) c.msClockLatenciesUs.push(ms);
      }
    }
  }
  return new Map([...perConsumer].map(([k, c]) => [k, { records: c.seen.size, latenciesUs: c.latenciesUs, msClockLatenciesUs: c.msClockLatenciesUs }]));
}

/**
 * The measurements a performance engineer reads after a run, from the recorded history (so they hold for any
 * history with send and poll ops) and the hosts' NIC counters: per producer, acknowledged records/s, MiB/s and the
 * latency from send() to the callback; per consumer, the end-to-end latency from send() to the poll that first
 * returned the record; per host with a NIC, bytes and utilisation each way over `simulatedUs`.
 */
export function measurePerformance(s: ResolvedScenario, history: History, sim: Simulation, simulatedUs: number, brokerMetrics: ReadonlyMap<string, BrokerRequestMetrics> = new Map(), clientCpus: ReadonlyMap<string, ClientCpu> = new Map()): Performance {
  const valueBytes = new Map<string, number>();
  for (const c of s.clients) if (c.kind === "producer" || c.kind === "transactional-producer") valueBytes.set(c.id, c.workload.valueSize);
  const producers = [...produceSamples(history)].map(([client, p]): ProducerPerformance => {
    const recordsPerSec = producerRecordsPerSec(p);
    return { client, acknowledged: p.acknowledged, failed: p.failed, recordsPerSec: Math.round(recordsPerSec), mibPerSec: Math.round((recordsPerSec * (valueBytes.get(client) ?? 0) * 100) / 1048576) / 100, latency: summarise(p.latenciesUs) };
  });
  const consumers = [...endToEndSamples(history)].map(([client, c]): ConsumerPerformance => ({ client, records: c.records, endToEnd: summarise(c.latenciesUs), endToEndMsClock: summarise(c.msClockLatenciesUs) }));
  const perf = perfTestFigures(history.perfTest, valueBytes);
  producers.push(...perf.producers);
  consumers.push(...perf.consumers);
  const nics: NicPerformance[] = (s.capacity?.nics ?? []).map(({ name }) => {
    const nic = sim.nicOf(name)!;
    const share = (busy: number) => Math.round((busy / Math.max(simulatedUs, 1)) * 1000) / 1000;
    const mib = (b: number) => Math.round((b / 1048576) * 100) / 100;
    return { host: name, txMiB: mib(nic.txBytes), rxMiB: mib(nic.rxBytes), txUtilisation: share(nic.txBusyUs), rxUtilisation: share(nic.rxBusyUs) };
  });
  const clientCpu = [...clientCpus].map(([client, cpu]): ClientCpuPerformance => ({
    client,
    jobs: cpu.jobs,
    busyMs: Math.round(cpu.busyUs) / 1000,
    utilisation: Math.round(Math.min(1, cpu.busyUs / Math.max(simulatedUs, 1)) * 1000) / 1000,
  }));
  return { producers, consumers, nics, ...measureBrokers(brokerMetrics, simulatedUs), clientCpu };
}

/** A broker's page cache figures (DiskPerformance's read fields) from its disk's counters. */
function cacheFigures(m: BrokerRequestMetrics, spanUs: number, round: (x: number, digits: number) => number) {
  const pc = m.disk!.cache.counters;
  const asked = pc.hitBytes + pc.missBytes;
  return {
    readMiB: round(pc.diskReadBytes / 1048576, 2),
    readMiBPerSec: round(pc.diskReadBytes / 1048576 / (spanUs / 1e6), 2),
    reads: pc.diskReads,
    cacheHitRatio: asked > 0 ? round(pc.hitBytes / asked, 4) : null,
    sendfileWaitMs: round(m.networkDiskReadUs / 1000, 3),
    evictedMiB: round(pc.evictedBytes / 1048576, 2),
    cachedMiBAtEnd: round(m.disk!.cache.cachedBytes / 1048576, 2),
  };
}

/**
 * Per broker, the request path's queue time and thread utilisation; per partition, its bytes summed over the
 * brokers (a partition's leader moves: each broker counted what it served).
 */
export function measureBrokers(metrics: ReadonlyMap<string, BrokerRequestMetrics>, simulatedUs: number): { brokers: BrokerPerformance[]; disks: DiskPerformance[]; partitions: PartitionPerformance[] } {
  const span = Math.max(simulatedUs, 1);
  const share = (busy: number, threads: number) => (threads > 0 ? Math.round((busy / (span * threads)) * 1000) / 1000 : null);
  const brokers: BrokerPerformance[] = [];
  const disks: DiskPerformance[] = [];
  const parts = new Map<string, { topic: string; partition: number; bytesIn: number; bytesOut: number; replicationBytesOut: number }>();
  for (const [broker, m] of metrics) {
    const timed = m.ioThreads > 0;
    const q = timed && m.queueTimesUs.length > 0 ? Float64Array.from(m.queueTimesUs).sort() : null;
    const ms = (us: number) => Math.round(us) / 1000;
    brokers.push({
      broker,
      requests: m.queueTimesUs.length,
      requestQueueP50Ms: q ? ms(percentile(q, 0.5)) : timed ? 0 : null,
      requestQueueP99Ms: q ? ms(percentile(q, 0.99)) : timed ? 0 : null,
      networkThreadUtilisation: share(m.networkBusyUs, m.networkThreads),
      ioThreadUtilisation: share(m.ioBusyUs, m.ioThreads),
      networkThreadBlocked: share(m.networkBlockedUs, m.networkThreads),
    });
    if (m.disk) {
      const c = m.disk.countersAt(simulatedUs);
      const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
      disks.push({
        broker,
        writtenMiB: round(c.bytesWritten / 1048576, 2),
        utilisation: round(Math.min(1, c.busyUs / span), 3),
        fsyncs: c.fsyncs,
        fsyncAvgMs: c.fsyncs > 0 ? round(c.fsyncTotalUs / c.fsyncs / 1000, 3) : null,
        fsyncTotalMs: round(c.fsyncTotalUs / 1000, 3),
        throttledWrites: c.throttledWrites,
        throttledMs: round(c.throttledUs / 1000, 3),
        dirtyMiBAtEnd: round(m.disk.dirtyBytes(simulatedUs) / 1048576, 2),
        ...cacheFigures(m, span, round),
      });
    }
    for (const [key, p] of m.partitions) {
      let sum = parts.get(key);
      if (!sum) parts.set(key, (sum = { topic: p.topic, partition: p.partition, bytesIn: 0, bytesOut: 0, replicationBytesOut: 0 }));
      sum.bytesIn += p.bytesIn;
      sum.bytesOut += p.bytesOut;
      sum.replicationBytesOut += p.replicationBytesOut;
    }
  }
  const mib = (b: number) => Math.round((b / 1048576) * 100) / 100;
  const perSec = (b: number) => Math.round((b / 1048576 / (span / 1e6)) * 100) / 100;
  const partitions = [...parts.values()]
    .sort((a, b) => b.bytesIn + b.bytesOut - (a.bytesIn + a.bytesOut) || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
    .map((p): PartitionPerformance => ({ topic: p.topic, partition: p.partition, inMiB: mib(p.bytesIn), outMiB: mib(p.bytesOut), replicationOutMiB: mib(p.replicationBytesOut), inMiBPerSec: perSec(p.bytesIn), outMiBPerSec: perSec(p.bytesOut) }));
  return { brokers, disks, partitions };
}
