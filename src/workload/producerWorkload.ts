import type { ProducerSettings } from "../kafka/config/producerSettings.js";
import { KafkaProducer, type ProducerRecord } from "../kafka/client/producer/producer.js";
import type { RunBatchListener, SendResult } from "../kafka/client/producer/producerBatch.js";
import { clientProcess } from "../kafka/network/connectionRouter.js";
import type { Actor, ActorContext } from "../sim/index.js";
import type { History, SendValue } from "./history.js";
import { type KeyDistribution, keyNames, nextKey } from "./keys.js";

export interface ProducerWorkload {
  topic: string;
  /** Records per second; Infinity: as fast as send() takes them without blocking (`rate: max`). */
  ratePerSec: number;
  keys: KeyDistribution;
  valueSize: number;
  records: number | null;
  partition: number | null;
  stopMs: number | null;
  /** Share of sends that are tombstones (a null value, the delete of the key on a compacted topic); 0..1. */
  tombstoneRatio: number;
  /**
   * kafka-producer-perf-test mode (issue 17 item 5): keyless records appended in runs, one operation per tick,
   * counted in `History.perfTest` instead of recorded as ops (perfTestProducer below). Needs keys `none`, no tombstones.
   */
  perfTest?: boolean;
  /**
   * `even`: one send every 1/`ratePerSec` s (OpenMessaging Benchmark's Guava RateLimiter.acquire() before each send,
   * LocalWorker.submitProducersToExecutor); absent: a tick's sends at once (a tick per ms, or per 1000/rate ms).
   */
  pacing?: "even";
}

/**
 * Even pacing at `ratePerSec` records/s: the n-th send is due at `t0 + round(n × 10^6 / rate)` µs, `t0` the first
 * tick's time, so sends are spaced by 1/rate s (to the µs) without drifting, as a RateLimiter that never falls behind.
 * Follows Guava's `RateLimiter.acquire()` as OMB's LocalWorker calls it before each `sendAsync` (one permit a send).
 */
export class EvenPacer {
  private t0Us = -1;
  private due = 0;

  constructor(private readonly ratePerSec: number) {}

  private atUs(n: number): number {
    return this.t0Us + Math.round((n * 1e6) / this.ratePerSec);
  }

  /** The sends due by `nowUs` (µs) that were not taken before; the first call starts the clock. */
  take(nowUs: number): number {
    if (this.t0Us < 0) this.t0Us = nowUs;
    let k = 0;
    while (this.atUs(this.due) <= nowUs) {
      this.due++;
      k++;
    }
    return k;
  }

  /** Milliseconds (µs resolution) from `nowUs` to the next send due. */
  nextDelayMs(nowUs: number): number {
    return (this.atUs(this.due) - nowUs) / 1000;
  }
}

/**
 * An application that produces at a steady rate and records, Jepsen-style, each send's invocation and its
 * outcome: ok with partition and offset, fail with the Kafka error, or info when the outcome is unknown.
 * Values are unique (`<client>-<n>`) so checkers can follow each record. A crash loses the process's pending sends:
 * their invocations stay without completion (unknown).
 */
export function producerWorkloadActor(brokers: string[], settings: ProducerSettings, w: ProducerWorkload, history: History) {
  if (w.perfTest) return perfTestProducerActor(brokers, settings, w, history);
  return (ctx: ActorContext): Actor => {
    const producer = new KafkaProducer(ctx, brokers, settings);
    const keyRandom = ctx.stream("keys");
    // Its own stream, drawn only when tombstones are asked for: other workloads' draws do not move.
    const tombstoneRandom = w.tombstoneRatio > 0 ? ctx.stream("tombstones") : null;
    const names = keyNames(w.keys);
    const asFastAsPossible = w.ratePerSec === Infinity;
    const tickMs = asFastAsPossible ? 1 : Math.max(1, 1000 / w.ratePerSec);
    const perTick = (w.ratePerSec * tickMs) / 1000;
    let owed = 0;
    // Values stay unique across restarts of the same client: the incarnation is part of them.
    let n = 0;
    let sent = 0;
    // The incarnation is fixed for this life (the engine counts it up before it calls the factory): made once.
    const valuePrefix = `${ctx.name}-${ctx.incarnation}-`;

    // One completion for every record: the tag is the history row of the send's invocation (no closure per send).
    const completed = (r: SendResult, inv: number) => {
      if (r.ok) history.completeSend(ctx.nowUs, inv, "ok", r.partition, r.offset);
      else history.completeSend(ctx.nowUs, inv, r.indeterminate ? "info" : "fail", r.partition, undefined, r.error);
    };

    const sendOne = () => {
      const key = nextKey(w.keys, n, keyRandom, names);
      const value = valuePrefix + n++;
      const tombstone = tombstoneRandom !== null && key !== null && tombstoneRandom.chance(w.tombstoneRatio);
      const padBytes = tombstone ? 0 : Math.max(0, w.valueSize - value.length);
      // Fields added in the order the spreads gave them, without a spread's copies (this runs per record).
      const v: SendValue = { topic: w.topic, partition: w.partition, key, value };
      if (settings.acks === 0) v.acks = "0";
      if (tombstone) v.tombstone = true;
      // Held in the history's columns: no op or value object per send (issue 14 item 4); a tombstone is an object.
      const inv = history.invokeSend(ctx.nowUs, ctx.name, v);
      const record: ProducerRecord = tombstone
        ? { topic: w.topic, key, value, tombstone: true, ...(w.partition !== null ? { partition: w.partition } : {}) }
        : w.partition !== null
          ? { topic: w.topic, key, value, padBytes, partition: w.partition }
          : { topic: w.topic, key, value, padBytes };
      producer.send(record, completed, inv);
      sent++;
    };

    const pacer = w.pacing === "even" ? new EvenPacer(w.ratePerSec) : null;
    const tick = ctx.timer(() => {
      if (w.stopMs !== null && ctx.nowMs >= w.stopMs) return;
      if (pacer) {
        // One send every 1/rate s (OMB's RateLimiter): normally one per tick.
        for (let k = pacer.take(ctx.nowUs); k > 0 && (w.records === null || sent < w.records); k--) sendOne();
        if (w.records === null || sent < w.records) tick.set(pacer.nextDelayMs(ctx.nowUs));
        return;
      }
      if (asFastAsPossible) {
        // kafka-producer-perf-test --throughput -1: send() in a loop, which blocks once buffer.memory is full. The
        // application here stops where send() would block and tries again a millisecond later (one send while the
        // topic's metadata is unknown, which asks for it).
        do sendOne();
        while (producer.canAppendWithoutBlocking(w.topic) && (w.records === null || sent < w.records));
        if (w.records === null || sent < w.records) tick.set(tickMs);
        return;
      }
      owed += perTick;
      while (owed >= 1 && (w.records === null || sent < w.records)) {
        owed -= 1;
        sendOne();
      }
      if (w.records === null || sent < w.records) tick.set(tickMs);
    });

    return {
      onStart: () => {
        producer.start();
        tick.set(tickMs);
      },
      ...clientProcess(ctx),
      onShutdown: () => producer.close(),
    };
  };
}

/**
 * kafka-producer-perf-test (`perfTest: true`; issue 17 items 5 and 6): sends keyless records as fast as send()
 * takes them (`rate: max`, perf-test's `--throughput -1`) or at a fixed rate, the records of a tick appended to the
 * producer in one operation (KafkaProducer.appendRun: the same batches, partitions and blocking as one send() per
 * record). Nothing is recorded per record: each batch's completion updates the client's counters and latency
 * histogram in `history.perfTest` (its records' send times travel with the batch as runs). Values are
 * `<client>-<incarnation>-<n>` padded to `valueSize`, as the per-record workload's.
 * Simplified: where send() would block (buffer.memory full, metadata unknown) the application waits and sends the
 * rest on a later tick instead of blocking its thread; it never fails a send with max.block.ms (BUFFER_EXHAUSTED).
 */
function perfTestProducerActor(brokers: string[], settings: ProducerSettings, w: ProducerWorkload, history: History) {
  return (ctx: ActorContext): Actor => {
    const producer = new KafkaProducer(ctx, brokers, settings);
    const stats = history.perfTest;
    const counters = stats.producer(ctx.name);
    const values = { prefix: `${ctx.name}-${ctx.incarnation}-`, valueSize: w.valueSize };
    const asFastAsPossible = w.ratePerSec === Infinity;
    const tickMs = asFastAsPossible ? 1 : Math.max(1, 1000 / w.ratePerSec);
    const perTick = (w.ratePerSec * tickMs) / 1000;
    // One listener for every batch: no closure per send.
    const listener: RunBatchListener = (batch, result) => stats.producerBatchDone(ctx.name, ctx.nowUs, batch.runs!, result.ok);
    const onRefused = (records: number, error: string) => {
      counters.refused += records;
      counters.refusedError = error;
    };
    let owed = 0;
    let n = 0;
    const remaining = () => (w.records === null ? Number.MAX_SAFE_INTEGER : w.records - n);
    // Even pacing: a tick per send (its own send time), what a batch carries as one arithmetic run of send times.
    const pacer = w.pacing === "even" ? new EvenPacer(w.ratePerSec) : null;
    const tick = ctx.timer(() => {
      if (w.stopMs !== null && ctx.nowMs >= w.stopMs) return;
      let want: number;
      if (asFastAsPossible) want = remaining();
      else if (pacer) {
        owed += pacer.take(ctx.nowUs);
        want = Math.min(owed, remaining());
      } else {
        owed += perTick;
        want = Math.min(Math.floor(owed), remaining());
      }
      if (want > 0) {
        // kafka-producer-perf-test's Stats start: taken just before the send loop's first send() (which may block on
        // metadata), so the cluster's start-up counts in its records/s.
        stats.producerSendLoopStarted(ctx.name, ctx.nowUs);
        const appended = producer.appendRun(w.topic, w.partition, values, n, want, listener, onRefused);
        n += appended;
        counters.sent += appended;
        if (!asFastAsPossible) owed -= appended;
      }
      if (remaining() > 0) tick.set(pacer ? pacer.nextDelayMs(ctx.nowUs) : tickMs);
    });
    return {
      onStart: () => {
        producer.start();
        tick.set(tickMs);
      },
      ...clientProcess(ctx),
      onShutdown: () => producer.close(),
    };
  };
}
