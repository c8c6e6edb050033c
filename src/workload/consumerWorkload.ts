import type { ConsumerSettings } from "../kafka/config/consumerConfig.js";
import { type ConsumerPollError, KafkaConsumer } from "../kafka/client/consumer/consumer.js";
import type { Actor, ActorContext } from "../sim/index.js";
import type { History } from "./history.js";
import { pollLoopActor } from "./pollLoop.js";
import { type RecordBatch, valueBytesOf } from "../kafka/log/recordBatch.js";
import { RunRecordBatch } from "../kafka/log/runRecordBatch.js";

export interface ConsumerWorkload {
  topic: string;
  /** Partitions to assign; null means all partitions of the topic (known from metadata). */
  partitions: number[] | null;
  /** How long the application waits after an empty poll before it polls again. */
  pollIntervalMs: number;
  /**
   * Null, or the application calls poll(Duration) with this timeout in ms, as a Java application's loop does: a poll
   * that finds nothing blocks until a Fetch answer brings records (then returns at once) or the timeout passes, and
   * a poll that returned records is followed by the next at once. Replaces `pollIntervalMs`.
   */
  pollTimeoutMs: number | null;
  stopMs: number | null;
  /**
   * kafka-consumer-perf-test mode (issue 17 item 5): poll again at once while polls return records, count them
   * (and the end-to-end latency of perf-test producers' records) in `History.perfTest`, record no polls.
   */
  perfTest?: boolean;
}

/** A poll's completion, in Jepsen's shape: for each topic-partition, the [offset, value] pairs returned. */
export type PollValue = Record<string, [number, string][]>;

/**
 * A poll that threw instead (a `poll` op completing `fail` with the exception's error name as its error): for each
 * topic-partition the exception names, the offset it was at (null: none) and, for a truncation, the first offset
 * known to diverge.
 */
export interface PollErrorValue {
  group?: string;
  /** The Java exception poll() threw (the op's error is its error name: LOG_TRUNCATION, OFFSET_OUT_OF_RANGE, ...). */
  exception: string;
  partitions: Record<string, { offset: number | null; divergentOffset?: number }>;
}

/** Records a poll that threw, as the invocation and failure of one `poll` op. */
export function recordPollError(history: History, timeUs: number, process: string, invokeValue: Record<string, unknown>, e: ConsumerPollError, group?: string): void {
  const inv = history.invoke(timeUs, process, "poll", invokeValue);
  const partitions: PollErrorValue["partitions"] = {};
  for (const p of e.partitions) partitions[`${p.topic}-${p.partition}`] = { offset: p.offset, ...(p.divergentOffset !== undefined ? { divergentOffset: p.divergentOffset } : {}) };
  history.complete(timeUs, inv, "fail", { ...(group !== undefined ? { group } : {}), exception: e.exception, partitions } satisfies PollErrorValue, e.error);
}

/**
 * An application that assigns itself partitions and polls them at a steady pace (or, with `pollTimeoutMs`, in a
 * loop of blocking poll(Duration) calls, as OpenMessaging Benchmark's Kafka consumer does), recording each non-empty poll
 * (Jepsen's `[:poll]` completing as `[:poll {k [[offset v] ...]}]`, a key standing for one topic-partition). A poll
 * that throws (auto.offset.reset=none) is recorded as a failed poll and ends the application, as an uncaught
 * exception ends a Java application's poll loop.
 */
export function consumerWorkloadActor(brokers: string[], settings: ConsumerSettings, w: ConsumerWorkload, history: History) {
  if (w.perfTest) return perfTestConsumerActor(brokers, settings, w, history);
  return (ctx: ActorContext): Actor => {
    const consumer = new KafkaConsumer(ctx, brokers, settings);
    const tryAssign = () => {
      if (consumer.assignment().length > 0) return;
      const parts = w.partitions ?? consumer.metadata.partitionsFor(w.topic)?.map((p) => p.partition) ?? null;
      if (parts && parts.length > 0) {
        consumer.assign(parts.map((partition) => ({ topic: w.topic, partition })));
        history.event(ctx.nowUs, ctx.name, "assign", { topic: w.topic, partitions: parts });
      } else consumer.metadata.requestUpdate(); // the topic is not in metadata yet (partitionsFor would wait)
    };
    return pollLoopActor(ctx, consumer, { ...w, againAtOnce: false }, tryAssign, () => {
      tryAssign();
      const result = consumer.poll();
      if (!result.ok) {
        recordPollError(history, ctx.nowUs, ctx.name, { isolation: settings.isolationLevel }, result.error);
        return "stopped";
      }
      const polled = result.partitions;
      if (polled.length > 0) {
        const value: PollValue = {};
        for (const p of polled) value[`${p.topic}-${p.partition}`] = p.records.map((r) => [r.offset, r.value]);
        const inv = history.invoke(ctx.nowUs, ctx.name, "poll", { isolation: settings.isolationLevel });
        history.complete(ctx.nowUs, inv, "ok", value);
      }
      return polled.length > 0 ? "records" : "empty";
    });
  };
}

/**
 * kafka-consumer-perf-test (`perfTest: true`): assigns itself the partitions and polls as fast as records come: at
 * once again while a poll returns records, after `pollIntervalMs` when one returns none (a poll(timeout) that found
 * nothing), or with `pollTimeoutMs` blocked in poll(Duration) until a Fetch brings records, as the per-record consumer. The records are not built (KafkaConsumer.poll with a visitor): each stretch of a batch is counted, with
 * its value bytes, and for a perf-test producer's batch (RunRecordBatch) the end-to-end latency of each record from
 * its send time, as ranges, in `history.perfTest`. Nothing is recorded in the history. A poll that throws ends the
 * application, as it ends the per-record consumer's (and is recorded, as there).
 */
function perfTestConsumerActor(brokers: string[], settings: ConsumerSettings, w: ConsumerWorkload, history: History) {
  return (ctx: ActorContext): Actor => {
    const consumer = new KafkaConsumer(ctx, brokers, settings);
    const stats = history.perfTest;
    stats.consumer(ctx.name);
    const tryAssign = () => {
      if (consumer.assignment().length > 0) return;
      const parts = w.partitions ?? consumer.metadata.partitionsFor(w.topic)?.map((p) => p.partition) ?? null;
      if (parts && parts.length > 0) consumer.assign(parts.map((partition) => ({ topic: w.topic, partition })));
      else consumer.metadata.requestUpdate();
    };
    // One visitor for every poll: no closure per batch or record.
    const visit = (_topic: string, _partition: number, b: RecordBatch, from: number, count: number) => {
      if (b instanceof RunRecordBatch) {
        stats.consumerRecords(ctx.name, ctx.nowUs, count, count * b.valueSize, null);
        stats.consumerRunLatencies(ctx.name, ctx.nowUs, b.runs, from, count);
        return;
      }
      const records = b.records;
      let bytes = 0;
      for (let i = from; i < from + count; i++) bytes += Math.max(0, valueBytesOf(records[i]));
      stats.consumerRecords(ctx.name, ctx.nowUs, count, bytes, null);
    };
    return pollLoopActor(ctx, consumer, { ...w, againAtOnce: true }, tryAssign, () => {
      tryAssign();
      const before = stats.consumer(ctx.name).records;
      const result = consumer.poll(visit);
      if (!result.ok) {
        recordPollError(history, ctx.nowUs, ctx.name, { isolation: settings.isolationLevel }, result.error);
        return "stopped";
      }
      return stats.consumer(ctx.name).records > before ? "records" : "empty";
    });
  };
}
