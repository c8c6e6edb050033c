import type { SendTimeRun } from "../kafka/log/runRecordBatch.js";

/**
 * Latencies in µs counted by value (a histogram with one bucket per µs that occurs), so a run of records that
 * share a latency costs one update: what kafka-producer-perf-test's `Stats` keeps as a sampled array, kept here
 * whole and exact. Percentiles are nearest rank, as perf-test's `percentiles` (`latencies[(int) (p * n)]`).
 */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  private sumUs = 0;

  /** `count` latencies `firstUs, firstUs + stepUs, …` (µs; `stepUs` may be negative or 0). */
  addRun(firstUs: number, stepUs: number, count: number): void {
    if (count <= 0) return;
    if (stepUs === 0) this.add(firstUs, count);
    else for (let i = 0; i < count; i++) this.add(firstUs + i * stepUs, 1);
  }

  /** Adds each latency (µs) of `values`. */
  addValues(values: readonly number[]): void {
    for (const v of values) this.add(v, 1);
  }

  /** Adds every latency `other` holds (merging clients' histograms, as OpenMessaging Benchmark merges its workers'). */
  merge(other: LatencyHistogram): void {
    for (const [latencyUs, n] of other.counts) this.add(latencyUs, n);
  }

  private add(latencyUs: number, n: number): void {
    this.counts.set(latencyUs, (this.counts.get(latencyUs) ?? 0) + n);
    this.count += n;
    this.sumUs += latencyUs * n;
  }

  /** Mean in µs (0 when empty). */
  get meanUs(): number {
    return this.count === 0 ? 0 : this.sumUs / this.count;
  }

  /** The nearest-rank percentiles `ps` (0..1) in µs, in the order asked; empty histogram: all 0. */
  percentilesUs(ps: readonly number[]): number[] {
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    return ps.map((p) => {
      const rank = Math.min(this.count - 1, Math.floor(p * this.count));
      let seen = 0;
      for (const k of keys) {
        seen += this.counts.get(k)!;
        if (seen > rank) return k;
      }
      return keys.length > 0 ? keys[keys.length - 1] : 0;
    });
  }
}

/**
 * The end-to-end latency as OpenMessaging Benchmark measures it (`LocalWorker.messageReceived`): the consumer's
 * `System.currentTimeMillis()` at receipt minus the record's timestamp (CreateTime, `time.milliseconds()` at send():
 * `KafkaProducer.doSend`), both whole milliseconds, converted to µs; a difference ≤ 0 is dropped (not recorded).
 * Takes the exact send and receipt times in µs of simulated time (both hosts' clocks agree: no skew is modelled);
 * returns µs, a multiple of 1000, or null when OMB drops the sample. E.g. sent at 10.9 ms, received at 11.1 ms: 1000;
 * sent at 10.1 ms, received at 10.9 ms: null.
 */
export function msClockLatencyUs(sendUs: number, receiveUs: number): number | null {
  const d = Math.floor(receiveUs / 1000) - Math.floor(sendUs / 1000);
  return d > 0 ? d * 1000 : null;
}

/**
 * Adds to `h` the ms-clock latencies (`msClockLatencyUs`) of `count` records sent at `firstSendUs + i × intervalUs`
 * (µs, `intervalUs` ≥ 0) and received at `receiveUs`: one update per millisecond the send times span.
 */
export function addMsClockRun(h: LatencyHistogram, receiveUs: number, firstSendUs: number, intervalUs: number, count: number): void {
  const receiveMs = Math.floor(receiveUs / 1000);
  let i = 0;
  while (i < count) {
    const sendMs = Math.floor((firstSendUs + i * intervalUs) / 1000);
    // The records sent in the same millisecond as the i-th share its figure.
    const next = intervalUs > 0 ? Math.max(i + 1, Math.min(count, Math.ceil(((sendMs + 1) * 1000 - firstSendUs) / intervalUs))) : intervalUs === 0 ? count : i + 1;
    if (receiveMs > sendMs) h.addRun((receiveMs - sendMs) * 1000, 0, next - i);
    i = next;
  }
}

/**
 * One perf-test producer's counters. Throughput is counted as kafka-producer-perf-test counts it
 * (ProducerPerformance.Stats: `count` of successful callbacks over the time since the send loop began); the latency
 * histogram keeps kafkasim's steady state (sends from the first acknowledgement on, performance.ts).
 */
export interface ProducerPerfCounters {
  /** The first send() (µs): the tick the application first called appendRun, whether or not it appended. */
  firstSendUs: number | null;
  /** The first and last acknowledgement, µs; null before any. */
  firstAckUs: number | null;
  lastAckUs: number;
  /** Records acknowledged, all (Stats.count: PerfCallback records every success). The records/s numerator. */
  acknowledged: number;
  /** Records whose batch failed (or whose outcome is unknown), all. */
  failed: number;
  /** send() to acknowledgement, µs, of the records sent at or after the first acknowledgement (the steady state). */
  latency: LatencyHistogram;
  /** Records handed to the producer (appended), all. */
  sent: number;
  /**
   * Records send() failed at once, before any batch (RECORD_TOO_LARGE: larger than max.request.size or buffer.memory),
   * all, and the error; kafka-producer-perf-test counts none of them (PerfCallback records successes only).
   */
  refused: number;
  refusedError: string | null;
}

/** One perf-test consumer's counters. */
export interface ConsumerPerfCounters {
  records: number;
  /** Value bytes of the records read. */
  valueBytes: number;
  firstPollUs: number | null;
  lastPollUs: number;
  /** Records read after the first poll that returned any (the records/s numerator, as for a producer). */
  recordsAfterFirst: number;
  /** send() to the poll that returned the record, µs (records of perf-test producers only: their send times travel with their batches). */
  endToEnd: LatencyHistogram;
  /** The same records' latency as OMB measures it (`msClockLatencyUs`: whole ms of two ms clocks, ≤ 0 dropped), µs. */
  endToEndMsClock: LatencyHistogram;
}

/**
 * What perf-test clients (`perfTest: true`, issue 17 item 5) keep instead of a history: counters and latency
 * histograms, updated once per batch. The checks never see these clients' records: performance.ts reads them.
 */
export class PerfTestStats {
  readonly producers = new Map<string, ProducerPerfCounters>();
  readonly consumers = new Map<string, ConsumerPerfCounters>();

  producer(client: string): ProducerPerfCounters {
    let p = this.producers.get(client);
    if (!p) this.producers.set(client, (p = { firstSendUs: null, firstAckUs: null, lastAckUs: 0, acknowledged: 0, failed: 0, latency: new LatencyHistogram(), sent: 0, refused: 0, refusedError: null }));
    return p;
  }

  consumer(client: string): ConsumerPerfCounters {
    let c = this.consumers.get(client);
    if (!c) this.consumers.set(client, (c = { records: 0, valueBytes: 0, firstPollUs: null, lastPollUs: 0, recordsAfterFirst: 0, endToEnd: new LatencyHistogram(), endToEndMsClock: new LatencyHistogram() }));
    return c;
  }

  /** A perf-test producer's application calls send() for the first time at `nowUs` (its send loop begins). */
  producerSendLoopStarted(client: string, nowUs: number): void {
    const p = this.producer(client);
    if (p.firstSendUs === null) p.firstSendUs = nowUs;
  }

  /**
   * A perf-test producer's batch completed at `nowUs`: acknowledged (`ok`) or failed, its records sent as `runs`
   * say. Every record counts towards `acknowledged` / `failed`; the latency histogram takes only those sent at or after
   * the producer's first acknowledgement (the steady state, as performance.ts reads a history).
   */
  producerBatchDone(client: string, nowUs: number, runs: readonly SendTimeRun[], ok: boolean): void {
    const p = this.producer(client);
    if (ok) {
      if (p.firstAckUs === null) p.firstAckUs = nowUs;
      p.lastAckUs = nowUs;
    }
    const from = p.firstAckUs;
    for (const run of runs) {
      if (ok) p.acknowledged += run.count;
      else p.failed += run.count;
      if (!ok || from === null) continue;
      // The records of the run sent at or after the first acknowledgement.
      const skip = run.intervalUs > 0 ? Math.max(0, Math.min(run.count, Math.ceil((from - run.firstSendUs) / run.intervalUs))) : run.firstSendUs >= from ? 0 : run.count;
      const n = run.count - skip;
      if (n > 0) p.latency.addRun(nowUs - (run.firstSendUs + skip * run.intervalUs), -run.intervalUs, n);
    }
  }

  /**
   * A perf-test consumer's poll at `nowUs` returned `count` records of `valueBytes` value bytes in all; `runs`, when
   * known (a perf-test producer's batch), the send times of exactly those records.
   */
  consumerRecords(client: string, nowUs: number, count: number, valueBytes: number, runs: readonly SendTimeRun[] | null): void {
    const c = this.consumer(client);
    if (c.firstPollUs === null) c.firstPollUs = nowUs;
    else if (nowUs > c.firstPollUs) c.recordsAfterFirst += count;
    c.lastPollUs = nowUs;
    c.records += count;
    c.valueBytes += valueBytes;
    if (runs)
      for (const run of runs) {
        c.endToEnd.addRun(nowUs - run.firstSendUs, -run.intervalUs, run.count);
        addMsClockRun(c.endToEndMsClock, nowUs, run.firstSendUs, run.intervalUs, run.count);
      }
  }

  /** End-to-end latencies (`nowUs` − send time) of the records `from .. from + count - 1` of a batch whose send times are `runs`. */
  consumerRunLatencies(client: string, nowUs: number, runs: readonly SendTimeRun[], from: number, count: number): void {
    const c = this.consumer(client);
    const h = c.endToEnd;
    let skip = from;
    let left = count;
    for (const run of runs) {
      if (left <= 0) break;
      if (skip >= run.count) {
        skip -= run.count;
        continue;
      }
      const k = Math.min(left, run.count - skip);
      h.addRun(nowUs - (run.firstSendUs + skip * run.intervalUs), -run.intervalUs, k);
      addMsClockRun(c.endToEndMsClock, nowUs, run.firstSendUs + skip * run.intervalUs, run.intervalUs, k);
      left -= k;
      skip = 0;
    }
  }
}
