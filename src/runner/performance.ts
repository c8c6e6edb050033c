import type { ResolvedScenario } from "../scenario/resolved.js";
import type { Simulation } from "../sim/index.js";
import type { History, SendValue } from "../workload/history.js";

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
 * One producer's throughput and produce latency (send() to its callback) in the steady state: over the sends made
 * from its first acknowledgement on (those before waited out the cluster's start-up and the first metadata, the
 * warm-up a benchmark leaves out).
 */
export interface ProducerPerformance {
  client: string;
  /** Sends made in the steady state, acknowledged and failed. */
  acknowledged: number;
  failed: number;
  /**
   * Acknowledged records per second of simulated time in the steady state: those acknowledged after the first
   * acknowledgement, over the time from it to the last (so the cluster's start-up, which the first sends wait out,
   * does not count).
   */
  recordsPerSec: number;
  /** The same in MiB/s of record values (`valueSize` bytes each), as kafka-producer-perf-test's MB/sec. */
  mibPerSec: number;
  latency: LatencySummary | null;
}

/** One consumer's end-to-end latency: from a record's send() to the poll that returned it (its first time). */
export interface ConsumerPerformance {
  client: string;
  records: number;
  endToEnd: LatencySummary | null;
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

export interface Performance {
  producers: ProducerPerformance[];
  consumers: ConsumerPerformance[];
  nics: NicPerformance[];
}

/**
 * Nearest-rank percentile of sorted values (kafka-producer-perf-test's `percentiles`: `latencies[(int) (p * n)]`).
 * `sorted` in any unit; returns the same unit.
 */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function summarise(latenciesUs: number[]): LatencySummary | null {
  if (latenciesUs.length === 0) return null;
  const s = Float64Array.from(latenciesUs).sort();
  let sum = 0;
  for (const v of s) sum += v;
  const ms = (us: number) => Math.round(us) / 1000;
  return { count: s.length, avgMs: ms(sum / s.length), p50Ms: ms(percentile(s, 0.5)), p99Ms: ms(percentile(s, 0.99)), p999Ms: ms(percentile(s, 0.999)), maxMs: ms(s[s.length - 1]) };
}

/**
 * The measurements a performance engineer reads after a run, from the recorded history (so they hold for any
 * history with send and poll ops) and the hosts' NIC counters: per producer, acknowledged records/s, MiB/s and the
 * latency from send() to the callback; per consumer, the end-to-end latency from send() to the poll that first
 * returned the record; per host with a NIC, bytes and utilisation each way over `simulatedUs`.
 */
export function measurePerformance(s: ResolvedScenario, history: History, sim: Simulation, simulatedUs: number): Performance {
  const valueBytes = new Map<string, number>();
  for (const c of s.clients) if (c.kind === "producer" || c.kind === "transactional-producer") valueBytes.set(c.id, c.workload.valueSize);
  const sentAtUs = new Map<string, number>();
  const perProducer = new Map<string, { latencies: number[]; failed: number; firstAckUs: number; lastAckUs: number; acksAfterFirst: number }>();
  const ops = history.ops;
  // Pass 1: each producer's first and last acknowledgement, and when each value was sent (for end-to-end latency).
  for (const op of ops) {
    if (op.f !== "send") continue;
    if (op.type === "invoke") {
      sentAtUs.set((op.value as SendValue).value, op.time);
      continue;
    }
    let p = perProducer.get(op.process);
    if (!p) perProducer.set(op.process, (p = { latencies: [], failed: 0, firstAckUs: Infinity, lastAckUs: -Infinity, acksAfterFirst: 0 }));
    if (op.type === "ok") {
      if (op.time < p.firstAckUs) p.firstAckUs = op.time;
      if (op.time > p.lastAckUs) p.lastAckUs = op.time;
    }
  }
  // Pass 2: the steady state, from each producer's first acknowledgement on.
  for (const op of ops) {
    if (op.f !== "send" || op.type === "invoke" || op.invoke === undefined) continue;
    const p = perProducer.get(op.process)!;
    if (op.type === "ok" && op.time > p.firstAckUs) p.acksAfterFirst++;
    const invokedUs = ops[op.invoke].time;
    if (invokedUs < p.firstAckUs) continue;
    if (op.type === "ok") p.latencies.push(op.time - invokedUs);
    else p.failed++;
  }
  const producers = [...perProducer].map(([client, p]): ProducerPerformance => {
    // Records acknowledged with the first acknowledgement (one batch, or several at once) open the window.
    const seconds = (p.lastAckUs - p.firstAckUs) / 1e6;
    const recordsPerSec = seconds > 0 ? p.acksAfterFirst / seconds : 0;
    return { client, acknowledged: p.latencies.length, failed: p.failed, recordsPerSec: Math.round(recordsPerSec), mibPerSec: Math.round((recordsPerSec * (valueBytes.get(client) ?? 0) * 100) / 1048576) / 100, latency: summarise(p.latencies) };
  });
  const perConsumer = new Map<string, { seen: Set<string>; latencies: number[] }>();
  for (const { done } of history.completed("poll")) {
    if (done.type !== "ok" || done.value === null || typeof done.value !== "object") continue;
    let c = perConsumer.get(done.process);
    if (!c) perConsumer.set(done.process, (c = { seen: new Set(), latencies: [] }));
    for (const records of Object.values(done.value as Record<string, unknown>)) {
      if (!Array.isArray(records)) continue;
      for (const r of records) {
        const value = Array.isArray(r) ? r[1] : undefined;
        if (typeof value !== "string" || c.seen.has(value)) continue;
        c.seen.add(value);
        const at = sentAtUs.get(value);
        if (at !== undefined) c.latencies.push(done.time - at);
      }
    }
  }
  const consumers = [...perConsumer].map(([client, c]): ConsumerPerformance => ({ client, records: c.seen.size, endToEnd: summarise(c.latencies) }));
  const nics: NicPerformance[] = (s.capacity?.nics ?? []).map(({ name }) => {
    const nic = sim.nicOf(name)!;
    const share = (busy: number) => Math.round((busy / Math.max(simulatedUs, 1)) * 1000) / 1000;
    const mib = (b: number) => Math.round((b / 1048576) * 100) / 100;
    return { host: name, txMiB: mib(nic.txBytes), rxMiB: mib(nic.rxBytes), txUtilisation: share(nic.txBusyUs), rxUtilisation: share(nic.rxBusyUs) };
  });
  return { producers, consumers, nics };
}
