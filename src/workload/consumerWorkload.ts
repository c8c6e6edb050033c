import type { ConsumerSettings } from "../kafka/config/consumerConfig.js";
import { KafkaConsumer } from "../kafka/client/consumer/consumer.js";
import { clientProcess } from "../kafka/network/connectionRouter.js";
import type { Actor, ActorContext } from "../sim/index.js";
import type { History } from "./history.js";

export interface ConsumerWorkload {
  topic: string;
  /** Partitions to assign; null means all partitions of the topic (known from metadata). */
  partitions: number[] | null;
  pollIntervalMs: number;
  stopMs: number | null;
}

/** A poll's completion, in Jepsen's shape: for each topic-partition, the [offset, value] pairs returned. */
export type PollValue = Record<string, [number, string][]>;

/**
 * An application that assigns itself partitions and polls them at a steady pace, recording each non-empty poll
 * (Jepsen's `[:poll]` completing as `[:poll {k [[offset v] ...]}]`, a key standing for one topic-partition).
 */
export function consumerWorkloadActor(brokers: string[], settings: ConsumerSettings, w: ConsumerWorkload, history: History) {
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
    const poll = ctx.timer(() => {
      if (w.stopMs !== null && ctx.nowMs >= w.stopMs) return;
      tryAssign();
      const polled = consumer.poll();
      if (polled.length > 0) {
        const value: PollValue = {};
        for (const p of polled) value[`${p.topic}-${p.partition}`] = p.records.map((r) => [r.offset, r.value]);
        const inv = history.invoke(ctx.nowUs, ctx.name, "poll", { isolation: settings.isolationLevel });
        history.complete(ctx.nowUs, inv, "ok", value);
      }
      poll.set(w.pollIntervalMs);
    });
    const net = clientProcess(ctx);
    return {
      onStart: () => {
        consumer.start();
        poll.set(w.pollIntervalMs);
      },
      onMessage: (from, msg, conn) => {
        net.onMessage(from, msg, conn);
        tryAssign();
      },
      onConnection: net.onConnection,
    };
  };
}
